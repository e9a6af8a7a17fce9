import Crypto
import Foundation

/// CSRF tokens: a keyed digest of the visitor's secret cookie (the session token, or before login a
/// random anonymous cookie). Another site can make the browser send the cookie but cannot read it, so it
/// cannot compute the token a form must carry; no server-side state, so any process checks any token.
enum CSRF {
    static let fieldName = "_csrf"

    static func token(seed: String) -> String {
        let digest = SHA256.hash(data: Data(("vledger-csrf\u{0}" + seed).utf8))
        return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in time independent of where the strings differ.
    static func matches(_ presented: String?, seed: String) -> Bool {
        guard let presented, !seed.isEmpty else { return false }
        let expected = Array(token(seed: seed).utf8), given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
