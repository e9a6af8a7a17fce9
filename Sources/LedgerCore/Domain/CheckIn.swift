import Foundation

/// Where an on-site check-in (现场签到) stands.
public enum CheckInState: String, Codable, Sendable, CaseIterable {
    /// The volunteer is on site; checking out records the service.
    case open
    /// Checked out (签退): the service record was stored.
    case checkedOut = "checked_out"
    /// Withdrawn by staff (checked in by mistake); nothing was recorded.
    case canceled
    /// Not checked out: closed by the server at the activity's end once the organization's grace had passed. Its hours
    /// wait as a pending claim (origin `auto_close`) for staff to confirm or adjust.
    case autoClosed = "auto_closed"
}

/// Who checked a volunteer in.
public enum CheckInMethod: String, Codable, Sendable, CaseIterable {
    /// Staff, by the volunteer's number.
    case staff
    /// The volunteer, by scanning the activity's rotating attendance code; its record has source `self_check_in`.
    case selfService = "self"
}

/// Where a phone said it was, as the browser's Geolocation API reports it.
public struct GeoPosition: Sendable, Hashable, Codable {
    /// Degrees (WGS 84).
    public var latitude: Double
    public var longitude: Double
    /// Radius of uncertainty in metres, if the device gave one.
    public var accuracy: Double?

    public init(latitude: Double, longitude: Double, accuracy: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracy = accuracy
    }

    /// A position with coordinates on the globe and a non-negative accuracy, else the field that is wrong.
    public static func checked(latitude: Double?, longitude: Double?, accuracy: Double?) throws(LedgerError) -> GeoPosition? {
        guard latitude != nil || longitude != nil || accuracy != nil else { return nil }
        guard let latitude, latitude.isFinite, (-90...90).contains(latitude) else {
            throw LedgerError.invalidField(field: "latitude", reason: "须为 -90 到 90 之间的度数 / must be degrees between -90 and 90, with longitude")
        }
        guard let longitude, longitude.isFinite, (-180...180).contains(longitude) else {
            throw LedgerError.invalidField(field: "longitude", reason: "须为 -180 到 180 之间的度数 / must be degrees between -180 and 180, with latitude")
        }
        if let accuracy, !(accuracy.isFinite && accuracy >= 0 && accuracy <= 100_000) {
            throw LedgerError.invalidField(field: "accuracy", reason: "须为 0 到 100000 米 / must be 0 to 100000 metres")
        }
        return GeoPosition(latitude: latitude, longitude: longitude, accuracy: accuracy)
    }
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
    public var method: CheckInMethod
    /// Where the volunteer's phone was at a self check-in, if the browser told.
    public var position: GeoPosition?
    /// A self check-in away from the activity's site (or without a position where the activity has one), accepted
    /// because the activity does not require presence; its record weighs more in spot checks.
    public var offSite: Bool
    /// Where the phone was at a self check-out, if the browser told, and whether that was away from the site (accepted
    /// because the activity does not require presence; the record then weighs more in spot checks, as for `offSite`).
    public var checkOutPosition: GeoPosition?
    public var checkOutOffSite: Bool

    public init(id: Int64, activityId: Int64, organizationId: Int64, volunteerId: Int64, checkedInAt: Date,
                checkedInBy: Int64?, state: CheckInState = .open, closedAt: Date? = nil, closedBy: Int64? = nil,
                recordId: Int64? = nil, cancelReason: String? = nil, method: CheckInMethod = .staff, position: GeoPosition? = nil,
                offSite: Bool = false, checkOutPosition: GeoPosition? = nil, checkOutOffSite: Bool = false) {
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
        self.method = method
        self.position = position
        self.offSite = offSite
        self.checkOutPosition = checkOutPosition
        self.checkOutOffSite = checkOutOffSite
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

extension GeoPosition {
    /// The stored columns as a position: none without both coordinates.
    public static func stored(latitude: Double?, longitude: Double?, accuracy: Double?) -> GeoPosition? {
        guard let latitude, let longitude else { return nil }
        return GeoPosition(latitude: latitude, longitude: longitude, accuracy: accuracy)
    }
}
