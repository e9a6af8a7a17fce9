import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// The pages anyone may open: the front page, login and logout, the language switch, the check page.
struct PublicPages {
    let ledger: Ledger
    let renderer: PageRenderer

    struct FrontPage {
        var spotChecks: [SpotCheckLink]
        var signedIn: Bool
    }

    struct SpotCheckLink {
        var href: String
        var title: String
        var status: String
    }

    struct LoginPage {
        var username: String
        var next: String
        var error: String?
        /// After a login was opened with an invitation.
        var invited = false
    }

    struct CheckPage {
        var input: String
        var error: String?
    }

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/") { _, context -> Response in
            renderer.render("front", title: renderer.text("app_name", context.language),
                            page: FrontPage(spotChecks: try await spotCheckLinks(limit: 10, context), signedIn: context.principal != nil),
                            context: context)
        }
        pages.get("/spot-checks") { _, context -> Response in
            renderer.render("spot-checks", title: renderer.text("spot_checks_published", context.language),
                            page: FrontPage(spotChecks: try await spotCheckLinks(limit: 200, context), signedIn: context.principal != nil),
                            context: context)
        }
        pages.get("/login") { request, context -> Response in
            if let account = context.account { return WebRedirect.to(WebNavigation.home(of: account.role)) }
            let next = WebRedirect.safeLocal(request.uri.queryParameters.get("next"), fallback: "")
            return renderer.render("login", title: renderer.text("login_title", context.language),
                                   page: LoginPage(username: "", next: next, invited: request.uri.queryParameters.get("invited") == "1"),
                                   context: context)
        }
        pages.post("/login") { _, context -> Response in
            let username = context.form["username"] ?? ""
            let next = WebRedirect.safeLocal(context.form["next"], fallback: "")
            do {
                let grant = try await ledger.login(username: username, password: context.form.all("password").first ?? "",
                                                   clientAddress: context.clientAddress, userAgent: context.userAgent)
                let lifetime = Int(grant.expiresAt.timeIntervalSince(Date()))
                let cookie = WebCookie.header(WebCookie.session, grant.token, maxAge: max(60, lifetime), secure: context.isSecure)
                context.logger.info("web login", metadata: ["user": "\(grant.account.id)"])
                return WebRedirect.to(next.isEmpty ? WebNavigation.home(of: grant.account.role) : next, cookies: [cookie])
            } catch let error as LedgerError where error.kind == .unauthenticated {
                context.logger.notice("web login refused", metadata: ["username": "\(username.prefix(64))"])
                let page = LoginPage(username: String(username.prefix(64)), next: next, error: renderer.text("login_failed", context.language))
                return renderer.render("login", title: renderer.text("login_title", context.language), page: page, context: context,
                                       status: .unauthorized)
            } catch let error as LedgerError where error.kind == .forbidden {
                // A disabled account, with the right password: say so beside the form.
                let page = LoginPage(username: String(username.prefix(64)), next: next, error: BilingualText.pick(error.message, context.language))
                return renderer.render("login", title: renderer.text("login_title", context.language), page: page, context: context,
                                       status: .forbidden)
            } catch let error as LedgerError where error.kind == .throttled {
                context.logger.notice("web login throttled", metadata: ["username": "\(username.prefix(64))",
                                                                        "address": "\(context.clientAddress ?? "-")"])
                let page = LoginPage(username: String(username.prefix(64)), next: next, error: BilingualText.pick(error.message, context.language))
                var response = renderer.render("login", title: renderer.text("login_title", context.language), page: page, context: context,
                                               status: .tooManyRequests)
                if case .loginThrottled(let seconds) = error { response.headers[.retryAfter] = String(seconds) }
                return response
            }
        }
        pages.post("/logout") { _, context -> Response in
            if let token = context.sessionToken { try await ledger.revoke(token: token, origin: context.origin) }
            return WebRedirect.to("/", cookies: [WebCookie.cleared(WebCookie.session, secure: context.isSecure)])
        }
        pages.get("/lang/:code") { request, context -> Response in
            let language = PageLanguage(rawValue: context.parameters.get("code") ?? "") ?? .chinese
            let back = WebRedirect.safeLocal(request.uri.queryParameters.get("next"), fallback: "/")
            let cookie = WebCookie.header(WebCookie.language, language.rawValue, maxAge: 365 * 86400, httpOnly: false, secure: context.isSecure)
            return WebRedirect.to(back, cookies: [cookie])
        }
        // Check a certificate by its serial, typed by hand, or by a pasted verification URL.
        pages.get("/check") { request, context -> Response in
            let input = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !input.isEmpty {
                if let target = Self.verificationPath(input) { return WebRedirect.to(target) }
                return renderer.render("check", title: renderer.text("check_title", context.language),
                                       page: CheckPage(input: String(input.prefix(80)), error: renderer.text("check_not_serial", context.language)),
                                       context: context, status: .unprocessableContent)
            }
            return renderer.render("check", title: renderer.text("check_title", context.language), page: CheckPage(input: ""), context: context)
        }
    }

    /// The published spot checks, newest first, as links to their public pages.
    func spotCheckLinks(limit: Int, _ context: WebRequestContext) async throws -> [SpotCheckLink] {
        try await ledger.publicSpotChecks(after: nil, limit: limit).items.map {
            SpotCheckLink(href: "/spot-checks/\($0.id)", title: $0.title, status: renderer.text("spot_status_\($0.status.rawValue)", context.language))
        }
    }

    /// `/v/...` for a pasted verification URL (its path) or a serial (16 symbols, dashes and spaces ignored).
    static func verificationPath(_ input: String) -> String? {
        guard input.count <= 2048 else { return nil }
        if let url = URL(string: input), url.scheme != nil, url.path.hasPrefix("/v/") {
            let token = String(url.path.dropFirst(3))
            guard !token.isEmpty, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else { return nil }
            return "/v/" + token
        }
        let symbols = input.uppercased().filter { !" -".contains($0) }
        guard symbols.count == 16, symbols.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return "/v/" + symbols
    }
}
