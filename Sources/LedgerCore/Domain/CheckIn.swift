import Foundation

/// Where an on-site check-in (现场签到) stands.
public enum CheckInState: String, Codable, Sendable, CaseIterable {
    /// The volunteer is on site; checking out records the service.
    case open
    /// Checked out (签退): the service record was stored.
    case checkedOut = "checked_out"
    /// Withdrawn by staff (checked in by mistake); nothing was recorded.
    case canceled
}

/// A volunteer's on-site check-in at an activity. Staff check the volunteer in when they arrive and out
/// when they leave; the check-out stores a service record (source `check_in`) over the time between the
/// two, within the activity's window, under every rule a record obeys.
public struct CheckIn: Sendable, Hashable, Codable {
    public var id: Int64
    public var activityId: Int64
    public var organizationId: Int64
    public var volunteerId: Int64
    public var checkedInAt: Date
    /// The account that checked the volunteer in; nil from the command line.
    public var checkedInBy: Int64?
    public var state: CheckInState
    /// When it was checked out or canceled, and by whom.
    public var closedAt: Date?
    public var closedBy: Int64?
    /// The service record stored at check-out.
    public var recordId: Int64?
    /// Why it was canceled.
    public var cancelReason: String?

    public init(id: Int64, activityId: Int64, organizationId: Int64, volunteerId: Int64, checkedInAt: Date,
                checkedInBy: Int64?, state: CheckInState = .open, closedAt: Date? = nil, closedBy: Int64? = nil,
                recordId: Int64? = nil, cancelReason: String? = nil) {
        self.id = id
        self.activityId = activityId
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.checkedInAt = checkedInAt
        self.checkedInBy = checkedInBy
        self.state = state
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.recordId = recordId
        self.cancelReason = cancelReason
    }

    /// Closes the check-in without recording anything: by staff who checked someone in by mistake, or by the
    /// server (`userId` nil) when nobody checked out.
    public mutating func cancel(at time: Date, by userId: Int64?, reason: String) {
        state = .canceled
        closedAt = time
        closedBy = userId
        cancelReason = reason
    }
}

/// When check-in is open for an activity, and which span of an on-site stay counts as service.
public enum CheckInRules {
    /// Volunteers may check in this long before the activity starts (they arrive early to set up);
    /// the service counted still starts at the activity's start.
    public static let earlyArrival: TimeInterval = 2 * 3600

    /// Whether a volunteer may check in to `activity` at `now`.
    public static func isOpen(_ activity: Activity, at now: Date) -> Bool {
        now >= activity.startAt.addingTimeInterval(-earlyArrival) && now < activity.endAt
    }

    /// The service span of a stay from `checkedInAt` to `checkedOutAt`: the part inside the activity's
    /// window, in whole seconds.
    public static func serviceSpan(checkedInAt: Date, checkedOutAt: Date, activity: Activity) -> (start: Date, end: Date) {
        (max(checkedInAt, activity.startAt).wholeSeconds, min(checkedOutAt, activity.endAt).wholeSeconds)
    }
}
