import Foundation

/// Volunteers' requests to join organizations, and memberships that ended (part of `LedgerReader` and `LedgerWriter`).
public protocol JoinRequestReader {
    func joinRequest(id: Int64) throws -> JoinRequest?
    /// The volunteer's pending request to the organization, if any.
    func pendingJoinRequest(organizationId: Int64, volunteerId: Int64) throws -> JoinRequest?
    /// An organization's requests in `state` (nil: every state), by id.
    func joinRequests(organizationId: Int64, state: JoinRequestState?, after: Int64?, limit: Int) throws -> [JoinRequest]
    /// A volunteer's requests, by id.
    func joinRequests(volunteerId: Int64, after: Int64?, limit: Int) throws -> [JoinRequest]
    /// Every request, by id.
    func joinRequests(after: Int64?, limit: Int) throws -> [JoinRequest]
    /// Every ended membership, by id.
    func membershipEndings(after: Int64?, limit: Int) throws -> [MembershipEnding]
    /// A volunteer's ended memberships, by id.
    func membershipEndings(volunteerId: Int64, after: Int64?, limit: Int) throws -> [MembershipEnding]
}

public protocol JoinRequestWriter {
    /// Stores a new pending request; nil when the volunteer already has a pending one to the organization (a database
    /// constraint, so two processes cannot both store one).
    func insert(_ request: JoinRequest) throws -> JoinRequest?
    /// Stores a pending request's decision (accepted, declined or withdrawn); false when it was no longer pending.
    func decide(_ request: JoinRequest) throws -> Bool
    /// Keeps the id, for copying a ledger between backends.
    func restore(_ request: JoinRequest) throws
    /// Ends the volunteer's membership of the organization: the membership is removed from the current members and kept
    /// as an ending with its times. Nil when there was none.
    func endMembership(organizationId: Int64, volunteerId: Int64, at leftAt: Date) throws -> MembershipEnding?
    /// Keeps the id, for copying a ledger between backends.
    func restore(_ ending: MembershipEnding) throws
}
