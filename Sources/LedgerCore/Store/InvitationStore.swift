import Foundation

/// Login invitations in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol InvitationReader {
    func invitation(codeHash: String) throws -> LoginInvitation?
    /// The id of the volunteer's latest invitation: an older one is void once a newer one is issued.
    func newestInvitationId(volunteerId: Int64) throws -> Int64?
    /// Every invitation, by id.
    func invitations(after: Int64?, limit: Int) throws -> [LoginInvitation]
    /// Whether an account is already the volunteer's login.
    func hasLogin(volunteerId: Int64) throws -> Bool
}

public protocol InvitationWriter {
    func insert(_ invitation: LoginInvitation) throws -> LoginInvitation
    /// Marks an unused invitation used by the account it opened; one already used is a conflict.
    func markUsed(invitationId: Int64, at: Date, userId: Int64) throws
    /// Keeps the id and the use, for copying a ledger between backends.
    func restore(_ invitation: LoginInvitation) throws
}
