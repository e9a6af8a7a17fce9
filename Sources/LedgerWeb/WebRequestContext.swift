import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore
import LedgerForms

/// Per-request state of a web page: who is signed in (by session cookie), the page language, the CSRF
/// token of forms, and the submitted form once the CSRF check has read it.
public struct WebRequestContext: ChildRequestContext {
    public typealias ParentContext = LedgerRequestContext
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, or nil.
    public var principal: Principal?
    public var account: UserAccount?
    /// The session token from the cookie (the same kind of token the API hands out), if signed in.
    public var sessionToken: String?
    /// The value CSRF tokens are derived from: the session token, or an anonymous visitor's random cookie.
    var csrfSeed: String = ""
    /// Cookies to set on the response (a new anonymous seed, a cleared stale session).
    var cookiesToSet: [String] = []
    public var language: PageLanguage = .chinese
    /// The form of a POST, parsed once by the CSRF check.
    public var form = FormData()
    /// The request path, for the navigation and the redirect after login.
    public var path = "/"
    /// The id a page is rendered for when another form's handler shows it (a failed check-out shows its activity).
    var overridePathID: Int64?
    /// The request came over https (directly or, with trust-proxy, through a proxy that says so).
    var isSecure = false

    /// The client's address: the peer, or with trust-proxy the first address of X-Forwarded-For.
    public var clientAddress: String?
    /// The browser's User-Agent header, for the security log.
    public var userAgent: String?
    /// Where the request came from, for the security log.
    public var origin: RequestOrigin { RequestOrigin(clientAddress: clientAddress, userAgent: userAgent) }

    public init(context: LedgerRequestContext) throws {
        self.coreContext = context.coreContext
        self.clientAddress = context.clientAddress
    }

    /// Bodies decoded by Hummingbird itself: a form's size. Form posts are limited per route before they are read
    /// (`FormBodyLimits`).
    public var maxUploadSize: Int { FormBodyLimits.form }

    /// The signed-in principal, or "authentication required" (which pages turn into a redirect to /login).
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw LedgerError.unauthenticated }
        return principal
    }

    /// The signed-in principal if they have `role`, else 403 with `refusal` (pages are made for one role each).
    func require(_ role: Role, _ refusal: String) throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.role == role else { throw LedgerError.forbidden(refusal) }
        return principal
    }

    /// The CSRF token every form of this page carries.
    public var csrfToken: String { CSRF.token(seed: csrfSeed) }
}

/// The two languages of the pages: Chinese first, English second.
public enum PageLanguage: String, Sendable {
    case chinese = "zh", english = "en"

    /// From the `lang` cookie, else the first of Accept-Language that is one of ours.
    static func preferred(cookie: String?, acceptLanguage: String?) -> PageLanguage {
        if let cookie, let language = PageLanguage(rawValue: cookie) { return language }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if tag.hasPrefix("zh") { return .chinese }
            if tag.hasPrefix("en") { return .english }
        }
        return .chinese
    }
}
