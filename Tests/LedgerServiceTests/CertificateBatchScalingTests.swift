import Foundation
import LedgerCore
import LedgerSQLite
import Synchronization
import Testing

/// A batch of certificates costs the same per certificate however many records the organization holds: each
/// certificate reads the volunteer's own index ranges (records, certificates), never the organization's. Counted
/// in statements, and checked in SQLite's query plans (a search of the organization's range was what made a
/// batch for the largest organization read ~37 MB per certificate).
struct CertificateBatchScalingTests {
    static let members = 20

    /// SQL texts and how often each ran.
    final class StatementLog: Sendable {
        let counts = Mutex<[String: Int]>([:])
        func record(_ sql: String) { counts.withLock { $0[sql, default: 0] += 1 } }
        var total: Int { counts.withLock { $0.values.reduce(0, +) } }
        func reset() { counts.withLock { $0 = [:] } }
    }

    /// Adds `count` records of organization `organizationId` of a volunteer who is not a member (the batch does not
    /// certify them, but they sit in the organization's index range), one an hour from June 1, 2026.
    static func addOthersRecords(_ t: CertifyingTestbed, count: Int, organizationId: Int64, volunteerId: Int64, activityId: Int64,
                                 from offset: Int) async throws {
        let start = Int64(At.june(1, 0).timeIntervalSince1970)
        try await t.bed.store.unsafeExecute("""
            WITH RECURSIVE n(k) AS (SELECT ? UNION ALL SELECT k + 1 FROM n WHERE k + 1 < ?)
            INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            SELECT ?, ?, ?, ? + k * 3600, ? + k * 3600 + 1800, 30, 'manual', '', NULL, ?, 0, 0, 1 FROM n
            """, arguments: [offset, offset + count, volunteerId, activityId, organizationId, start, start, start])
    }

    @Test func aCertificateOfABatchReadsTheVolunteersIndexRangesNotTheOrganizations() async throws {
        let t = try await CertifyingTestbed()
        let (organization, first, activity) = try await t.scene(1, volunteer: 1)
        try await t.bed.record(first, activity, from: At.june(10, 9), to: At.june(10, 10))
        for n in 2...Self.members {
            let member = try await t.bed.volunteer(n, in: organization)
            try await t.bed.record(member, activity, from: At.june(10, 9), to: At.june(10, 10))
        }
        let (_, outsider, _) = try await t.scene(2, volunteer: 50)

        let log = StatementLog()
        let observed = try SQLiteLedgerStore(path: t.bed.directory.appendingPathComponent("ledger.sqlite").path,
                                             statementObserver: { log.record($0) })
        var ledger = Ledger(store: observed, clock: { At.june(15, 12) }, random: .seeded(33))
        ledger.certificates = t.ledger.certificates

        /// Statements per certificate of a batch over June 1 to `lastDay` (a new period each time, so every
        /// certificate is issued, none reused).
        func batch(lastDay: Int) async throws -> (perCertificate: Double, texts: [String: Int]) {
            log.reset()
            let scope = CertificateBatchScope(organizationId: organization.id, from: LocalDate(year: 2026, month: 6, day: 1),
                                              to: LocalDate(year: 2026, month: 6, day: lastDay))
            let summary = try await ledger.issueCertificateBatch(scope, by: .localOperator, each: { _ in })
            #expect(summary == CertificateBatchSummary(issued: Self.members, reused: 0, skipped: 0))
            return (Double(log.total) / Double(Self.members), log.counts.withLock { $0 })
        }

        try await Self.addOthersRecords(t, count: 2_000, organizationId: organization.id, volunteerId: outsider.id,
                                        activityId: activity.id, from: 0)
        let small = try await batch(lastDay: 30)
        try await Self.addOthersRecords(t, count: 18_000, organizationId: organization.id, volunteerId: outsider.id,
                                        activityId: activity.id, from: 2_000)
        let large = try await batch(lastDay: 29)
        #expect(try await t.bed.store.read { try $0.total(RecordFilter(organizationId: organization.id)).records } == 20_000 + Self.members)

        // The same statements per certificate with 2,000 and with 20,000 other records in the organization.
        #expect(abs(large.perCertificate - small.perCertificate) <= 1, "\(small.perCertificate) vs \(large.perCertificate)")
        // And each statement a certificate runs searches the volunteer's range: none walks the organization's
        // records or certificates, none scans a table. (Counting members for the progress bar, once a batch,
        // reads the organization's range; it is no statement per certificate.)
        var wide: [String] = []
        for (sql, count) in large.texts where sql.hasPrefix("SELECT") && count >= Self.members || sql.contains("EXISTS") {
            for detail in try await observed.queryPlan(sql)
            where detail.contains("records_by_organization") || detail.contains("certificates_by_organization")
                || detail.hasPrefix("SCAN service_records") || detail.hasPrefix("SCAN certificates") {
                wide.append("\(detail): \(sql.prefix(160))")
            }
        }
        #expect(wide == [])
        // The check sees the organization's range where a statement reads it.
        #expect(try await observed.queryPlan("SELECT id FROM service_records WHERE organization_id = ? ORDER BY id")
            .contains { $0.contains("records_by_organization") })
        try await observed.close()
    }
}
