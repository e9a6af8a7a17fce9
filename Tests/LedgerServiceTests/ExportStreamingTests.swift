import Foundation
import LedgerCore
import LedgerSQLite
import Synchronization
import Testing

/// The records export streams: a statement per page of thousands of records (names joined in it), chunks of
/// about 64 KiB to the sink, and the same bytes as formatting each row from the domain values.
struct ExportStreamingTests {
    /// Adds `count` records of `volunteerId` in `organizationId`, one every 61 minutes and 7 seconds from
    /// `start` (so both daylight-saving changes of a year fall among them), with notes that need quoting or a
    /// formula guard, some void, some late, some of each source.
    static func addRecords(_ bed: Testbed, count: Int, organizationId: Int64, volunteerId: Int64, activityId: Int64,
                           start: Date, from offset: Int = 0) async throws {
        try await bed.store.unsafeExecute("""
            WITH RECURSIVE n(k) AS (SELECT ? UNION ALL SELECT k + 1 FROM n WHERE k + 1 < ?)
            INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            SELECT ?, ?, ?, ? + k * 3667, ? + k * 3667 + 1800 + k % 7 * 60, 30 + k % 7, 
                   CASE k % 5 WHEN 0 THEN 'manual' WHEN 1 THEN 'import' WHEN 2 THEN 'check_in' WHEN 3 THEN 'self_check_in' ELSE 'claim' END,
                   CASE k % 6 WHEN 0 THEN '' WHEN 1 THEN '扫地, 擦窗' WHEN 2 THEN '=SUM(A1)' WHEN 3 THEN '说"好"' WHEN 4 THEN ' 前后空格 ' ELSE '-remark' END,
                   NULL, ? + k * 3667 + 86400 + k % 60, k % 4 = 0, k % 9 = 0, 1 FROM n
            """, arguments: [offset, offset + count, volunteerId, activityId, organizationId,
                             Int64(start.timeIntervalSince1970), Int64(start.timeIntervalSince1970),
                             Int64(start.timeIntervalSince1970)])
    }

    /// The export as the ledger formatted it before it streamed: a row of strings a record, from the domain values.
    static func reference(_ bed: Testbed, _ filter: RecordFilter) async throws -> [UInt8] {
        try await bed.store.read { r in
            var csv = CSVWriter()
            csv.writeRow(Ledger.recordExportHeader)
            for record in try r.records(filter, after: nil, limit: 1_000_000) {
                let volunteer = try r.volunteer(id: record.volunteerId)
                let organization = try r.organization(id: record.organizationId)
                let zone = organization?.timeZone ?? .ledgerDefault
                let activity = try r.activity(id: record.activityId)
                csv.writeRow([
                    String(record.id), volunteer?.number ?? "", volunteer?.name ?? "",
                    volunteer.map { Masking.documentNumber($0.documentNumber) } ?? "",
                    organization?.name ?? "", activity?.title ?? "", activity?.category.chineseLabel ?? "",
                    LocalDateTime(record.startAt, in: zone).description, LocalDateTime(record.endAt, in: zone).description,
                    HoursFormat.hours(fromMinutes: record.minutes), record.source.rawValue,
                    LocalDateTime(record.recordedAt, in: zone).description, record.isLate ? "是" : "否",
                    record.isVoid ? "已作废 void" : "有效 valid", record.note,
                ])
            }
            return csv.bytes
        }
    }

    final class Chunks: Sendable {
        let sizes = Mutex<[Int]>([])
        let bytes = Mutex<[UInt8]>([])
        func append(_ chunk: [UInt8]) {
            sizes.withLock { $0.append(chunk.count) }
            bytes.withLock { $0 += chunk }
        }
    }

