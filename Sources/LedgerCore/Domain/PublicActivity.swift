import Foundation

/// Which activities anyone may find without a login: published for sign-up to every volunteer, not ended, taking
/// sign-ups. Nil fields do not filter.
public struct PublicActivityFilter: Sendable, Hashable {
    /// Recruitments whose deadline is after this instant, of activities ending after it.
    public var now: Date
    public var category: ServiceCategory?
    /// Organizations whose region code (GB/T 2260 行政区划代码) starts with these digits.
    public var regionPrefix: String?
    /// Activities starting at or after / before these instants.
    public var startsFrom: Date?
    public var startsBefore: Date?
    /// Text found literally in the title or the place.
    public var keyword: String?
    /// Only activities with a place left (not only their waiting list).
    public var onlyWithPlacesLeft: Bool

    public init(now: Date, category: ServiceCategory? = nil, regionPrefix: String? = nil, startsFrom: Date? = nil,
                startsBefore: Date? = nil, keyword: String? = nil, onlyWithPlacesLeft: Bool = false) {
        self.now = now
        self.category = category
        self.regionPrefix = regionPrefix
        self.startsFrom = startsFrom
        self.startsBefore = startsBefore
        self.keyword = keyword
        self.onlyWithPlacesLeft = onlyWithPlacesLeft
    }
}

/// Where a page of public activities ends: they are listed by sign-up deadline (closing soonest first), then id, so
/// that a page reads one range of an index.
public struct PublicActivityCursor: Sendable, Hashable {
    public var deadline: Date
    public var activityId: Int64

    public init(deadline: Date, activityId: Int64) {
        self.deadline = deadline
        self.activityId = activityId
    }

    /// `d<seconds>-<id>`, as pages and the API carry it.
    public var text: String { "d\(Int64(deadline.timeIntervalSince1970))-\(activityId)" }

    /// Parses `text`, with bounds (a time between 1970 and 2200, a positive id); nil if it is not a cursor.
    public init?(text: String) {
        guard text.count <= 40, text.hasPrefix("d") else { return nil }
        let parts = text.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int64(parts[0]), (0...7_258_118_400).contains(seconds),
              let id = Int64(parts[1]), id > 0 else { return nil }
        self.init(deadline: Date(timeIntervalSince1970: TimeInterval(seconds)), activityId: id)
    }
}

/// An activity as the public sees it: no personal data, its organization's name and zone, and its places.
public struct PublicActivity: Sendable, Hashable {
    public var activity: Activity
    public var recruitment: Recruitment
    public var organizationName: String
    public var timeZoneIdentifier: String
    public var placesTaken: Int
    public var waiting: Int
    /// Whether it takes sign-ups at the ledger's now (set by the use cases).
    public var openNow = false

    public init(activity: Activity, recruitment: Recruitment, organizationName: String, timeZoneIdentifier: String,
                placesTaken: Int, waiting: Int) {
        self.activity = activity
        self.recruitment = recruitment
        self.organizationName = organizationName
        self.timeZoneIdentifier = timeZoneIdentifier
        self.placesTaken = placesTaken
        self.waiting = waiting
    }

    public var placesLeft: Int { max(0, recruitment.capacity - placesTaken) }
    public var timeZone: TimeZone { TimeZone(identifier: timeZoneIdentifier) ?? .ledgerDefault }
    /// Taking sign-ups at `now`: before the deadline, and the activity not ended.
    public func isOpen(at now: Date) -> Bool { recruitment.isOpen(at: now) && activity.endAt > now }
    public var cursor: PublicActivityCursor { PublicActivityCursor(deadline: recruitment.deadline, activityId: activity.id) }
}
