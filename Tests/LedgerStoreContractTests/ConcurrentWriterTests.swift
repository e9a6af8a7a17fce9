import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Testing

/// Writers racing on one database: through one store, and through two stores on the same database as
/// two processes would be. Locks and constraints of the database, not of the process, keep the rules.
@Suite("Concurrent writers")
struct ConcurrentWriterTests {
    /// A second, independent store on the same database (another process, in effect).
    private static func secondStore(_ t: TestStore) async throws -> any LedgerStore {
        switch t.backend {
        case .sqlite: return try SQLiteLedgerStore(path: String(t.url.dropFirst("sqlite:".count)))
        case .postgres: return try await PostgresLedgerStore(url: t.url, logger: TestPostgres.logger)
        }
    }

    /// Every pair of current records of one volunteer that share a moment.
    static func overlaps(in records: [ServiceRecord]) -> [(ServiceRecord, ServiceRecord)] {
        var found: [(ServiceRecord, ServiceRecord)] = []
        let byVolunteer = Dictionary(grouping: records.filter { !$0.isVoid }, by: \.volunteerId)
        for list in byVolunteer.values {
            let sorted = list.sorted { $0.startAt < $1.startAt }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.startAt < earlier.endAt {
                found.append((earlier, later))
            }
        }
        return found
    }

