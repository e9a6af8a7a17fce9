import Foundation
import LedgerCore
import PostgresNIO

/// The public activity search on PostgreSQL: one statement over the partial index `recruitments_public` (deadline, activity id).
extension PostgresLedgerAccess {
    private static let publicColumns = """
        r.activity_id, r.organization_id, r.audience, r.capacity, r.deadline, r.required_skills, r.opened_at, r.opened_by,
        o.name, o.time_zone,
        (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id AND s.state IN ('pending', 'confirmed')),
        (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id AND s.state = 'waitlisted')
        """

    private typealias Listing = (recruitment: Recruitment, organizationName: String, zone: String, taken: Int, waiting: Int)

    private static func listing(_ c: inout Columns) throws -> Listing {
        let recruitment = Recruitment(
            activityId: try c.next(), organizationId: try c.next(),
            audience: try StoredValue.decode(try c.next(), column: "recruitments.audience"), capacity: try c.next(),
            deadline: try c.next(), requiredSkills: try c.next(), openedAt: try c.next(), openedBy: try c.next())
        return (recruitment, try c.next(), try c.next(), try c.next(Int.self), try c.next(Int.self))
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
        let now = Self.stored(filter.now)
        // Past the cursor, and in any case past now: (deadline, id) > (lower, lowerId).
        let lower: (Date, Int64) = cursor.map { Self.stored($0.deadline) > now ? (Self.stored($0.deadline), $0.activityId) : (now, Int64.max) }
            ?? (now, Int64.max)
        let keyword = filter.keyword.map { "%" + LikePattern.escaped($0) + "%" }
        let from = filter.startsFrom.map(Self.stored), before = filter.startsBefore.map(Self.stored)
        let listings = try rows("""
            SELECT \(unescaped: Self.publicColumns)
            FROM recruitments r JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = r.organization_id
            WHERE r.audience = 'everyone' AND r.deadline > \(now) AND (r.deadline, r.activity_id) > (\(lower.0), \(lower.1))
              AND a.end_at > \(now)
              AND (\(filter.category?.rawValue)::text IS NULL OR a.category = \(filter.category?.rawValue))
              AND (\(from)::timestamptz IS NULL OR a.start_at >= \(from))
              AND (\(before)::timestamptz IS NULL OR a.start_at < \(before))
              AND (\(filter.regionPrefix)::text IS NULL OR starts_with(o.region_code, \(filter.regionPrefix)))
              AND (\(keyword)::text IS NULL OR a.title LIKE \(keyword) OR a.place LIKE \(keyword))
              AND (NOT \(filter.onlyWithPlacesLeft) OR r.capacity > (SELECT COUNT(*) FROM sign_ups s WHERE s.activity_id = r.activity_id
                                                                                           AND s.state IN ('pending', 'confirmed')))
            ORDER BY r.deadline, r.activity_id LIMIT \(limit)
            """, Self.listing)
        return try withActivities(listings)
    }

    func publicActivity(id: Int64) throws -> PublicActivity? {
        let listings = try rows("""
            SELECT \(unescaped: Self.publicColumns) FROM recruitments r JOIN organizations o ON o.id = r.organization_id
            WHERE r.activity_id = \(id)
            """, Self.listing)
        return try withActivities(listings).first
    }
}
