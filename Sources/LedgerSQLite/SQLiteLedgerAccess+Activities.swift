import Foundation
import GRDB
import LedgerCore

/// Activities: `ActivityReader` and `ActivityWriter`.
extension SQLiteLedgerAccess {
    /// The activities with these ids in one statement.
    func activities(ids: [Int64]) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE id IN", ids: ids).map(Self.activity)
    }

    static let activityColumns = """
        id, organization_id, title, content, category, place, start_at, end_at, leader, created_at, site_latitude, site_longitude,
        site_radius, presence_required
        """

    static func activity(_ row: Row) throws -> Activity {
        try Activity(id: row[0], organizationId: row[1], title: row[2], content: row[3],
                     category: StoredValue.decode(row[4], column: "activities.category"), place: row[5],
                     startAt: date(row[6]), endAt: date(row[7]), leader: row[8], createdAt: date(row[9]),
                     site: ActivitySite.stored(latitude: row[10], longitude: row[11], radius: row[12], presenceRequired: row[13]))
    }

    func updateSite(activityId: Int64, site: ActivitySite?) throws {
        try execute("""
            UPDATE activities SET site_latitude = ?, site_longitude = ?, site_radius = ?, presence_required = ? WHERE id = ?
            """, [site?.latitude, site?.longitude, site?.radius, site?.presenceRequired ?? false, activityId])
    }

    func activity(id: Int64) throws -> Activity? {
        try row("SELECT \(Self.activityColumns) FROM activities WHERE id = ?", [id]).map(Self.activity)
    }

    func activities(organizationId: Int64, title: String) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE organization_id = ? AND title = ? ORDER BY id",
                 [organizationId, title]).map(Self.activity)
    }

    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE (?1 IS NULL OR organization_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
                 [organizationId, after ?? 0, limit]).map(Self.activity)
    }

    func insert(_ activity: Activity) throws -> Activity {
        try store(activity, id: nil)
    }

    func restore(_ activity: Activity) throws {
        _ = try store(activity, id: activity.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ activity: Activity, id: Int64?) throws -> Activity {
        try execute("""
            INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at,
                                    site_latitude, site_longitude, site_radius, presence_required)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, activity.organizationId, activity.title, activity.content, activity.category.rawValue, activity.place,
                  Self.seconds(activity.startAt), Self.seconds(activity.endAt), activity.leader, Self.seconds(activity.createdAt),
                  activity.site?.latitude, activity.site?.longitude, activity.site?.radius, activity.site?.presenceRequired ?? false])
        var stored = activity
        stored.id = db.lastInsertedRowID
        return stored
    }
}
