import Foundation

/// What a certificate's signature covers: few, short claims, so that the token fits a QR code a phone
/// reads easily. Never the document number or the record list.
public struct CertificateClaims: Codable, Sendable, Hashable {
    /// The serial, 16 symbols.
    public var serial: String
    /// The volunteer's name, shortened with "…" only when a very long name would not fit the QR code.
    public var volunteerName: String
    public var volunteerNumber: String
    /// The issuer's 统一社会信用代码, or `platform` when the platform has none configured.
    public var issuerCode: String
    /// The period as an ISO 8601 interval of basic-format dates with open ends as `..`
    /// (`20260101/20260630`, `20260101/..`); absent for all records.
    public var period: String?
    public var minutes: Int
    /// Issue time, seconds since 1970 (the JWT `iat` claim).
    public var issuedAt: Int64
    /// Index into the revocation status lists.
    public var statusIndex: Int64

    enum CodingKeys: String, CodingKey {
        case serial = "sn", volunteerName = "vn", volunteerNumber = "no", issuerCode = "ic", period = "pd"
        case minutes = "min", issuedAt = "iat", statusIndex = "si"
    }

    public init(serial: String, volunteerName: String, volunteerNumber: String, issuerCode: String, period: String?,
                minutes: Int, issuedAt: Int64, statusIndex: Int64) {
        self.serial = serial
        self.volunteerName = volunteerName
        self.volunteerNumber = volunteerNumber
        self.issuerCode = issuerCode
        self.period = period
        self.minutes = minutes
        self.issuedAt = issuedAt
        self.statusIndex = statusIndex
    }

    /// The claims of a certificate as stored.
    public init(_ certificate: Certificate) {
        self.init(serial: certificate.serial, volunteerName: certificate.volunteerName,
                  volunteerNumber: certificate.volunteerNumber,
                  issuerCode: certificate.issuerCode.isEmpty ? Self.platformIssuerCode : certificate.issuerCode,
                  period: Self.period(from: certificate.periodFrom, to: certificate.periodTo),
                  minutes: certificate.minutes, issuedAt: Int64(certificate.issuedAt.timeIntervalSince1970),
                  statusIndex: certificate.statusIndex)
    }

    /// The issuer code of a platform with no 统一社会信用代码 configured.
    public static let platformIssuerCode = "platform"

    public static func period(from: LocalDate?, to: LocalDate?) -> String? {
        guard from != nil || to != nil else { return nil }
        func basic(_ date: LocalDate?) -> String {
            guard let date else { return ".." }
            func digits(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return digits(date.year, 4) + digits(date.month, 2) + digits(date.day, 2)
        }
        return basic(from) + "/" + basic(to)
    }

    /// The period's ends; nil when `period` is not in the form `period(from:to:)` writes.
    public var periodBounds: (from: LocalDate?, to: LocalDate?)? {
        guard let period else { return (nil, nil) }
        let parts = period.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        func date(_ text: Substring) -> LocalDate?? {
            if text == ".." { return .some(nil) }
            guard text.count == 8, text.allSatisfy(\.isASCII), let y = Int(text.prefix(4)),
                  let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2)),
                  let value = LocalDate(year: y, month: m, day: d) else { return nil }
            return .some(value)
        }
        guard let from = date(parts[0]), let to = date(parts[1]) else { return nil }
        return (from, to)
    }

    /// Whether these claims say what `certificate` says.
    public func matches(_ certificate: Certificate) -> Bool {
        var expected = CertificateClaims(certificate)
        // The stored name is the full one; the claim may be a shortened prefix of it.
        if volunteerName != expected.volunteerName, volunteerName.hasSuffix("…"),
           expected.volunteerName.hasPrefix(volunteerName.dropLast()) {
            expected.volunteerName = volunteerName
        }
        return self == expected
    }
}

/// How long a verification URL may be: the QR code must stay at version 16 or below with error
/// correction level M, which holds 450 bytes in byte mode (checked against libqrencode by the tests).
public enum QRCodeBudget {
    public static let maxVersion = 16
    public static let maxURLBytes = 450

    /// The URL a phone camera opens: `{publicBaseURL}/v/{token}`.
    public static func verificationURL(base: String, token: String) -> String {
        trimmedBase(base) + "/v/" + token
    }

    /// The short URL printed for typing: `{publicBaseURL}/v/{serial}`.
    public static func serialURL(base: String, serial: String) -> String {
        trimmedBase(base) + "/v/" + (CertificateSerial(serial)?.grouped ?? serial)
    }

    static func trimmedBase(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

/// Finds the token in what a scanner or a person hands over.
public enum CertificateTokenInput {
    /// The token (or typed serial) in `input`: the input itself or the part of a verification URL after
    /// its last `/v/`, without a query or fragment and without surrounding whitespace. Works on bytes,
    /// as every token character is ASCII; this runs on every verification.
    public static func token(in input: String) -> String {
        let bytes = Array(input.utf8)
        var start = 0
        var end = bytes.count
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        // After the last "/v/".
        var index = end - 3
        while index >= start {
            if bytes[index] == 0x2F, bytes[index + 1] == 0x76, bytes[index + 2] == 0x2F {
                start = index + 3
                break
            }
            index -= 1
        }
        // Before a query or fragment.
        if let cut = bytes[start..<end].firstIndex(where: { $0 == 0x3F || $0 == 0x23 }) { end = cut }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}