    @Test(arguments: Backend.all)
    func racingRecordsOfTheSameVolunteersNeverOverlap(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let other = try await Self.secondStore(t)
            let ledgers = [t.ledger(), Ledger(store: other, clock: { Make.now })]
            let op = Principal.localOperator
            let organization = try await ledgers[0].createOrganization(Make.organizationInput(1), by: op)
            let activity = try await ledgers[0].createActivity(Make.activityInput(day: 10, lastDay: 11), organizationId: organization.id, by: op)
            var numbers: [String] = []
            for n in 1...3 {
                numbers.append(try await ledgers[0].registerVolunteer(Make.registration(n), organizationId: organization.id, by: op).volunteer.number)
            }
            // Hour-long slots every 20 minutes, each sent twice, once to each store: a slot overlaps the
            // two before and after it.
            let attempts = numbers.flatMap { number in
                (0..<12).map { slot in
                    RecordInput(volunteerNumber: number, activityId: activity.id, start: Make.june(10, 9).addingTimeInterval(Double(slot) * 1200),
                                end: Make.june(10, 10).addingTimeInterval(Double(slot) * 1200))
                }
            }
            let outcomes = await withTaskGroup(of: Result<ServiceRecord, any Error>.self) { group in
                for (index, input) in (attempts + attempts).enumerated() {
                    let ledger = ledgers[index % 2]
                    group.addTask { await Result { try await ledger.recordService(input, by: op) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = outcomes.compactMap { try? $0.get() }
            let refusals = outcomes.compactMap { result -> (any Error)? in
                if case .failure(let error) = result { return error }
                return nil
            }
            let stored = try await t.store.read { try $0.records(RecordFilter(includeVoid: true), after: nil, limit: 1000) }
            #expect(Self.overlaps(in: stored).isEmpty)
            #expect(Set(accepted.map(\.id)).count == accepted.count)
            #expect(Set(stored.map(\.id)) == Set(accepted.map(\.id)))
            // Each volunteer ends up with 3 or 4 of the 12 slots, whatever the order of the race.
            #expect((3 * 3...3 * 4).contains(accepted.count))
            for error in refusals {
                guard let ledgerError = error as? LedgerError, case .overlapsRecord = ledgerError else {
                    Issue.record("a racing write failed with something other than an overlap: \(error)")
                    continue
                }
            }
            let audit = try await ledgers[1].verifyAuditChains(by: op)
            #expect(audit.isIntact)
            #expect(audit.revisions == accepted.count)
            try await other.close()
        }
    }

    /// Check-then-insert under `lockVolunteer`: three writers each add ten hours on the same day if the
    /// day has room, pausing between check and insert. Only two fit in 24 hours.
    @Test(arguments: Backend.all)
    func lockVolunteerSerializesTheDailyLimitCheck(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let other = try await Self.secondStore(t)
            let stores: [any LedgerStore] = [t.store, other, t.store]
            let seed = try await t.store.write { try Seed.make($0, day: 10, lastDay: 11) }
            let results = await withTaskGroup(of: Bool.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        (try? await store.write { w -> Bool in
                            try w.lockVolunteer(id: seed.volunteer.id)
                            let already = try w.minutesStarting(volunteerId: seed.volunteer.id, from: Make.june(10, 0),
                                                                to: Make.june(11, 0), excluding: nil)
                            guard already + 600 <= ServiceTimeRules.dailyLimitMinutes else { return false }
                            usleep(150_000)
                            let start = Make.june(10, 0).addingTimeInterval(Double(index) * 36_000)
                            _ = try w.insert(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity, from: start,
                                                         to: start.addingTimeInterval(36_000)))
                            return true
                        }) ?? false
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 2)
            #expect(try await t.store.read { try $0.total(RecordFilter()) } == MinuteTotal(minutes: 1200, records: 2))
            try await other.close()
        }
    }

    /// Writers that each take the chain head and append the next link: every link is taken once.
    @Test(arguments: Backend.all)
    func lockChainHandsOutEachChainPositionOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let other = try await Self.secondStore(t)
            let seed = try await t.store.write { try Seed.make($0) }
            let writers = 8
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<writers {
                    let store = index % 2 == 0 ? t.store : other
                    group.addTask {
                        _ = try? await store.write { w in
                            try Seed.record(w, volunteerId: seed.volunteer.id, activity: seed.activity,
                                            from: Make.june(10, 8).addingTimeInterval(Double(index) * 3600),
                                            to: Make.june(10, 9).addingTimeInterval(Double(index) * 3600))
                        }
                    }
                }
            }
            let (entries, head) = try await t.store.read { r in
                (try r.chainEntries(organizationId: seed.organization.id, after: 0, limit: 100), try r.chainHead(organizationId: seed.organization.id))
            }
            #expect(entries.map(\.revision.chainSequence) == Array(1...Int64(writers)))
            #expect(head.sequence == Int64(writers))
            #expect(try await t.ledger().verifyAuditChains(by: .localOperator).isIntact)
            try await other.close()
        }
    }

    /// The exclusion constraint of the PostgreSQL schema refuses an overlapping record even when the
    /// ledger's check is skipped, and reports it as the ledger's rule error.
    @Test(.enabled(if: Backend.all.contains(.postgres)))
    func postgresRefusesOverlapsBehindTheLedgersBack() async throws {
        try await withStore(.postgres) { t in
            let (seed, first) = try await t.store.write { w in
                let seed = try Seed.make(w)
                return (seed, try w.insert(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity,
                                                       from: Make.june(10, 9), to: Make.june(10, 11))))
            }
            await expectLedgerError(.overlapsRecord(recordId: first.id, start: "2026-06-10 09:00", end: "2026-06-10 11:00")) {
                _ = try await t.store.write { w in
                    try w.insert(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity,
                                             from: Make.june(10, 10), to: Make.june(10, 12)))
                }
            }
            await #expect(throws: (any Error).self, "raw SQL too") {
                try await t.rawExecute("""
                    INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                                 recorded_at, is_late, is_void, revision)
                    SELECT volunteer_id, activity_id, organization_id, start_at + interval '1 hour', end_at, 30, source, note,
                           recorded_at, false, false, 1
                    FROM service_records WHERE id = \(first.id)
                    """)
            }
            // A void record may share the time.
            _ = try await t.store.write { w in
                try w.insert(Make.record(volunteerId: seed.volunteer.id, activity: seed.activity, from: Make.june(10, 10),
                                         to: Make.june(10, 12), isVoid: true))
            }
            #expect(try await t.store.read { try $0.rowCounts().serviceRecords } == 2)
        }
    }
}

extension Result where Failure == any Error {
    /// A result of an async throwing call.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
