import Foundation
import GRDB
import LedgerCore

/// On-site check-ins on SQLite (table of migration `v4-check-ins`).
extension SQLiteLedgerAccess {
    private static let checkInColumns = """
        id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state, closed_at, closed_by,
        record_id, cancel_reason, method, latitude, longitude, accuracy, off_site,
        check_out_latitude, check_out_longitude, check_out_accuracy, check_out_off_site
        """

    private static func checkIn(_ row: Row) throws -> CheckIn {
        try CheckIn(id: row[0], activityId: row[1], organizationId: row[2], volunteerId: row[3],
                checkedInAt: Date(timeIntervalSince1970: TimeInterval(row[4] as Int64)), checkedInBy: row[5],
                state: StoredValue.decode(row[6], column: "check_ins.state"),
                closedAt: (row[7] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }, closedBy: row[8],
                recordId: row[9], cancelReason: row[10], method: StoredValue.decode(row[11], column: "check_ins.method"),
                position: GeoPosition.stored(latitude: row[12], longitude: row[13], accuracy: row[14]), offSite: row[15],
                checkOutPosition: GeoPosition.stored(latitude: row[16], longitude: row[17], accuracy: row[18]), checkOutOffSite: row[19])
    }

    private func checkIns(_ sql: String, _ arguments: StatementArguments) throws -> [CheckIn] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.checkInColumns) FROM check_ins WHERE \(sql)"),
                         arguments: arguments).map(Self.checkIn)
    }

    func checkIn(id: Int64) throws -> CheckIn? {
        try checkIns("id = ?", [id]).first
    }

    func openCheckIn(volunteerId: Int64) throws -> CheckIn? {
        try checkIns("volunteer_id = ? AND state = 'open'", [volunteerId]).first
    }

    func forgottenCheckIns(at now: Date, defaultGraceMinutes: Int, limit: Int) throws -> [CheckIn] {
        try checkIns("""
            state = 'open' AND activity_id IN (
                SELECT a.id FROM activities a LEFT JOIN organization_settings s ON s.organization_id = a.organization_id
                WHERE a.end_at + 60 * COALESCE(s.check_out_grace_minutes, ?) <= ?)
            ORDER BY id LIMIT ?
            """, [defaultGraceMinutes, Int64(now.timeIntervalSince1970.rounded(.down)), limit])
    }

    func checkIns(after: Int64?, limit: Int) throws -> [CheckIn] {
        try checkIns("id > ? ORDER BY id LIMIT ?", [after ?? 0, limit])
    }

    func checkIns(activityId: Int64, after: Int64?, limit: Int) throws -> [CheckIn] {
        try checkIns("activity_id = ? AND id > ? ORDER BY id LIMIT ?", [activityId, after ?? 0, limit])
    }

    func offSiteRecordIds(among recordIds: [Int64]) throws -> Set<Int64> {
        Set(try rows("SELECT record_id FROM check_ins WHERE (off_site = 1 OR check_out_off_site = 1) AND record_id IN", ids: recordIds).map { $0[0] as Int64 })
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
        try db.cachedStatement(sql: """
            INSERT INTO check_ins (id, activity_id, organization_id, volunteer_id, checked_in_at, checked_in_by, state, method,
                                   latitude, longitude, accuracy, off_site)
            VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)
            """).execute(arguments: [id, checkIn.activityId, checkIn.organizationId, checkIn.volunteerId,
                                     Int64(checkIn.checkedInAt.timeIntervalSince1970), checkIn.checkedInBy, checkIn.method.rawValue,
                                     checkIn.position?.latitude, checkIn.position?.longitude, checkIn.position?.accuracy,
                                     checkIn.offSite])
        var stored = checkIn
        stored.id = db.lastInsertedRowID
        stored.state = .open
        return stored
    }

    func close(_ checkIn: CheckIn) throws {
        try db.cachedStatement(sql: """
            UPDATE check_ins SET state = ?, closed_at = ?, closed_by = ?, record_id = ?, cancel_reason = ?,
                check_out_latitude = ?, check_out_longitude = ?, check_out_accuracy = ?, check_out_off_site = ?
            WHERE id = ? AND state = 'open'
            """).execute(arguments: [checkIn.state.rawValue, checkIn.closedAt.map { Int64($0.timeIntervalSince1970) },
                                     checkIn.closedBy, checkIn.recordId, checkIn.cancelReason,
                                     checkIn.checkOutPosition?.latitude, checkIn.checkOutPosition?.longitude,
                                     checkIn.checkOutPosition?.accuracy, checkIn.checkOutOffSite, checkIn.id])
        if db.changesCount != 1 {
            throw LedgerError.checkInNotOpen(checkInId: checkIn.id, state: try self.checkIn(id: checkIn.id)?.state ?? .canceled)
        }
    }
}
