import Foundation
import LedgerCore
import PostgresNIO

/// On-site check-ins on PostgreSQL (table of migration 4, `PostgresSchema.checkInStatements`).
extension PostgresLedgerAccess {
    private static let checkInColumns = """
        id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state, closed_at, closed_by,
        record_id, cancel_reason, method, latitude, longitude, accuracy, off_site,
        check_out_latitude, check_out_longitude, check_out_accuracy, check_out_off_site
        """

    private static func checkIn(_ c: inout Columns) throws -> CheckIn {
        CheckIn(id: try c.next(), activityId: try c.next(), organizationId: try c.next(), volunteerId: try c.next(),
                checkedInAt: try c.next(), checkedInBy: try c.next(), state: try StoredValue.decode(try c.next(), column: "check_ins.state"),
                closedAt: try c.next(), closedBy: try c.next(), recordId: try c.next(), cancelReason: try c.next(),
                method: try StoredValue.decode(try c.next(), column: "check_ins.method"),
                position: GeoPosition.stored(latitude: try c.next(), longitude: try c.next(), accuracy: try c.next()),
                offSite: try c.next(),
                checkOutPosition: GeoPosition.stored(latitude: try c.next(), longitude: try c.next(), accuracy: try c.next()),
                checkOutOffSite: try c.next())
    }

    func checkIn(id: Int64) throws -> CheckIn? {
        try row("SELECT \(unescaped: Self.checkInColumns) FROM check_ins WHERE id = \(id)", Self.checkIn)
    }

    func openCheckIn(volunteerId: Int64) throws -> CheckIn? {
        try row("""
            SELECT \(unescaped: Self.checkInColumns) FROM check_ins WHERE volunteer_id = \(volunteerId) AND state = 'open'
            """, Self.checkIn)
    }

    func forgottenCheckIns(at now: Date, defaultGraceMinutes: Int, limit: Int) throws -> [CheckIn] {
        try rows("""
            SELECT \(unescaped: Self.checkInColumns) FROM check_ins
            WHERE state = 'open' AND activity_id IN (
                SELECT a.id FROM activities a LEFT JOIN organization_settings s ON s.organization_id = a.organization_id
                WHERE a.end_at + COALESCE(s.check_out_grace_minutes, \(defaultGraceMinutes)) * interval '1 minute' <= \(Self.stored(now)))
            ORDER BY id LIMIT \(limit)
            """, Self.checkIn)
    }

    func checkIns(after: Int64?, limit: Int) throws -> [CheckIn] {
        try rows("SELECT \(unescaped: Self.checkInColumns) FROM check_ins WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)", Self.checkIn)
    }

    func checkIns(activityId: Int64, after: Int64?, limit: Int) throws -> [CheckIn] {
        try rows("""
            SELECT \(unescaped: Self.checkInColumns) FROM check_ins
            WHERE activity_id = \(activityId) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.checkIn)
    }

    func offSiteRecordIds(among recordIds: [Int64]) throws -> Set<Int64> {
        guard !recordIds.isEmpty else { return [] }
        return Set(try rows("SELECT record_id FROM check_ins WHERE (off_site OR check_out_off_site) AND record_id = ANY(\(recordIds))") { try $0.next(Int64.self) })
    }

    func insert(_ checkIn: CheckIn) throws -> CheckIn {
        try store(checkIn, id: nil)
    }

    func restore(_ checkIn: CheckIn) throws {
        _ = try store(checkIn, id: checkIn.id)
        if checkIn.state != .open { try close(checkIn) }
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id), always open; `close` closes it.
    private func store(_ checkIn: CheckIn, id: Int64?) throws -> CheckIn {
        let id = try row("""
            INSERT INTO check_ins (id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state, method,
                                   latitude, longitude, accuracy, off_site)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('check_ins', 'id'))), \(checkIn.activityId), \(checkIn.organizationId), \(checkIn.volunteerId), \(Self.stored(checkIn.checkedInAt)),
                    \(checkIn.checkedInBy), 'open', \(checkIn.method.rawValue), \(checkIn.position?.latitude), \(checkIn.position?.longitude),
                    \(checkIn.position?.accuracy), \(checkIn.offSite))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = checkIn
        stored.id = id ?? 0
        stored.state = .open
        return stored
    }

    func close(_ checkIn: CheckIn) throws {
        let closed = try row("""
            UPDATE check_ins SET state = \(checkIn.state.rawValue), closed_at = \(checkIn.closedAt.map(Self.stored)),
                closed_by = \(checkIn.closedBy), record_id = \(checkIn.recordId), cancel_reason = \(checkIn.cancelReason),
                check_out_latitude = \(checkIn.checkOutPosition?.latitude), check_out_longitude = \(checkIn.checkOutPosition?.longitude),
                check_out_accuracy = \(checkIn.checkOutPosition?.accuracy), check_out_off_site = \(checkIn.checkOutOffSite)
            WHERE id = \(checkIn.id) AND state = 'open'
            RETURNING id
            """) { try $0.next(Int64.self) }
        if closed == nil {
            throw LedgerError.checkInNotOpen(checkInId: checkIn.id, state: try self.checkIn(id: checkIn.id)?.state ?? .canceled)
        }
    }
}
