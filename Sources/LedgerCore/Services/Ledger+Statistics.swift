import Foundation
import Synchronization

/// A period and region asked for statistics, checked: `from` to `to` inclusive (local dates of the platform zone),
/// at most five years, and a region code prefix of 2 to 12 digits.
public struct StatisticsRequest: Sendable, Hashable {
    public var from: LocalDate
    public var to: LocalDate
    public var region: String?

    public static let maximumDays = 5 * 366 + 1

    public init(from: LocalDate, to: LocalDate, region: String? = nil) {
        self.from = from
        self.to = to
        self.region = region
    }

    /// Parses the form or query values (`from`, `to` as yyyy-MM-dd; `region` a region code or its prefix);
    /// missing dates default to the current year up to `today`.
    public static func parse(from fromText: String?, to toText: String?, region regionText: String?, today: LocalDate) throws -> StatisticsRequest {
        func date(_ text: String?, field: String, default value: LocalDate) throws -> LocalDate {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
            guard text.count <= 10, let date = LocalDate(iso: text) else {
                throw LedgerError.invalidField(field: field, reason: "日期格式应为 yyyy-MM-dd / a date as yyyy-MM-dd (not \(text.prefix(20)))")
            }
            return date
        }
        let from = try date(fromText, field: "from", default: LocalDate(year: today.year, month: 1, day: 1)!)
        let to = try date(toText, field: "to", default: today)
        guard from <= to else { throw LedgerError.invalidField(field: "to", reason: "结束日期不能早于开始日期 / the end is before the start") }
        guard to.daysSinceEpoch - from.daysSinceEpoch < maximumDays else {
            throw LedgerError.invalidField(field: "to", reason: "统计期间最长 5 年 / a period is at most 5 years")
        }
        var region: String?
        if let text = regionText?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard (2...12).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw LedgerError.invalidField(field: "region", reason: "区划代码应为 2 至 12 位数字 / a region code is 2 to 12 digits (not \(text.prefix(20)))")
            }
            region = RegionCodes.prefix(of: text)
        }
        return StatisticsRequest(from: from, to: to, region: region)
    }

    /// The same period a year before (29 February becomes the 28th).
    public var yearBefore: StatisticsRequest {
        func back(_ date: LocalDate) -> LocalDate {
            LocalDate(year: date.year - 1, month: date.month, day: date.day) ?? LocalDate(year: date.year - 1, month: date.month, day: 28)!
        }
        return StatisticsRequest(from: back(from), to: back(to), region: region)
    }

    /// The store's scope, in a zone (the platform's, Asia/Shanghai).
    public func scope(organizationId: Int64?, zone: TimeZone) -> StatisticsScope {
        func cutoff(_ years: Int) -> String {
            (LocalDate(year: to.year - years, month: to.month, day: to.day) ?? LocalDate(year: to.year - years, month: to.month, day: 28)!).description
        }
        let start = from.startOfDay(in: zone)
        return StatisticsScope(from: start, before: to.adding(days: 1).startOfDay(in: zone), regionPrefix: region, organizationId: organizationId,
                               utcOffsetSeconds: zone.secondsFromGMT(for: start), ageCutoffs: [cutoff(18), cutoff(35), cutoff(60)])
    }
}

/// Figures of a period next to those of the same period a year before.
public struct StatisticsReport: Sendable {
    public var request: StatisticsRequest
    /// Set when the figures are those of one organization (its staff's view).
    public var organization: Organization?
    public var current: StatisticsFigures
    public var yearBefore: StatisticsFigures
}

/// Statistics already counted, by scope, kept for `lifetime` seconds and dropped at the next commit where the store
/// can tell (SQLite's change stamp).
public final class StatisticsCache: Sendable {
    private struct Entry { var figures: StatisticsFigures; var at: Date; var stamp: Int64? }
    private let entries = Mutex<[StatisticsScope: Entry]>([:])
    public let lifetime: TimeInterval
    private let capacity = 200

    public init(lifetime: TimeInterval = 60) {
        self.lifetime = lifetime
    }

    func figures(_ scope: StatisticsScope, now: Date, stamp: Int64?) -> StatisticsFigures? {
        entries.withLock { entries in
            guard let entry = entries[scope], now.timeIntervalSince(entry.at) < lifetime, entry.stamp == stamp else { return nil }
            return entry.figures
        }
    }

    func store(_ figures: StatisticsFigures, _ scope: StatisticsScope, now: Date, stamp: Int64?) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[scope] = Entry(figures: figures, at: now, stamp: stamp)
        }
    }
}

extension Ledger {
    /// The zone statistics count days and months in.
    public static let statisticsZone = TimeZone(identifier: "Asia/Shanghai")!

    /// Today in the statistics zone.
    public var statisticsToday: LocalDate { LocalDate(now, in: Self.statisticsZone) }

    /// The figures of a period and region with those of the year before: platform admins (and inspectors) any
    /// region; organization staff their own organization's only, whatever region they ask for.
    public func statistics(_ request: StatisticsRequest, by principal: Principal) async throws -> StatisticsReport {
        var organization: Organization?
        switch principal.role {
        case .platformAdmin, .inspector:
            break
        case .organizationAdmin, .organizationStaff:
            guard let organizationId = principal.organizationId else { throw LedgerError.forbidden("没有所属组织 / no organization") }
            organization = try await self.organization(id: organizationId, by: principal)
        case .volunteer:
            throw LedgerError.forbidden("统计仅供管理部门和组织使用 / statistics are for the bureau and organizations")
        }
        var request = request
        if organization != nil { request.region = nil }  // the organization is the scope; a region cannot widen or empty it
        let current = try await figures(request.scope(organizationId: organization?.id, zone: Self.statisticsZone))
        let before = try await figures(request.yearBefore.scope(organizationId: organization?.id, zone: Self.statisticsZone))
        return StatisticsReport(request: request, organization: organization, current: current, yearBefore: before)
    }

    /// Figures of a scope, from the cache when counted less than a minute ago and nothing was committed since.
    func figures(_ scope: StatisticsScope) async throws -> StatisticsFigures {
        let stamp = try? (store as? any LedgerChangeStamping)?.changeStamp()
        let now = self.now
        if let cached = statisticsCache.figures(scope, now: now, stamp: stamp) {
            LedgerMetrics.cacheLookup("statistics", hit: true)
            return cached
        }
        LedgerMetrics.cacheLookup("statistics", hit: false)
        let figures = try await store.readAllowingLag { try $0.statistics(scope) }
        statisticsCache.store(figures, scope, now: now, stamp: stamp)
        return figures
    }

    /// The public figures (open data, no login): the whole platform for the current year so far and each of the
    /// `years` before it, with every count of fewer than `OpenStatistics.threshold` people suppressed.
    public func openStatistics(years: Int = 3) async throws -> OpenStatistics {
        let today = statisticsToday
        var periods: [OpenStatistics.Period] = []
        for year in stride(from: today.year, to: today.year - years - 1, by: -1) {
            let to = year == today.year ? today : LocalDate(year: year, month: 12, day: 31)!
            let request = StatisticsRequest(from: LocalDate(year: year, month: 1, day: 1)!, to: to)
            let figures = try await self.figures(request.scope(organizationId: nil, zone: Self.statisticsZone))
            periods.append(OpenStatistics.Period(year: year, from: request.from, to: to, figures: figures))
        }
        return OpenStatistics(generatedOn: today, periods: periods)
    }
}
