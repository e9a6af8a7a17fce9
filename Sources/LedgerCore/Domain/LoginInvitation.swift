import Foundation

/// An invitation for a member to open their own login (开通账号邀请): staff of one of the volunteer's organizations
/// hand the volunteer a one-time code, shown or printed with its QR code, valid for seven days. Only a hash of the
/// code is stored; whoever redeems it must also give the volunteer's identity document number.
public struct LoginInvitation: Sendable, Hashable, Codable {
    public var id: Int64
    public var volunteerId: Int64
    public var organizationId: Int64
    /// SHA-256 (hex) of the normalized code.
    public var codeHash: String
    public var createdBy: Int64?
    public var createdAt: Date
    public var expiresAt: Date
    /// When it was redeemed, and the account it opened.
    public var usedAt: Date?
    public var userId: Int64?

    public static let lifetime: TimeInterval = 7 * 24 * 3600

    public init(id: Int64, volunteerId: Int64, organizationId: Int64, codeHash: String, createdBy: Int64?, createdAt: Date,
                expiresAt: Date, usedAt: Date? = nil, userId: Int64? = nil) {
        self.id = id
        self.volunteerId = volunteerId
        self.organizationId = organizationId
        self.codeHash = codeHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.userId = userId
    }

    /// Whether it can still open a login at `now`.
    public func isUsable(at now: Date) -> Bool { usedAt == nil && now < expiresAt }
}

/// The code of an invitation: 16 Crockford base32 symbols (80 random bits), written in groups of four.
public enum InvitationCode {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A new random code, grouped: `7K2M-QX9P-4T0V-HC3R`.
    public static func random(_ source: RandomSource) -> String {
        let symbols = (0..<16).map { _ in alphabet[Int(source.next() % 32)] }
        return stride(from: 0, to: 16, by: 4).map { String(symbols[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code as typed, read leniently: case, spaces and dashes do not matter; I and L read as 1, O as 0. Nil when it
    /// is not 16 symbols of the alphabet.
    public static func normalized(_ typed: String) -> String? {
        var symbols: [Character] = []
        for character in typed.uppercased() where character != "-" && character != " " {
            let read: Character = character == "I" || character == "L" ? "1" : character == "O" ? "0" : character
            guard alphabet.contains(read), symbols.count < 16 else { return nil }
            symbols.append(read)
        }
        return symbols.count == 16 ? String(symbols) : nil
    }
}
