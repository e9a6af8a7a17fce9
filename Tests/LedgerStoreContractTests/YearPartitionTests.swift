import Foundation
import LedgerCore
@testable import LedgerPostgres
import Testing

/// `service_records` and `record_revisions` partitioned by year on PostgreSQL: rows land in their year's
/// partition, the overlap rule holds across 31 December even behind the ledger's back, corrections may move a
/// record into another year, and the history stays append-only per partition.
@Suite("Yearly partitions", .enabled(if: Backend.all.contains(.postgres)))
struct YearPartitionTests {
    /// An instant in UTC, the time zone the partitions count years in.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        LocalDateTime(date: LocalDate(year: year, month: month, day: day)!, hour: hour, minute: minute)!
            .instant(in: TimeZone(identifier: "UTC")!)
    }

    /// A raw INSERT of a record of `volunteer`, behind the ledger's back.
    static func insertSQL(_ seed: Seed, volunteerId: Int64? = nil, from start: String, to end: String) -> String {
        """
            INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_at, is_late, is_void, revision)
            VALUES (\(volunteerId ?? seed.volunteer.id), \(seed.activity.id), \(seed.organization.id), '\(start)', '\(end)', 30,
                    'manual', '', now(), false, false, 1)
            """
    }

    /// Rows of `table` matching `condition`, read directly.
    static func count(_ store: PostgresLedgerStore, _ table: String, where condition: String = "true") async throws -> Int {
        try await store.transaction(.read) { access in
            try access.row("SELECT COUNT(*) FROM \(unescaped: table) WHERE \(unescaped: condition)") { try $0.next(Int.self) } ?? -1
        }
    }

    static func postgres(_ t: TestStore) throws -> PostgresLedgerStore {
        try #require(t.store as? PostgresLedgerStore)
    }

    @Test func migrationsCreateThisYearsAndNextYearsPartitions() async throws {
        try await withStore(.postgres) { t in
            let store = try Self.postgres(t)
            let year = PostgresLedgerAccess.utcYear(Date())
            for table in ["service_records_\(year)", "service_records_\(year + 1)", "record_revisions_\(year)",
                          "record_revisions_\(year + 1)", "service_records_default", "record_revisions_default"] {
                #expect(try await Self.count(store, "pg_class", where: "relname = '\(table)' AND relispartition") == 1, "\(table)")
            }
            #expect(try await store.createUpcomingPartitions() == 0, "nothing left to create")
            // A row lands in its year's partition.
            let seed = try await t.store.write { w in try Seed.make(w) }
            let record = try await t.store.write { w in try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11)) }
            #expect(try await Self.count(store, "service_records_2026", where: "id = \(record.id)") == 1)
            #expect(try await Self.count(store, "record_revisions_2026", where: "record_id = \(record.id)") == 1)
            #expect(try await Self.count(store, "service_records_default") == 0)
        }
    }

    /// `migrate-data` restores a ledger's history: each year it reaches back to gets its partitions.
    @Test func restoringOlderRecordsCreatesTheirYears() async throws {
        try await withStore(.postgres) { t in
            let store = try Self.postgres(t)
            let seed = try await t.store.write { w in try Seed.make(w) }
            try await t.store.write { w in
                try w.restore(with(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity,
                                               from: Self.utc(2021, 5, 1, 9), to: Self.utc(2021, 5, 1, 11))) { $0.id = 7 })
                try w.restore(with(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity,
                                               from: Self.utc(2019, 3, 1, 9), to: Self.utc(2019, 3, 1, 10))) { $0.id = 8 })
            }
            #expect(try await Self.count(store, "service_records_2021", where: "id = 7") == 1)
            #expect(try await Self.count(store, "service_records_2019", where: "id = 8") == 1)
            for year in 2019...2025 {
                #expect(try await Self.count(store, "pg_class", where: "relname = 'record_revisions_\(year)'") == 1, "\(year)")
            }
            #expect(try await Self.count(store, "service_records_default") == 0)
        }
    }

    /// The record from 31 December 23:00 to 1 January 01:00 lives in the old year's partition; the exclusion
    /// constraint of the new year's cannot see it, the trigger does, in either order of writing.
    @Test func overlapsAcrossNewYearAreRefusedByTheDatabase() async throws {
        try await withStore(.postgres) { t in
            let store = try Self.postgres(t)
            try await t.rawExecute("SELECT vledger_create_year_partitions(2025, 2025)")
            let (seed, other) = try await t.store.write { w in (try Seed.make(w, 1), try Seed.make(w, 2)) }
            // Crossing first, then one starting on 1 January in another organization.
            let crossing = try await t.store.write { w in
                try seed.record(w, from: Self.utc(2025, 12, 31, 23), to: Self.utc(2026, 1, 1, 1))
            }
            #expect(try await Self.count(store, "service_records_2025", where: "id = \(crossing.id)") == 1)
            #expect(try await Self.count(store, "record_year_crossings", where: "record_id = \(crossing.id)") == 1)
            await #expect(throws: (any Error).self, "raw SQL, another organization") {
                try await t.rawExecute(Self.insertSQL(other, volunteerId: seed.volunteer.id,
                                                      from: "2026-01-01 00:30+00", to: "2026-01-01 01:30+00"))
            }
            // Through the store the refusal is a conflict, and nothing is kept.
            await #expect(throws: (any Error).self) {
                _ = try await t.store.write { w in
                    try w.insert(Make.record(volunteerId: seed.volunteer.id, activity: other.activity,
                                             from: Self.utc(2026, 1, 1, 0, 59), to: Self.utc(2026, 1, 1, 2)))
                }
            }
            // Touching is not overlapping.
            try await t.rawExecute(Self.insertSQL(other, volunteerId: seed.volunteer.id,
                                                  from: "2026-01-01 01:00+00", to: "2026-01-01 02:00+00"))
            #expect(try await Self.count(store, "service_records", where: "volunteer_id = \(seed.volunteer.id)") == 2)

            // The other order: the new year's record first, then one crossing into it.
            try await t.rawExecute(Self.insertSQL(other, from: "2026-01-01 00:30+00", to: "2026-01-01 01:30+00"))
            await #expect(throws: (any Error).self, "a crossing record onto a later one") {
                try await t.rawExecute(Self.insertSQL(seed, volunteerId: other.volunteer.id,
                                                      from: "2025-12-31 23:00+00", to: "2026-01-01 01:00+00"))
            }
            // Both within one statement.
            let third = try await t.store.write { w in try w.insert(Make.volunteer(3)) }
            await #expect(throws: (any Error).self, "two rows of one statement") {
                try await t.rawExecute("""
                    INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                                 recorded_at, is_late, is_void, revision)
                    VALUES (\(third.id), \(seed.activity.id), \(seed.organization.id), '2025-12-31 22:00+00', '2026-01-01 03:00+00',
                            30, 'manual', '', now(), false, false, 1),
                           (\(third.id), \(seed.activity.id), \(seed.organization.id), '2026-01-01 02:00+00', '2026-01-01 04:00+00',
                            30, 'manual', '', now(), false, false, 1)
                    """)
            }
            #expect(try await Self.count(store, "service_records", where: "volunteer_id = \(third.id)") == 0)
            // A void record may share the time, and a voided crossing record frees it.
            try await t.store.write { w in
                var voided = crossing
                voided.isVoid = true
                voided.revision = 2
                try w.updateCurrentState(voided)
            }
            #expect(try await Self.count(store, "record_year_crossings", where: "record_id = \(crossing.id)") == 0)
            try await t.rawExecute(Self.insertSQL(other, volunteerId: seed.volunteer.id,
                                                  from: "2026-01-01 00:00+00", to: "2026-01-01 00:45+00"))
        }
    }

    /// A correction that moves a record into another year moves its row to that partition (a DELETE and an
    /// INSERT inside the UPDATE, which the append-only triggers allow), and is checked there.
    @Test func correctionsMayMoveARecordIntoAnotherYear() async throws {
        try await withStore(.postgres) { t in
            let store = try Self.postgres(t)
            try await t.rawExecute("SELECT vledger_create_year_partitions(2025, 2025)")
            let seed = try await t.store.write { w in try Seed.make(w) }
            let (early, blocker) = try await t.store.write { w in
                (try seed.record(w, from: Self.utc(2025, 12, 30, 9), to: Self.utc(2025, 12, 30, 11)),
                 try seed.record(w, from: Self.utc(2026, 1, 2, 9), to: Self.utc(2026, 1, 2, 10)))
            }
            let moved = with(early) {
                $0.startAt = Self.utc(2026, 1, 3, 9)
                $0.endAt = Self.utc(2026, 1, 3, 11)
                $0.revision = 2
            }
            try await t.store.write { w in try w.updateCurrentState(moved) }
            #expect(try await Self.count(store, "service_records_2025") == 0)
            #expect(try await Self.count(store, "service_records_2026", where: "id = \(early.id) AND revision = 2") == 1)
            #expect(try await t.store.read { try $0.record(id: early.id)?.startAt } == moved.startAt)
            // Moved back across the year onto the blocker: refused by the new year's exclusion constraint.
            let clash = with(moved) {
                $0.startAt = Self.utc(2025, 12, 31, 23)
                $0.endAt = Self.utc(2026, 1, 2, 9, 30)
                $0.revision = 3
            }
            await #expect(throws: (any Error).self, "overlaps record \(blocker.id) of the next year") {
                try await t.store.write { w in try w.updateCurrentState(clash) }
            }
            #expect(try await t.store.read { try $0.record(id: early.id)?.revision } == 2)
        }
    }

    @Test func partitionsKeepTheHistoryAppendOnly() async throws {
        try await withStore(.postgres) { t in
            let seed = try await t.store.write { w in try Seed.make(w) }
            let record = try await t.store.write { w in try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11)) }
            for sql in ["DELETE FROM service_records_2026 WHERE id = \(record.id)", "TRUNCATE service_records_2026",
                        "DELETE FROM service_records WHERE id = \(record.id)", "TRUNCATE service_records",
                        "DELETE FROM record_revisions_2026 WHERE record_id = \(record.id)", "TRUNCATE record_revisions_2026",
                        "UPDATE record_revisions_2026 SET minutes = 1 WHERE record_id = \(record.id)",
                        "DELETE FROM service_records_default", "TRUNCATE record_revisions_default"] {
                await #expect(throws: (any Error).self, "\(sql)") { try await t.rawExecute(sql) }
            }
            // The foreign keys to service_records (id), kept by triggers.
            let missing = record.id + 1000
            for sql in [
                """
                    INSERT INTO record_revisions (record_id, revision, organization_id, kind, start_at, end_at, minutes, note, reason,
                                                  at, chain_sequence, digest)
                    VALUES (\(missing), 1, \(seed.organization.id), 'created', now(), now(), 1, '', '', now(), 99, 'x')
                    """,
                """
                    INSERT INTO check_ins (activity_id, organization_id, volunteer_id, checked_in_at, state, closed_at, record_id)
                    VALUES (\(seed.activity.id), \(seed.organization.id), \(seed.volunteer.id), now(), 'checked_out', now(), \(missing))
                    """,
            ] {
                await #expect(throws: (any Error).self, "\(sql)") { try await t.rawExecute(sql) }
            }
            let store = try Self.postgres(t)
            #expect(try await Self.count(store, "service_records") == 1)
            #expect(try await Self.count(store, "record_revisions") == 1)
        }
    }

    /// A database migrated before the partitions existed keeps its rows, ids and audit chains.
    @Test func migrationPartitionsAnExistingLedger() async throws {
        let (url, drop) = try await TestPostgres.freshDatabase()
        defer { Task { await drop() } }
        let store = try await PostgresLedgerStore(url: url, logger: TestPostgres.logger)
        do {
            try await store.migrate(through: PostgresSchema.partitionsVersion - 1)
            // The activity row as that schema had it: today's code writes columns of later migrations.
            var seeded = try await store.write { w -> Seed in
                let organization = try w.insert(Make.organization(1))
                let volunteer = try w.insert(Make.volunteer(1))
                try w.insert(Membership(volunteerId: volunteer.id, organizationId: organization.id, joinedAt: Make.june(2, 11)))
                return Seed(organization: organization, volunteer: volunteer, activity: Make.activity(organizationId: organization.id, day: 10))
            }
            let a = seeded.activity
            try await store.unsafeExecute("""
                INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at)
                VALUES (1, \(a.organizationId), '\(a.title)', '\(a.content)', '\(a.category.rawValue)', '\(a.place)',
                        to_timestamp(\(Int(a.startAt.timeIntervalSince1970))), to_timestamp(\(Int(a.endAt.timeIntervalSince1970))),
                        '\(a.leader)', to_timestamp(\(Int(a.createdAt.timeIntervalSince1970))))
                """)
            seeded.activity.id = 1
            let seed = seeded
            let old = try await store.write { w in
                (try seed.record(w, from: Self.utc(2024, 12, 31, 20), to: Self.utc(2025, 1, 1, 2)),
                 try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11)))
            }
            try await store.migrate()
            #expect(try await Self.count(store, "service_records_2024", where: "id = \(old.0.id)") == 1)
            #expect(try await Self.count(store, "service_records_2026", where: "id = \(old.1.id)") == 1)
            #expect(try await Self.count(store, "record_year_crossings", where: "record_id = \(old.0.id)") == 1)
            #expect(try await Self.count(store, "record_revisions") == 2)
            #expect(try await Self.count(store, "service_records_2025") == 0, "the years between get partitions")
            // Ids continue after the copied ones.
            let next = try await store.write { w in try seed.record(w, from: Make.june(11, 9), to: Make.june(11, 10)) }
            #expect(next.id > old.1.id)
            let report = try await Ledger(store: store).verifyAuditChains(by: .localOperator)
            #expect(report.isIntact)
            #expect(report.revisions == 3)
            // The overlap across New Year holds for the copied record too.
            await #expect(throws: (any Error).self) {
                try await store.unsafeExecute(Self.insertSQL(seed, from: "2025-01-01 01:00+00", to: "2025-01-01 03:00+00"))
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
