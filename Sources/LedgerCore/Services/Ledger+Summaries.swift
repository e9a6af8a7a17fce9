import Foundation

/// A volunteer's hours: total, star level, and per organization.
public struct VolunteerSummary: Sendable, Codable {
    public struct PerOrganization: Sendable, Codable {
        public var organizationId: Int64
        public var organizationName: String
        public var minutes: Int
        public var records: Int
    }
    public var volunteerId: Int64
    public var volunteerNumber: String
    public var name: String
    public var from: LocalDate?
    public var to: LocalDate?
    public var minutes: Int
    public var records: Int
    /// Star level by all-time hours, whatever the period asked for.
    public var starLevel: StarLevel
    public var allTimeMinutes: Int
    public var minutesToNextStar: Int?
    public var byOrganization: [PerOrganization]
}

/// Hours of an organization or an activity in a period.
public struct HoursSummary: Sendable, Codable {
    public struct PerActivity: Sendable, Codable {
        public var activityId: Int64
        public var title: String
        public var minutes: Int
        public var records: Int
    }
    public var organizationId: Int64
    public var from: LocalDate?
    public var to: LocalDate?
    public var minutes: Int
    public var records: Int
    public var byActivity: [PerActivity]
}

/// An inclusive range of calendar days, either end open.
public struct DayRange: Sendable, Hashable {
    public var from: LocalDate?
    public var to: LocalDate?
    public init(from: LocalDate? = nil, to: LocalDate? = nil) {
        self.from = from
        self.to = to
    }

    /// Narrows a filter to records starting within these days in `timeZone`.
    func apply(to filter: RecordFilter, in timeZone: TimeZone) throws(LedgerError) -> RecordFilter {
        try LedgerDates.checkPeriod(from: from, to: to)
        var filter = filter
        filter.startsFrom = from?.startOfDay(in: timeZone)
        filter.startsBefore = to?.adding(days: 1).startOfDay(in: timeZone)
        return filter
    }
}

extension Ledger {
    /// Totals of a volunteer, optionally within a period and one organization. Periods are counted
    /// in China Standard Time, since a person's records can span organizations.
    public func volunteerSummary(volunteerId: Int64, period: DayRange = DayRange(), organizationId: Int64? = nil,
                                 by principal: Principal) async throws -> VolunteerSummary {
        let volunteer = try await volunteer(id: volunteerId, by: principal)
        var base = RecordFilter(volunteerId: volunteerId)
        // Staff see only their organization's share of a person's hours.
        if principal.role == .organizationAdmin || principal.role == .organizationStaff {
            if let organizationId, organizationId != principal.organizationId {
                throw LedgerError.forbidden("只能查看本组织的记录 / you can only read your own organization's records")
            }
            base.organizationId = principal.organizationId
        } else {
            base.organizationId = organizationId
        }
        let filter = try period.apply(to: base, in: .ledgerDefault)
        return try await store.readAllowingLag { r in
            let total = try r.total(filter)
            let allTime = try r.total(RecordFilter(volunteerId: volunteerId))
            let perOrganization = try r.totalsByOrganization(filter).map { item in
                VolunteerSummary.PerOrganization(
                    organizationId: item.key, organizationName: try r.organization(id: item.key)?.name ?? "",
                    minutes: item.total.minutes, records: item.total.records)
            }
            return VolunteerSummary(
                volunteerId: volunteer.id, volunteerNumber: volunteer.number, name: volunteer.name,
                from: period.from, to: period.to, minutes: total.minutes, records: total.records,
                starLevel: StarLevel(totalMinutes: allTime.minutes), allTimeMinutes: allTime.minutes,
                minutesToNextStar: StarLevel.minutesToNext(from: allTime.minutes), byOrganization: perOrganization)
        }
    }

    /// Totals of an organization in a period (its own time zone), per activity.
    public func organizationSummary(organizationId: Int64, period: DayRange = DayRange(),
                                    by principal: Principal) async throws -> HoursSummary {
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能查看本组织的统计 / you can only read your own organization's totals")
        }
        let organization = try await organization(id: organizationId, by: principal)
        let filter = try period.apply(to: RecordFilter(organizationId: organizationId), in: organization.timeZone)
        return try await summary(filter, organizationId: organizationId, period: period)
    }

    /// Totals of one activity.
    public func activitySummary(activityId: Int64, by principal: Principal) async throws -> HoursSummary {
        let activity = try await activity(id: activityId, by: principal)
        return try await summary(RecordFilter(activityId: activityId), organizationId: activity.organizationId, period: DayRange())
    }

    private func summary(_ filter: RecordFilter, organizationId: Int64, period: DayRange) async throws -> HoursSummary {
        try await store.readAllowingLag { r in
            let total = try r.total(filter)
            let perActivity = try r.totalsByActivity(filter).map { item in
                HoursSummary.PerActivity(activityId: item.key, title: try r.activity(id: item.key)?.title ?? "",
                                         minutes: item.total.minutes, records: item.total.records)
            }
            return HoursSummary(organizationId: organizationId, from: period.from, to: period.to,
                                minutes: total.minutes, records: total.records, byActivity: perActivity)
        }
    }
}
