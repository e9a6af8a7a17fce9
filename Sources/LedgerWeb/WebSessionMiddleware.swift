import Foundation
import HTTPTypes
import Hummingbird
import LedgerAPI
import LedgerCore
import LedgerForms
import Logging

/// The middleware of every page: finds the session behind the cookie, picks the language, refuses a
/// POST larger than its route allows this session (413, before the body is read or parsed) or whose form lacks the
/// CSRF token (403, nothing changed), and turns errors into HTML pages (a missing login into a redirect to /login).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let ledger: Ledger
    let renderer: PageRenderer
    let trustProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.path = request.uri.path
        context.userAgent = request.headers[.userAgent]
        context.isSecure = trustProxy && request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first {
            context.clientAddress = String(forwarded.trimmingCharacters(in: .whitespaces).prefix(64))
        }
        context.language = .preferred(cookie: WebCookie.value(WebCookie.language, in: request),
                                      acceptLanguage: request.headers[.acceptLanguage])
        var cookies: [String] = []
        if let token = WebCookie.value(WebCookie.session, in: request) {
            if let account = try? await ledger.authenticate(token: token) {
                context.account = account
                context.principal = Principal(account)
                context.sessionToken = token
                context.csrfSeed = token
                context.logger[metadataKey: "user"] = .stringConvertible(account.id)
            } else {
                cookies.append(WebCookie.cleared(WebCookie.session, secure: context.isSecure))
            }
        }
        if context.sessionToken == nil {
            if let seed = WebCookie.value(WebCookie.anonymous, in: request), seed.count == 43 {
                context.csrfSeed = seed
            } else {
                var generator = SystemRandomNumberGenerator()
                let seed = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                context.csrfSeed = seed
                cookies.append(WebCookie.header(WebCookie.anonymous, seed, maxAge: nil, secure: context.isSecure))
            }
        }
        var response: Response
        do {
            var request = request
            if request.method == .post {
                let limit = FormBodyLimits.limit(path: request.uri.path, principal: context.principal)
                if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                    throw HTTPError(.contentTooLarge)
                }
                let body = try await request.collectBody(upTo: limit)
                context.form = try FormData.parse(Array(buffer: body), contentType: request.headers[.contentType])
                guard CSRF.matches(context.form[CSRF.fieldName], seed: context.csrfSeed) else {
                    context.logger.notice("form refused: missing or wrong CSRF token", metadata: ["path": "\(request.uri.path.prefix(200))"])
                    throw PageError.csrf
                }
            }
            response = try await next(request, context)
        } catch let error as LedgerError where error.kind == .unauthenticated && error.code == "unauthenticated" {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            response = WebRedirect.to("/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        } catch {
            response = errorPage(error, context: context)
        }
        for cookie in cookies { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    private func errorPage(_ error: any Error, context: Context) -> Response {
        let status: HTTPResponse.Status
        let message: String
        switch error {
        case let error as LedgerError:
            status = error.httpStatus
            message = BilingualText.pick(error.message, context.language)
        case PageError.csrf:
            status = .forbidden
            message = renderer.text("error_csrf", context.language)
        case let error as FormError:
            status = .badRequest
            message = error.description
        case let error as any HTTPResponseError:
            status = error.status
            message = error.status == .contentTooLarge ? renderer.text("error_too_large", context.language) : error.status.reasonPhrase
        default:
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            status = .internalServerError
            message = renderer.text("error_internal", context.language)
        }
        struct ErrorPage { var status: Int; var message: String; var requestId: String }
        return renderer.render("error", title: "\(status.code)", page: ErrorPage(status: status.code, message: message, requestId: context.id),
                               context: context, status: status)
    }
}

/// Failures of the page layer itself.
enum PageError: Error {
    /// A POST without a valid CSRF token.
    case csrf
}

/// `303 See Other` after a form, so reloading does not post it again.
enum WebRedirect {
    static func to(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// `next` if it is a path on this site (never `//host` or a URL), else `fallback`.
    static func safeLocal(_ next: String?, fallback: String) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500 else { return fallback }
        return next
    }
}
