import Foundation
import GRDB
import LedgerCore

/// The public activity search on SQLite: one statement over the partial index `recruitments_public` (deadline, activity id).
extension SQLiteLedgerAccess {
    private static let publicColumns = """
        r.activity_id, r.organization_id, r.audience, r.capacity, r.deadline, r.required_skills, r.opened_at, r.opened_by,
        o.name, o.time_zone,
        (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id AND s.state IN ('pending', 'confirmed')),
        (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id AND s.state = 'waitlisted')
        """

    private typealias Listing = (recruitment: Recruitment, organizationName: String, zone: String, taken: Int, waiting: Int)

    private static func listing(_ row: Row) throws -> Listing {
        let recruitment = try Recruitment(
            activityId: row[0], organizationId: row[1], audience: StoredValue.decode(row[2], column: "recruitments.audience"),
            capacity: row[3], deadline: date(row[4]), requiredSkills: StoredValue.json(row[5], column: "recruitments.required_skills"),
            openedAt: date(row[6]), openedBy: row[7])
        return (recruitment, row[8], row[9], row[10], row[11])
    }

    /// The listings with their activities (one more statement), in the listings' order.
    private func withActivities(_ listings: [Listing]) throws -> [PublicActivity] {
        let activities = Dictionary(try activities(ids: listings.map(\.recruitment.activityId)).map { ($0.id, $0) },
                                    uniquingKeysWith: { first, _ in first })
        return listings.compactMap { item in
            activities[item.recruitment.activityId].map {
                PublicActivity(activity: $0, recruitment: item.recruitment, organizationName: item.organizationName,
                               timeZoneIdentifier: item.zone, placesTaken: item.taken, waiting: item.waiting)
            }
        }
    }

    func publicActivities(_ filter: PublicActivityFilter, after cursor: PublicActivityCursor?, limit: Int) throws -> [PublicActivity] {
        let now = Self.seconds(filter.now)
        // Past the cursor, and in any case past now: (deadline, id) > (lower, lowerId).
        let lower: (Int64, Int64) = cursor.map { Self.seconds($0.deadline) > now ? (Self.seconds($0.deadline), $0.activityId) : (now, Int64.max) }
            ?? (now, Int64.max)
        let keyword = filter.keyword.map { "%" + LikePattern.escaped($0) + "%" }
        let listings = try rows("""
            SELECT \(Self.publicColumns)
            FROM recruitments r INDEXED BY recruitments_public
            JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = r.organization_id
            WHERE r.audience = 'everyone' AND r.deadline > ?1 AND (r.deadline, r.activity_id) > (?2, ?3) AND a.end_at > ?1
              AND (?4 IS NULL OR a.category = ?4) AND (?5 IS NULL OR a.start_at >= ?5) AND (?6 IS NULL OR a.start_at < ?6)
              AND (?7 IS NULL OR substr(o.region_code, 1, length(?7)) = ?7)
              AND (?8 IS NULL OR a.title LIKE ?8 ESCAPE '\\' OR a.place LIKE ?8 ESCAPE '\\')
              AND (?9 = 0 OR r.capacity > (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id
                                                                          AND s.state IN ('pending', 'confirmed')))
            ORDER BY r.deadline, r.activity_id LIMIT ?10
            """, [now, lower.0, lower.1, filter.category?.rawValue, filter.startsFrom.map(Self.seconds),
                  filter.startsBefore.map(Self.seconds), filter.regionPrefix, keyword, filter.onlyWithPlacesLeft, limit])
            .map(Self.listing)
        return try withActivities(listings)
    }

    func publicActivity(id: Int64) throws -> PublicActivity? {
        let listings = try rows("""
            SELECT \(Self.publicColumns) FROM recruitments r JOIN organizations o ON o.id = r.organization_id WHERE r.activity_id = ?
            """, [id]).map(Self.listing)
        return try withActivities(listings).first
    }
}
