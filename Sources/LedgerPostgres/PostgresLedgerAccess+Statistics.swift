import Foundation
import LedgerCore
import PostgresNIO

/// The bureau's statistics on PostgreSQL, the same GROUP BY queries as on SQLite (index `records_by_start`,
/// migration 36; each yearly partition of `service_records` gets its own).
extension PostgresLedgerAccess {
    /// A statement built from fixed SQL fragments and bound values ($1, $2, ...), for conditions present only when set.
    private struct Statement {
        var sql = ""
        var binds = PostgresBindings()

        mutating func add(_ text: String) { sql += text }

        mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws {
            try binds.append(value)
            sql += "$\(binds.count)"
        }

        var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
    }

    /// `FROM` the records of the scope, joined to their organization as `o` (and `join`), with the conditions set.
    private static func addRecordScope(_ statement: inout Statement, _ scope: StatisticsScope, join: String = "") throws {
        statement.add(" FROM service_records r JOIN organizations o ON o.id = r.organization_id \(join) WHERE r.start_at >= ")
        try statement.bind(stored(scope.from))
        statement.add(" AND r.start_at < ")
        try statement.bind(stored(scope.before))
        statement.add(" AND NOT r.is_void")
        if let organizationId = scope.organizationId {
            statement.add(" AND r.organization_id = ")
            try statement.bind(organizationId)
        }
        if let pattern = scope.regionPattern {
            statement.add(" AND o.region_code LIKE ")
            try statement.bind(pattern)
        }
    }

    /// The ids of the scope's organizations registered by the period's end, as a subquery.
    private static func addOrganizationScope(_ statement: inout Statement, _ scope: StatisticsScope) throws {
        statement.add("(SELECT o.id FROM organizations o WHERE o.created_at < ")
        try statement.bind(stored(scope.before))
        if let organizationId = scope.organizationId {
            statement.add(" AND o.id = ")
            try statement.bind(organizationId)
        }
        if let pattern = scope.regionPattern {
            statement.add(" AND o.region_code LIKE ")
            try statement.bind(pattern)
        }
        statement.add(")")
    }

    private func breakdown(_ scope: StatisticsScope, join: String = "", key: (inout Statement) throws -> Void) throws -> [StatisticsRow] {
        var statement = Statement()
        statement.add("SELECT ")
        try key(&statement)
        statement.add(" AS k, COUNT(DISTINCT r.volunteer_id), SUM(r.minutes), COUNT(*)")
        try Self.addRecordScope(&statement, scope, join: join)
        statement.add(" GROUP BY k ORDER BY k")
        return try rows(statement.query) { c in
            StatisticsRow(key: try c.next(String?.self) ?? "", volunteers: try c.next(Int.self), minutes: try c.next(Int.self), records: try c.next(Int.self))
        }
    }

    func statistics(_ scope: StatisticsScope) throws -> StatisticsFigures {
        var figures = StatisticsFigures()
        var totals = Statement()
        totals.add("""
            SELECT COUNT(*), COALESCE(SUM(r.minutes), 0), COUNT(DISTINCT r.volunteer_id), COUNT(DISTINCT r.activity_id),
                   COUNT(DISTINCT r.organization_id)
            """)
        try Self.addRecordScope(&totals, scope)
        _ = try row(totals.query) { c in
            figures.records = try c.next(Int.self)
            figures.minutes = try c.next(Int.self)
            figures.servedVolunteers = try c.next(Int.self)
            figures.activities = try c.next(Int.self)
            figures.organizationsActive = try c.next(Int.self)
        }
        var organizations = Statement()
        organizations.add("SELECT COUNT(*) FROM organizations WHERE id IN ")
        try Self.addOrganizationScope(&organizations, scope)
        figures.organizationsRegistered = try row(organizations.query) { try $0.next(Int.self) } ?? 0
        var registered = Statement()
        if scope.regionPrefix == nil && scope.organizationId == nil {
            registered.add("SELECT COUNT(*) FROM volunteers WHERE registered_at < ")
            try registered.bind(Self.stored(scope.before))
        } else {
            registered.add("SELECT COUNT(DISTINCT m.volunteer_id) FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id WHERE v.registered_at < ")
            try registered.bind(Self.stored(scope.before))
            registered.add(" AND m.organization_id IN ")
            try Self.addOrganizationScope(&registered, scope)
        }
        figures.registeredVolunteers = try row(registered.query) { try $0.next(Int.self) } ?? 0
        var byDistrict = Statement()
        byDistrict.add("""
            SELECT substr(o.region_code, 1, 6) AS k, COUNT(DISTINCT m.volunteer_id)
            FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id JOIN organizations o ON o.id = m.organization_id
            WHERE v.registered_at <
            """)
        try byDistrict.bind(Self.stored(scope.before))
        byDistrict.add(" AND o.id IN ")
        try Self.addOrganizationScope(&byDistrict, scope)
        byDistrict.add(" GROUP BY k")
        var registeredByDistrict: [String: Int] = [:]
        for (code, count) in try rows(byDistrict.query, { c in (try c.next(String.self), try c.next(Int.self)) }) {
            registeredByDistrict[code] = count
        }
        var districts = try breakdown(scope) { $0.add("substr(o.region_code, 1, 6)") }
        for (code, _) in registeredByDistrict where !districts.contains(where: { $0.key == code }) {
            districts.append(StatisticsRow(key: code, volunteers: 0, minutes: 0, records: 0))
        }
        figures.byDistrict = districts.map { row in
            var row = row
            row.registered = registeredByDistrict[row.key] ?? 0
            return row
        }.sorted { $0.key < $1.key }
        figures.byCategory = try breakdown(scope, join: "JOIN activities a ON a.id = r.activity_id") { $0.add("a.category") }
        figures.byMonth = try breakdown(scope) { statement in
            statement.add("to_char((r.start_at AT TIME ZONE 'UTC') + interval '1 second' * ")
            try statement.bind(Double(scope.utcOffsetSeconds))
            statement.add(", 'YYYY-MM')")
        }
        figures.bySource = try breakdown(scope) { $0.add("r.source") }
        figures.bySex = try breakdown(scope, join: "JOIN volunteers v ON v.id = r.volunteer_id") { $0.add("v.sex") }
        figures.byAgeBand = try breakdown(scope, join: "JOIN volunteers v ON v.id = r.volunteer_id") { statement in
            let labels = ["under_18", "18_34", "35_59"]
            statement.add("CASE")
            for (cutoff, label) in zip(scope.ageCutoffs, labels) {
                statement.add(" WHEN v.birth_date > ")
                try statement.bind(cutoff)
                statement.add("::date THEN '\(label)'")
            }
            statement.add(" ELSE '60_plus' END")
        }
        return figures
    }
}
