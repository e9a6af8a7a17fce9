import Crypto
import Foundation

/// The rotating code of an activity's attendance screen (扫码签到). Like a TOTP (RFC 6238) it is an HMAC-SHA256 of the
/// time step, here keyed by a server secret kept outside the database and bound to the activity, truncated to
/// `digits` decimal digits (RFC 4226 dynamic truncation). A code is accepted during its own step and one step after
/// it changed, so a photo of the screen is useless a minute later.
public struct AttendanceCodes: Sendable {
    /// Seconds a code is shown.
    public static let step: TimeInterval = 30
    /// Digits of a code: 10⁸ codes, two valid at a time.
    public static let digits = 8
    /// Bytes of a generated secret.
    public static let secretLength = 32

    private let key: SymmetricKey
    /// Where the check-in pages are served, e.g. `https://volunteer.example.gov.cn` (no trailing slash).
    public let publicBaseURL: String

    public init(secret: [UInt8], publicBaseURL: String) {
        key = SymmetricKey(data: secret)
        var base = publicBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicBaseURL = base
    }

    /// A new random secret.
    public static func generateSecret() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// The code shown for `activityId` at `instant`, and when the screen replaces it.
    public func code(activityId: Int64, at instant: Date) -> (code: String, expiresAt: Date) {
        let step = Self.stepNumber(instant)
        return (code(activityId: activityId, step: step), Date(timeIntervalSince1970: Double(step + 1) * Self.step))
    }

    /// The URL the attendance screen's QR code opens.
    public func url(activityId: Int64, code: String) -> String {
        "\(publicBaseURL)/a/\(activityId)?code=\(code)"
    }

    /// Whether `code` is the code of `activityId` for the step of `instant` or the step before.
    public func accepts(_ code: String, activityId: Int64, at instant: Date) -> Bool {
        let typed = Array(code.trimmingCharacters(in: .whitespaces).utf8)
        guard typed.count == Self.digits else { return false }
        let step = Self.stepNumber(instant)
        var matched = false
        for candidate in [step, step - 1] {
            // Every candidate is compared in full: the time taken does not tell which one matched.
            matched = Self.constantTimeEqual(typed, Array(self.code(activityId: activityId, step: candidate).utf8)) || matched
        }
        return matched
    }

    static func stepNumber(_ instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / step).rounded(.down))
    }

    func code(activityId: Int64, step: Int64) -> String {
        var message = Array("vledger-attendance/1".utf8)
        withUnsafeBytes(of: activityId.bigEndian) { message += $0 }
        withUnsafeBytes(of: step.bigEndian) { message += $0 }
        let mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let text = String(value % 100_000_000)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
