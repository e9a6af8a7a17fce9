import Foundation
import Hummingbird

/// The cookies the server sets (the pages' and the read position) and how they are read and written.
public enum WebCookie {
    /// The session token (HttpOnly: scripts never see it).
    public static let session = "vledger_session"
    /// An anonymous visitor's random CSRF seed, before login.
    public static let anonymous = "vledger_anon"
    /// The chosen page language.
    public static let language = "lang"
    /// The position of a browser's last write (`ReadConsistencyMiddleware`).
    public static let written = "vledger_written"

    /// The value of cookie `name` in the request, if any.
    public static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.count <= 256 ? value : nil
            }
        }
        return nil
    }

    /// A `Set-Cookie` value: path /, SameSite=Lax, HttpOnly unless readable by scripts, Secure over https.
    public static func header(_ name: String, _ value: String, maxAge: Int?, httpOnly: Bool = true, secure: Bool) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=Lax"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    public static func cleared(_ name: String, secure: Bool) -> String {
        header(name, "", maxAge: 0, secure: secure)
    }
}
