import Foundation

/// Where a volunteer's request to join an organization (入会申请) stands.
public enum JoinRequestState: String, Codable, Sendable, CaseIterable {
    /// Waiting for the organization's staff.
    case pending
    /// Accepted by staff: the volunteer became a member.
    case accepted
    /// Declined by staff, with a reason.
    case declined
    /// Withdrawn by the volunteer before staff decided.
    case withdrawn
}

/// How staff decide a join request.
public enum JoinRequestDecision: String, Codable, Sendable, CaseIterable {
    case accept, decline
}

/// A volunteer's request to become a member of an organization. A volunteer has at most one pending request per
/// organization; a request is decided once and never deleted.
public struct JoinRequest: Sendable, Hashable, Codable {
    public var id: Int64
    public var organizationId: Int64
    public var volunteerId: Int64
    /// What the volunteer wrote to the organization (may be empty).
    public var note: String
    public var state: JoinRequestState
    public var requestedAt: Date
    /// When and by whom it was decided or withdrawn (nil decidedBy: the volunteer).
    public var decidedAt: Date?
    public var decidedBy: Int64?
    /// Why staff declined it.
    public var reason: String?

    /// At most this many characters in a note.
    public static let maximumNoteLength = 200

    public init(id: Int64, organizationId: Int64, volunteerId: Int64, note: String, state: JoinRequestState, requestedAt: Date,
                decidedAt: Date? = nil, decidedBy: Int64? = nil, reason: String? = nil) {
        self.id = id
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.note = note
        self.state = state
        self.requestedAt = requestedAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
    }
}

/// A membership that ended when the volunteer left the organization (退出组织): kept with its times, while the volunteer's
/// service records stay with the organization.
public struct MembershipEnding: Sendable, Hashable, Codable {
    public var id: Int64
    public var organizationId: Int64
    public var volunteerId: Int64
    public var joinedAt: Date
    public var leftAt: Date

    public init(id: Int64, organizationId: Int64, volunteerId: Int64, joinedAt: Date, leftAt: Date) {
        self.id = id
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.joinedAt = joinedAt
        self.leftAt = leftAt
    }
}

/// A join request as staff see it: the request and who asks.
public struct JoinRequestEntry: Sendable, Hashable {
    public var request: JoinRequest
    public var volunteerNumber: String
    public var volunteerName: String
    /// The organization's name, for the volunteer's own list.
    public var organizationName: String

    public init(request: JoinRequest, volunteerNumber: String, volunteerName: String, organizationName: String) {
        self.request = request
        self.volunteerNumber = volunteerNumber
        self.volunteerName = volunteerName
        self.organizationName = organizationName
    }
}
