import Foundation

/// Who may sign up for an activity open for recruitment (招募).
public enum RecruitmentAudience: String, Codable, Sendable, CaseIterable {
    /// Members of the organization only.
    case members
    /// Every registered volunteer; staff confirming the sign-up makes the volunteer a member.
    case everyone
}

/// An activity opened for sign-up (招募报名): who may sign up, how many places it has, until when, and the skills
/// a volunteer must have. Staff open it, and may change it while it runs.
public struct Recruitment: Sendable, Hashable, Codable {
    public var activityId: Int64
    public var organizationId: Int64
    public var audience: RecruitmentAudience
    /// Places: sign-ups that are pending or confirmed; the rest wait.
    public var capacity: Int
    /// Sign-ups are taken before this instant.
    public var deadline: Date
    public var requiredSkills: [String]
    public var openedAt: Date
    public var openedBy: Int64?

    public init(activityId: Int64, organizationId: Int64, audience: RecruitmentAudience, capacity: Int, deadline: Date,
                requiredSkills: [String], openedAt: Date, openedBy: Int64?) {
        self.activityId = activityId
        self.organizationId = organizationId
        self.audience = audience
        self.capacity = capacity
        self.deadline = deadline
        self.requiredSkills = requiredSkills
        self.openedAt = openedAt
        self.openedBy = openedBy
    }

    /// Whether sign-ups are taken at `now`.
    public func isOpen(at now: Date) -> Bool { now < deadline }

    /// The required skills `volunteer` lacks.
    public func missingSkills(of volunteer: Volunteer) -> [String] {
        let held = Set(volunteer.skills)
        return requiredSkills.filter { !held.contains($0) }
    }
}

/// Where a volunteer's sign-up stands.
public enum SignUpState: String, Codable, Sendable, CaseIterable {
    /// Holds a place; staff have yet to confirm it.
    case pending
    /// Confirmed by staff (录用): the volunteer takes part.
    case confirmed
    /// Signed up past capacity: moves up, in order of signing up, when a place frees.
    case waitlisted
    /// Declined by staff.
    case declined
    /// Withdrawn by the volunteer.
    case canceled

    /// Whether it takes one of the activity's places.
    public var holdsPlace: Bool { self == .pending || self == .confirmed }
    /// Whether it still counts: a volunteer has at most one active sign-up per activity.
    public var isActive: Bool { holdsPlace || self == .waitlisted }
    /// Whether staff may still confirm or decline it.
    public var isUndecided: Bool { self == .pending || self == .waitlisted }
}

/// A volunteer's sign-up for a recruiting activity.
public struct SignUp: Sendable, Hashable, Codable {
    public var id: Int64
    public var activityId: Int64
    public var organizationId: Int64
    public var volunteerId: Int64
    public var state: SignUpState
    public var signedUpAt: Date
    /// The last change of state, and who made it (nil: the volunteer, or the ledger moving the waiting list up).
    public var updatedAt: Date
    public var decidedBy: Int64?
    /// Why staff declined it.
    public var reason: String?

    public init(id: Int64, activityId: Int64, organizationId: Int64, volunteerId: Int64, state: SignUpState, signedUpAt: Date,
                updatedAt: Date, decidedBy: Int64? = nil, reason: String? = nil) {
        self.id = id
        self.activityId = activityId
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.state = state
        self.signedUpAt = signedUpAt
        self.updatedAt = updatedAt
        self.decidedBy = decidedBy
        self.reason = reason
    }
}

/// Which open activities a volunteer browses. Nil fields do not filter.
public struct OpenActivityFilter: Sendable, Hashable {
    /// Recruitments whose deadline is after this instant.
    public var now: Date
    /// Members-only recruitments are listed for their organizations' members only.
    public var volunteerId: Int64?
    public var category: ServiceCategory?
    /// Activities starting at or after / before these instants.
    public var startsFrom: Date?
    public var startsBefore: Date?
    /// Organizations whose region code (行政区划代码) starts with these digits.
    public var regionPrefix: String?

    public init(now: Date, volunteerId: Int64? = nil, category: ServiceCategory? = nil, startsFrom: Date? = nil,
                startsBefore: Date? = nil, regionPrefix: String? = nil) {
        self.now = now
        self.volunteerId = volunteerId
        self.category = category
        self.startsFrom = startsFrom
        self.startsBefore = startsBefore
        self.regionPrefix = regionPrefix
    }
}

/// An open activity as a volunteer sees it: the activity, its recruitment and how many places are taken.
public struct OpenActivity: Sendable, Hashable {
    public var activity: Activity
    public var recruitment: Recruitment
    public var placesTaken: Int
    public var waiting: Int

    public init(activity: Activity, recruitment: Recruitment, placesTaken: Int, waiting: Int) {
        self.activity = activity
        self.recruitment = recruitment
        self.placesTaken = placesTaken
        self.waiting = waiting
    }

    public var placesLeft: Int { max(0, recruitment.capacity - placesTaken) }
}