    @Test func theStreamedExportIsByteForByteTheRowByRowOneAcrossDaylightSavingChanges() async throws {
        let bed = try await Testbed()
        let organization = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: organization)
        let activity = try await bed.activity(organization)
        try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11, 30))
        let other = try await bed.organization(2)
        let stranger = try await bed.volunteer(2, in: other)
        let otherActivity = try await bed.activity(other, title: "=危险,标题\"")
        // New York changes its clocks on March 8 and November 1, 2026; a record an hour and a bit, all year.
        try await bed.store.unsafeExecute("UPDATE organizations SET time_zone = 'America/New_York' WHERE id = ?", arguments: [other.id])
        try await Self.addRecords(bed, count: 9_000, organizationId: other.id, volunteerId: stranger.id, activityId: otherActivity.id,
                                  start: At.on(2026, 1, 1, 0))
        try await Self.addRecords(bed, count: 300, organizationId: organization.id, volunteerId: volunteer.id, activityId: activity.id,
                                  start: At.on(1988, 4, 1, 0))

        for filter in [RecordFilter(), RecordFilter(includeVoid: true), RecordFilter(organizationId: other.id, includeVoid: true),
                       RecordFilter(organizationId: organization.id)] {
            let chunks = Chunks()
            try await bed.ledger.exportRecords(filter, by: Testbed.op) { chunks.append($0) }
            let streamed = chunks.bytes.withLock { $0 }
            let expected = try await Self.reference(bed, filter)
            #expect(streamed.count == expected.count)
            #expect(streamed == expected, "the first difference at byte \(zip(streamed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
            // Chunks of about 64 KiB: never a whole export in one piece, never a write per row.
            let sizes = chunks.sizes.withLock { $0 }
            #expect(sizes.dropLast().allSatisfy { (64 * 1024)..<(72 * 1024) ~= $0 }, "\(sizes)")
            #expect(sizes.count > expected.count / (72 * 1024))
        }
    }

    /// Statements the observed store ran, and those of them that read records.
    final class StatementLog: Sendable {
        let count = Mutex(0)
        let recordReads = Mutex(0)
    }

    @Test func anExportOfNRecordsRunsAStatementPerPageNotPerRecord() async throws {
        let bed = try await Testbed()
        let organization = try await bed.organization()
        let activity = try await bed.activity(organization)
        var volunteers: [Volunteer] = []
        for n in 1...20 { volunteers.append(try await bed.volunteer(n, in: organization)) }
        let log = StatementLog()
        let observed = try SQLiteLedgerStore(path: bed.directory.appendingPathComponent("ledger.sqlite").path,
                                             statementObserver: { sql in
            log.count.withLock { $0 += 1 }
            if sql.contains("service_records") { log.recordReads.withLock { $0 += 1 } }
        })
        let ledger = Ledger(store: observed, clock: { At.june(15, 12) }, random: .seeded(1))

        func statements(_ filter: RecordFilter) async throws -> (statements: Int, recordReads: Int, rows: Int) {
            log.count.withLock { $0 = 0 }
            log.recordReads.withLock { $0 = 0 }
            let lines = Mutex(0)
            try await ledger.exportRecords(filter, by: .localOperator) { chunk in
                lines.withLock { $0 += chunk.count { $0 == 0x0A } }
            }
            return (log.count.withLock { $0 }, log.recordReads.withLock { $0 }, lines.withLock { $0 } - 1)
        }
        // Each volunteer's records start on their own day of 2020, so none overlap.
        func add(_ count: Int, from offset: Int) async throws {
            for (index, volunteer) in volunteers.enumerated() {
                try await Self.addRecords(bed, count: count / volunteers.count, organizationId: organization.id, volunteerId: volunteer.id,
                                          activityId: activity.id, start: At.on(2020, 1, 1 + index, 0), from: offset)
            }
        }
        try await add(2_000, from: 0)
        let small = try await statements(RecordFilter(organizationId: organization.id, includeVoid: true))
        try await add(38_000, from: 100)
        let large = try await statements(RecordFilter(organizationId: organization.id, includeVoid: true))
        #expect(small.rows == 2_000 && large.rows == 40_000)
        // One statement reads a page of 5,000 records with their names (the last finds the end), and the
        // organization's name is read once: a few statements (with BEGIN and COMMIT) a page, none a record.
        #expect(small.recordReads == 1)
        #expect(large.recordReads == 40_000 / Ledger.exportPageSize + 1)
        #expect(large.statements <= 5 * (large.recordReads + 1), "\(large.statements) statements for 40,000 records")
        try await observed.close()
    }
}
