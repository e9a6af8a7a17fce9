import Foundation
import LedgerCore
import PostgresNIO

/// Activities: `ActivityReader` and `ActivityWriter`.
extension PostgresLedgerAccess {
    static let activityColumns = """
        id, organization_id, title, content, category, place, start_at, end_at, leader, created_at, site_latitude, site_longitude,
        site_radius, presence_required
        """

    static func activity(_ c: inout Columns) throws -> Activity {
        Activity(id: try c.next(), organizationId: try c.next(), title: try c.next(), content: try c.next(),
                 category: try StoredValue.decode(try c.next(), column: "activities.category"), place: try c.next(),
                 startAt: try c.next(), endAt: try c.next(), leader: try c.next(), createdAt: try c.next(),
                 site: ActivitySite.stored(latitude: try c.next(), longitude: try c.next(), radius: try c.next(), presenceRequired: try c.next()))
    }

    /// The activities with these ids in one statement.
    func activities(ids: [Int64]) throws -> [Activity] {
        guard !ids.isEmpty else { return [] }
        return try rows("SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id = ANY(\(ids))", Self.activity)
    }

    func updateSite(activityId: Int64, site: ActivitySite?) throws {
        _ = try run("""
            UPDATE activities SET site_latitude = \(site?.latitude), site_longitude = \(site?.longitude), site_radius = \(site?.radius),
                presence_required = \(site?.presenceRequired ?? false)
            WHERE id = \(activityId)
            """)
    }

    func activity(id: Int64) throws -> Activity? {
        try row("SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id = \(id)", Self.activity)
    }

    func activities(organizationId: Int64, title: String) throws -> [Activity] {
        try rows("""
            SELECT \(unescaped: Self.activityColumns) FROM activities WHERE organization_id = \(organizationId) AND title = \(title)
            ORDER BY id
            """, Self.activity)
    }

    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity] {
        if let organizationId {
            return try rows("""
                SELECT \(unescaped: Self.activityColumns) FROM activities
                WHERE organization_id = \(organizationId) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
                """, Self.activity)
        }
        return try rows("""
            SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.activity)
    }

    func insert(_ activity: Activity) throws -> Activity {
        try store(activity, id: nil)
    }

    func restore(_ activity: Activity) throws {
        _ = try store(activity, id: activity.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ activity: Activity, id: Int64?) throws -> Activity {
        let id = try row("""
            INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at,
                                    site_latitude, site_longitude, site_radius, presence_required)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('activities', 'id'))),
                    \(activity.organizationId), \(activity.title), \(activity.content),
                    \(activity.category.rawValue), \(activity.place), \(Self.stored(activity.startAt)),
                    \(Self.stored(activity.endAt)), \(activity.leader), \(Self.stored(activity.createdAt)),
                    \(activity.site?.latitude), \(activity.site?.longitude), \(activity.site?.radius), \(activity.site?.presenceRequired ?? false))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = activity
        stored.id = try Self.require(id)
        return stored
    }
}
