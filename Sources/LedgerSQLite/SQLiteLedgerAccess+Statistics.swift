import Foundation
import GRDB
import LedgerCore

/// The bureau's statistics on SQLite: GROUP BY queries over the records of a period (index `records_by_start`,
/// migration `v36-statistics`), or over one organization's records (`records_by_organization`).
extension SQLiteLedgerAccess {
    /// The records of the scope, joined to their organization as `o`; the conditions present only when set, so
    /// that the planner picks the organization's index for staff and the period's for the bureau.
    private static func recordScope(_ scope: StatisticsScope) -> (sql: String, arguments: StatementArguments) {
        var sql = """
            FROM service_records r JOIN organizations o ON o.id = r.organization_id
            WHERE r.start_at >= ? AND r.start_at < ? AND r.is_void = 0
            """
        var arguments: StatementArguments = [seconds(scope.from), seconds(scope.before)]
        if let organizationId = scope.organizationId {
            sql += " AND r.organization_id = ?"
            _ = arguments.append(contentsOf: [organizationId])
        }
        if let pattern = scope.regionPattern {
            sql += " AND o.region_code LIKE ?"
            _ = arguments.append(contentsOf: [pattern])
        }
        return (sql, arguments)
    }

    /// Organizations of the scope (as `o`), registered by the period's end.
    private static func organizationScope(_ scope: StatisticsScope) -> (sql: String, arguments: StatementArguments) {
        var sql = "FROM organizations o WHERE o.created_at < ?"
        var arguments: StatementArguments = [seconds(scope.before)]
        if let organizationId = scope.organizationId {
            sql += " AND o.id = ?"
            _ = arguments.append(contentsOf: [organizationId])
        }
        if let pattern = scope.regionPattern {
            sql += " AND o.region_code LIKE ?"
            _ = arguments.append(contentsOf: [pattern])
        }
        return (sql, arguments)
    }

    private func breakdown(_ key: String, join: String = "", _ scope: StatisticsScope, keyArguments: StatementArguments = []) throws -> [StatisticsRow] {
        let (filter, arguments) = Self.recordScope(scope)
        var all = keyArguments
        _ = all.append(contentsOf: arguments)
        return try rows("""
            SELECT \(key) AS k, COUNT(DISTINCT r.volunteer_id), SUM(r.minutes), COUNT(*) \(filter.replacingOccurrences(of: "WHERE", with: "\(join) WHERE"))
            GROUP BY k ORDER BY k
            """, all).map { StatisticsRow(key: $0[0] ?? "", volunteers: $0[1], minutes: $0[2], records: $0[3]) }
    }

    func statistics(_ scope: StatisticsScope) throws -> StatisticsFigures {
        var figures = StatisticsFigures()
        let (filter, arguments) = Self.recordScope(scope)
        if let totals = try row("""
            SELECT COUNT(*), COALESCE(SUM(r.minutes), 0), COUNT(DISTINCT r.volunteer_id), COUNT(DISTINCT r.activity_id),
                   COUNT(DISTINCT r.organization_id) \(filter)
            """, arguments) {
            figures.records = totals[0]
            figures.minutes = totals[1]
            figures.servedVolunteers = totals[2]
            figures.activities = totals[3]
            figures.organizationsActive = totals[4]
        }
        let (organizations, organizationArguments) = Self.organizationScope(scope)
        figures.organizationsRegistered = try row("SELECT COUNT(*) \(organizations)", organizationArguments)?[0] ?? 0
        // Registered volunteers: the whole platform's, or the members of the scope's organizations.
        var memberArguments: StatementArguments = [Self.seconds(scope.before)]
        _ = memberArguments.append(contentsOf: organizationArguments)
        let members = """
            FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE v.registered_at < ? AND m.organization_id IN (SELECT o.id \(organizations))
            """
        if scope.regionPrefix == nil && scope.organizationId == nil {
            figures.registeredVolunteers = try row("SELECT COUNT(*) FROM volunteers WHERE registered_at < ?", [Self.seconds(scope.before)])?[0] ?? 0
        } else {
            figures.registeredVolunteers = try row("SELECT COUNT(DISTINCT m.volunteer_id) \(members)", memberArguments)?[0] ?? 0
        }
        let registeredByDistrict = try rows("""
            SELECT substr(o.region_code, 1, 6) AS k, COUNT(DISTINCT m.volunteer_id)
            FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id JOIN organizations o ON o.id = m.organization_id
            WHERE v.registered_at < ? AND o.id IN (SELECT o.id \(organizations)) GROUP BY k
            """, memberArguments).reduce(into: [String: Int]()) { counts, row in
            let code: String = row[0]
            counts[code] = row[1]
        }
        var districts = try breakdown("substr(o.region_code, 1, 6)", scope)
        for (code, registered) in registeredByDistrict where !districts.contains(where: { $0.key == code }) {
            districts.append(StatisticsRow(key: code, volunteers: 0, minutes: 0, records: 0))
        }
        figures.byDistrict = districts.map { row in
            var row = row
            row.registered = registeredByDistrict[row.key] ?? 0
            return row
        }.sorted { $0.key < $1.key }
        figures.byCategory = try breakdown("a.category", join: "JOIN activities a ON a.id = r.activity_id", scope)
        figures.byMonth = try breakdown("strftime('%Y-%m', r.start_at + ?, 'unixepoch')", scope, keyArguments: [scope.utcOffsetSeconds])
        figures.bySource = try breakdown("r.source", scope)
        figures.bySex = try breakdown("v.sex", join: "JOIN volunteers v ON v.id = r.volunteer_id", scope)
        let cutoffs = scope.ageCutoffs
        figures.byAgeBand = try breakdown("""
            CASE WHEN v.birth_date > ? THEN 'under_18' WHEN v.birth_date > ? THEN '18_34' WHEN v.birth_date > ? THEN '35_59' ELSE '60_plus' END
            """, join: "JOIN volunteers v ON v.id = r.volunteer_id", scope, keyArguments: [cutoffs[0], cutoffs[1], cutoffs[2]])
        return figures
    }
}
