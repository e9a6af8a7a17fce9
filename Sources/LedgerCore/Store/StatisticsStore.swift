import Foundation

/// Which records and volunteers a statistics query covers: a period (UTC instants, `from` included, `before`
/// excluded), optionally a region (the start of its GB/T 2260 code: "3301" a city, "330106" a district) and an
/// organization.
public struct StatisticsScope: Sendable, Hashable {
    public var from: Date
    public var before: Date
    /// Digits only (checked by the use case), at most 12.
    public var regionPrefix: String?
    public var organizationId: Int64?
    /// The platform zone's offset from UTC, which decides the month a record falls in (Asia/Shanghai: +8 h, no DST).
    public var utcOffsetSeconds: Int
    /// Birth dates ("yyyy-MM-dd") that split the age bands at the period's last day: born after `[0]` is under 18,
    /// after `[1]` 18–34, after `[2]` 35–59, otherwise 60 or more.
    public var ageCutoffs: [String]

    public init(from: Date, before: Date, regionPrefix: String? = nil, organizationId: Int64? = nil, utcOffsetSeconds: Int = 8 * 3600,
                ageCutoffs: [String]) {
        self.from = from
        self.before = before
        self.regionPrefix = regionPrefix
        self.organizationId = organizationId
        self.utcOffsetSeconds = utcOffsetSeconds
        self.ageCutoffs = ageCutoffs
    }

    /// The `LIKE` pattern of the region (digits only, so nothing to escape).
    public var regionPattern: String? { regionPrefix.map { $0 + "%" } }
}

/// One line of a breakdown: the volunteers who served (distinct), their minutes and records. `registered` is filled
/// in by district only (volunteers who are members of an organization of the district, registered by the period's end).
public struct StatisticsRow: Sendable, Hashable, Codable {
    public var key: String
    public var volunteers: Int
    public var minutes: Int
    public var records: Int
    public var registered: Int

    public init(key: String, volunteers: Int, minutes: Int, records: Int, registered: Int = 0) {
        self.key = key
        self.volunteers = volunteers
        self.minutes = minutes
        self.records = records
        self.registered = registered
    }
}

/// The figures of a scope, as the store counts them: current, non-void records whose service starts in the period.
public struct StatisticsFigures: Sendable, Hashable, Codable {
    /// Volunteers registered by the end of the period (in a region or organization: its members).
    public var registeredVolunteers: Int
    /// Distinct volunteers with at least one record in the period.
    public var servedVolunteers: Int
    public var minutes: Int
    public var records: Int
    /// Distinct activities with at least one record in the period.
    public var activities: Int
    /// Organizations registered by the end of the period.
    public var organizationsRegistered: Int
    /// Distinct organizations with at least one record in the period.
    public var organizationsActive: Int
    /// By district code (the first six digits of the organization's region code).
    public var byDistrict: [StatisticsRow]
    /// By the activity's service category (raw value).
    public var byCategory: [StatisticsRow]
    /// By month ("yyyy-MM" in the platform's zone).
    public var byMonth: [StatisticsRow]
    /// By how the record was made (`RecordSource` raw value).
    public var bySource: [StatisticsRow]
    /// By the volunteer's sex as stored.
    public var bySex: [StatisticsRow]
    /// By age band at the period's end: `under_18`, `18_34`, `35_59`, `60_plus`.
    public var byAgeBand: [StatisticsRow]

    public init(registeredVolunteers: Int = 0, servedVolunteers: Int = 0, minutes: Int = 0, records: Int = 0, activities: Int = 0,
                organizationsRegistered: Int = 0, organizationsActive: Int = 0, byDistrict: [StatisticsRow] = [], byCategory: [StatisticsRow] = [],
                byMonth: [StatisticsRow] = [], bySource: [StatisticsRow] = [], bySex: [StatisticsRow] = [], byAgeBand: [StatisticsRow] = []) {
        self.registeredVolunteers = registeredVolunteers
        self.servedVolunteers = servedVolunteers
        self.minutes = minutes
        self.records = records
        self.activities = activities
        self.organizationsRegistered = organizationsRegistered
        self.organizationsActive = organizationsActive
        self.byDistrict = byDistrict
        self.byCategory = byCategory
        self.byMonth = byMonth
        self.bySource = bySource
        self.bySex = bySex
        self.byAgeBand = byAgeBand
    }

    public static let ageBands = ["under_18", "18_34", "35_59", "60_plus"]
}

/// Aggregate counts for the bureau's statistics (part of `LedgerReader`): one set of GROUP BY queries over the
/// records of a period (index `records_by_start`), never the records themselves.
public protocol StatisticsReader {
    func statistics(_ scope: StatisticsScope) throws -> StatisticsFigures
}
