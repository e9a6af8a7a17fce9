import Foundation
import Hummingbird
import LedgerCore
import Mustache

/// Renders pages from the mustache templates of `Resources/templates` with the texts of
/// `Resources/i18n/{zh,en}.json`, and sets the security headers every page carries.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let texts: [PageLanguage: [String: String]]

    public init(resourcesFolder: String) async throws {
        let templates = URL(fileURLWithPath: resourcesFolder).appendingPathComponent("templates").path
        guard FileManager.default.fileExists(atPath: templates + "/layout.mustache") else {
            throw WebSetupError("no page templates in \(templates) (set --resources or $VLEDGER_RESOURCES)")
        }
        library = try await MustacheLibrary(directory: templates)
        var texts: [PageLanguage: [String: String]] = [:]
        for language in [PageLanguage.chinese, .english] {
            let path = URL(fileURLWithPath: resourcesFolder).appendingPathComponent("i18n/\(language.rawValue).json").path
            guard let data = FileManager.default.contents(atPath: path),
                  let catalog = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw WebSetupError("cannot read the page texts \(path)")
            }
            texts[language] = catalog
        }
        let missing = Set(texts[.chinese]!.keys).symmetricDifference(texts[.english]!.keys)
        guard missing.isEmpty else { throw WebSetupError("page texts differ between zh and en: \(missing.sorted().prefix(5))") }
        self.texts = texts
    }

    /// The text `key` in `language` (the key itself when missing, so a gap shows instead of a blank).
    public func text(_ key: String, _ language: PageLanguage) -> String {
        texts[language]?[key] ?? key
    }

    /// A page: `template` inside the layout, with `page` as its data.
    /// `refreshSeconds` makes the browser reload the page (a job's progress without script).
    func render(_ template: String, title: String, page: Any, context: WebRequestContext, status: HTTPResponse.Status = .ok,
                refreshSeconds: Int? = nil) -> Response {
        let language = context.language
        var data: [String: Any] = [
            "t": texts[language] ?? [:],
            "lang": language.rawValue,
            "langTag": language == .chinese ? "zh-CN" : "en",
            "path": context.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/",
            "otherLanguage": language == .chinese ? "en" : "zh",
            "otherLanguageName": language == .chinese ? "English" : "中文",
            "csrf": context.csrfToken,
            "title": title,
            "page": ReflectedFields(page),
        ]
        if let refreshSeconds { data["refresh"] = String(refreshSeconds) }
        if let account = context.account {
            data["user"] = [
                "name": account.displayName,
                "role": text("role_\(account.role.rawValue)", language),
                "home": WebNavigation.home(of: account.role),
            ] as [String: Any]
            data["nav"] = WebNavigation.items(for: account.role).map { item -> [String: Any] in
                ["href": item.href, "label": text(item.label, language), "current": context.path.hasPrefix(item.href) && item.href != "/"
                    && (item.exact ? context.path == item.href : true)]
            }
        }
        let html = library.render(data, withTemplate: template) ?? "template \(template) missing"
        return Self.htmlResponse(html, status: status, context: context)
    }

    /// HTML with the security headers of every page.
    static func htmlResponse(_ html: String, status: HTTPResponse.Status, context: WebRequestContext) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        SecurityHeaders.apply(to: &headers, signedIn: context.principal != nil)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The headers of every page: no inline scripts, no framing, no MIME sniffing, no referrer to other sites.
enum SecurityHeaders {
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    static func apply(to headers: inout HTTPFields, signedIn: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "same-origin"
        headers[.init("X-Frame-Options")!] = "DENY"
        if signedIn { headers[.cacheControl] = "private, no-store" }
    }
}

/// A web interface that cannot start (missing templates or texts).
public struct WebSetupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A bilingual message of the domain ("中文 / English") in one language.
enum BilingualText {
    static func pick(_ message: String, _ language: PageLanguage) -> String {
        // Split at the first " / " whose left side holds Chinese and whose right side starts in ASCII.
        var searchRange = message.startIndex..<message.endIndex
        while let separator = message.range(of: " / ", range: searchRange) {
            let left = message[..<separator.lowerBound], right = message[separator.upperBound...]
            if left.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }), right.first?.isASCII == true {
                return language == .chinese ? String(left) : String(right)
            }
            searchRange = separator.upperBound..<message.endIndex
        }
        return message
    }
}

/// A page's fields read once through `Mirror` into a dictionary. Mustache looks every name up from the innermost
/// section outwards, so each `{{t.…}}` inside the page would otherwise reflect over the page struct again.
struct ReflectedFields: MustacheParent {
    let fields: [String: Any]

    init(_ value: Any) {
        var fields: [String: Any] = [:]
        for child in Mirror(reflecting: value).children {
            // An absent optional is no field (false in a section), a present one its value.
            if let label = child.label, let present = Self.unwrapped(child.value) { fields[label] = present }
        }
        self.fields = fields
    }

    func child(named name: String) -> Any? { fields[name] }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.flatMap { unwrapped($0.value) }
    }
}
