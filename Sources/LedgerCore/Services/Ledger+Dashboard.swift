import Foundation
import Synchronization

/// What an organization's staff see first: hours this month and this year, hours per month of the year,
/// how many volunteers served this year, and the late records to look at.
public struct OrganizationDashboard: Sendable {
    public var organization: Organization
    public var year: Int
    public var month: Int
    public var thisMonth: MinuteTotal
    public var thisYear: MinuteTotal
    /// Minutes of each month of `year`, January first.
    public var minutesByMonth: [Int]
    /// Volunteers with at least one record this year.
    public var activeVolunteers: Int
    /// The latest records entered late, newest first.
    public var lateRecords: [ServiceRecord]
    public var lateRecordCount: Int
}

/// Dashboards already computed, by organization and day, reused until the store's next commit (where the
/// store can tell, as SQLite can): staff open their home page far more often than hours are recorded.
public final class OrganizationDashboardCache: Sendable {
    private struct Key: Hashable { var organizationId: Int64; var day: LocalDate }
    private let entries = Mutex<(stamp: Int64?, dashboards: [Key: OrganizationDashboard])>((nil, [:]))
    private let capacity: Int

    public init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    func dashboard(_ organizationId: Int64, day: LocalDate, stamp: Int64) -> OrganizationDashboard? {
        entries.withLock { $0.stamp == stamp ? $0.dashboards[Key(organizationId: organizationId, day: day)] : nil }
    }

    func store(_ dashboard: OrganizationDashboard, day: LocalDate, stamp: Int64) {
        entries.withLock { entries in
            if entries.stamp != stamp || entries.dashboards.count >= capacity { entries = (stamp, [:]) }
            entries.dashboards[Key(organizationId: dashboard.organization.id, day: day)] = dashboard
        }
    }
}

extension Ledger {
    /// The dashboard of an organization, in its own time zone, as of now.
    public func organizationDashboard(organizationId: Int64, by principal: Principal) async throws -> OrganizationDashboard {
        let organization = try await organization(id: organizationId, by: principal)
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能查看本组织的统计 / you can only read your own organization's totals")
        }
        let zone = organization.timeZone
        let today = LocalDate(now, in: zone)
        let stamp = try? (store as? any LedgerChangeStamping)?.changeStamp()
        if let stamp, let cached = dashboardCache.dashboard(organizationId, day: today, stamp: stamp) {
            LedgerMetrics.cacheLookup("dashboard", hit: true)
            return cached
        }
        LedgerMetrics.cacheLookup("dashboard", hit: false)
        let dashboard = try await computeDashboard(organization, today: today)
        if let stamp { dashboardCache.store(dashboard, day: today, stamp: stamp) }
        return dashboard
    }

    private func computeDashboard(_ organization: Organization, today: LocalDate) async throws -> OrganizationDashboard {
        let organizationId = organization.id
        let zone = organization.timeZone
        let monthStarts = (1...13).map { month in
            month == 13 ? LocalDate(year: today.year + 1, month: 1, day: 1)! : LocalDate(year: today.year, month: month, day: 1)!
        }.map { $0.startOfDay(in: zone) }
        let base = RecordFilter(organizationId: organizationId)
        return try await store.read { r in
            var byMonth: [MinuteTotal] = []
            for month in 0..<12 {
                var filter = base
                filter.startsFrom = monthStarts[month]
                filter.startsBefore = monthStarts[month + 1]
                byMonth.append(try r.total(filter))
            }
            var year = base
            year.startsFrom = monthStarts[0]
            year.startsBefore = monthStarts[12]
            let active = try r.volunteerCount(year)
            var late = base
            late.onlyLate = true
            let lateTotal = try r.total(late)
            let lateRecords = try r.records(late, after: nil, limit: 5)
            let thisYear = byMonth.reduce(MinuteTotal(minutes: 0, records: 0)) {
                MinuteTotal(minutes: $0.minutes + $1.minutes, records: $0.records + $1.records)
            }
            return OrganizationDashboard(
                organization: organization, year: today.year, month: today.month, thisMonth: byMonth[today.month - 1],
                thisYear: thisYear, minutesByMonth: byMonth.map(\.minutes), activeVolunteers: active,
                lateRecords: lateRecords, lateRecordCount: lateTotal.records)
        }
    }
}
