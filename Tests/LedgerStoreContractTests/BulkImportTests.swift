import Foundation
import LedgerCore
import Testing

/// The set-wise requests of a bulk import, and an import of several batches, on every backend.
@Suite("Bulk import")
struct BulkImportTests {
    @Test(arguments: Backend.all)
    func existingServicesAnswerEachSpanAsTheOneSpanQueryDoes(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let seed = try await t.store.write { w -> Seed in
                let seed = try Seed.make(w)
                try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
                try seed.record(w, from: Make.june(10, 13), to: Make.june(10, 15), isVoid: true)
                try seed.record(w, from: Make.june(10, 23), to: Make.june(11, 1), minutes: 100)
                return seed
            }
            let other = try await t.store.write { try $0.insert(Make.volunteer(2)) }
            let day10 = (Make.june(10, 0), Make.june(11, 0)), day11 = (Make.june(11, 0), Make.june(12, 0))
            let spans = [
                ServiceSpan(volunteerId: seed.volunteer.id, start: Make.june(10, 8), end: Make.june(10, 9), dayStart: day10.0, dayEnd: day10.1),
                ServiceSpan(volunteerId: seed.volunteer.id, start: Make.june(10, 10), end: Make.june(10, 12), dayStart: day10.0, dayEnd: day10.1),
                ServiceSpan(volunteerId: seed.volunteer.id, start: Make.june(10, 13), end: Make.june(10, 15), dayStart: day10.0, dayEnd: day10.1),
                ServiceSpan(volunteerId: seed.volunteer.id, start: Make.june(11, 0), end: Make.june(11, 2), dayStart: day11.0, dayEnd: day11.1),
                ServiceSpan(volunteerId: seed.volunteer.id, start: Make.june(11, 8), end: Make.june(11, 9), dayStart: day11.0, dayEnd: day11.1),
                ServiceSpan(volunteerId: other.id, start: Make.june(10, 9), end: Make.june(10, 11), dayStart: day10.0, dayEnd: day10.1),
            ]
            let (batch, oneByOne) = try await t.store.read { r in
                (try r.existingServices(spans), try spans.map {
                    try r.existingService(volunteerId: $0.volunteerId, start: $0.start, end: $0.end, dayStart: $0.dayStart,
                                          dayEnd: $0.dayEnd, excluding: nil)
                })
            }
            #expect(batch == oneByOne)
            #expect(batch.map(\.minutesOnDay) == [220, 220, 220, 0, 0, 0])
            #expect(batch.map { $0.overlapping?.startAt } == [nil, Make.june(10, 9), nil, Make.june(10, 23), nil, nil])
            #expect(try await t.store.read { try $0.existingServices([]) }.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func aBatchOfRecordsIsStoredUnderReservedIdsWithItsRevisions(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let seed = try await t.store.write { w -> Seed in
                let seed = try Seed.make(w)
                try seed.record(w, from: Make.june(9, 9), to: Make.june(9, 10))
                return seed
            }
            let note = "路口\t值守 \\ 第2班\n晚班"
            let stored = try await t.store.write { w -> [ServiceRecord] in
                let ids = try w.newRecordIds(count: 3)
                #expect(ids == ids.sorted() && Set(ids).count == 3)
                var head = try w.lockChain(organizationId: seed.organization.id)
                var records: [ServiceRecord] = [], revisions: [RecordRevision] = []
                for (index, id) in ids.enumerated() {
                    var record = Make.record(volunteerId: seed.volunteer.id, activity: seed.activity,
                                             from: Make.june(10, 9 + index), to: Make.june(10, 10 + index), note: note)
                    record.id = id
                    record.source = .import
                    record.isLate = index == 1
                    var revision = RecordRevision(recordId: id, revision: 1, kind: .created, startAt: record.startAt,
                                                  endAt: record.endAt, minutes: record.minutes, note: note, reason: "",
                                                  actorId: nil, at: record.recordedAt, chainSequence: 0, digest: "")
                    head = AuditChain.link(&revision, after: head, organizationId: seed.organization.id,
                                           volunteerId: seed.volunteer.id, activityId: seed.activity.id)
                    records.append(record)
                    revisions.append(revision)
                }
                try w.insert(records, revisions: revisions)
                try w.advanceChain(organizationId: seed.organization.id, to: head)
                return records
            }
            let (read, revisions, later) = try await t.store.write { w in
                (try w.records(RecordFilter(organizationId: seed.organization.id), after: nil, limit: 10),
                 try w.revisions(recordId: stored[2].id),
                 try seed.record(w, from: Make.june(11, 9), to: Make.june(11, 10)))
            }
            #expect(Array(read.dropFirst()) == stored)
            #expect(revisions.map(\.note) == [note])
            #expect(later.id > stored[2].id)
            #expect(try await t.ledger().verifyAuditChains(by: .localOperator).isIntact)
        }
    }

    /// 1,210 rows in batches of 500: rows that overlap a record of the ledger, a row of an earlier
    /// batch and a row of their own batch, and a day over 24 hours, are all named, in line order, and
    /// nothing is stored; without them the file imports whole.
    @Test(arguments: Backend.all)
    func anImportOfSeveralBatchesChecksEveryRowAgainstTheLedgerAndTheFile(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let volunteerCount = 60
            let (activity, volunteers) = try await t.store.write { w -> (Activity, [Volunteer]) in
                let organization = try w.insert(Make.organization(1))
                let activity = try w.insert(Make.activity(organizationId: organization.id, day: 1, lastDay: 14))
                let volunteers = try (0..<volunteerCount).map { n -> Volunteer in
                    let volunteer = try w.insert(with(Make.volunteer(n)) {
                        $0.documentType = .other
                        $0.documentNumber = String(format: "BULK%06d", n)
                    })
                    try w.insert(Membership(volunteerId: volunteer.id, organizationId: organization.id, joinedAt: Make.june(1, 0)))
                    return volunteer
                }
                try Seed.record(w, volunteerId: volunteers[0].id, activity: activity, from: Make.june(12, 9), to: Make.june(12, 10))
                return (activity, volunteers)
            }
            let organizationId = activity.organizationId
            func row(_ volunteer: Volunteer, _ start: Date, _ end: Date, note: String = "") -> [String] {
                [volunteer.name, volunteer.number, activity.title, LocalDateTime(start, in: .ledgerDefault).description,
                 LocalDateTime(end, in: .ledgerDefault).description, "", note]
            }
            // Twenty one-hour slots a volunteer: June 1 to 10, 08:00 and 09:00.
            var rows = (0..<(volunteerCount * 20)).map { i -> [String] in
                let slot = i / volunteerCount
                let start = Make.june(1 + slot / 2, 8 + slot % 2)
                return row(volunteers[i % volunteerCount], start, start.addingTimeInterval(3600))
            }
            // Tab, backslash and a line break (last, so that no later line number moves) in a note.
            rows[rows.count - 1][6] = "路口\t值守 \\ 第2班\n晚班"
            let overLedger = row(volunteers[0], Make.june(12, 9, 30), Make.june(12, 10, 30))
            let overEarlierBatch = rows[100]
            let overOwnBatch = rows[690]
            let day = [row(volunteers[1], Make.june(13, 0), Make.june(13, 23)),
                       row(volunteers[1], Make.june(13, 23), Make.june(13, 23, 30)),
                       row(volunteers[1], Make.june(13, 23, 30), Make.june(14, 1))]
            rows.insert(overLedger, at: 20)
            rows.insert(overEarlierBatch, at: 700)
            rows.insert(overOwnBatch, at: 701)
            rows.insert(contentsOf: day, at: 1_000)
            let header = ["姓名", "志愿者编号", "活动", "开始时间", "结束时间", "服务时长(小时)", "备注"]
            func csv(_ rows: [[String]]) -> [UInt8] {
                var writer = CSVWriter()
                writer.writeRow(header)
                for row in rows { writer.writeRow(row) }
                return writer.bytes
            }
            let ledger = t.ledger()
            func importing(_ rows: [[String]]) async throws -> ImportReport {
                let bytes = csv(rows)
                return try await ledger.importRecords(openFile: { try CSVReader(bytes: bytes) },
                                                      options: ImportOptions(organizationId: organizationId, batchRows: 500),
                                                      by: .localOperator)
            }
            let refused = try await importing(rows)
            // Line numbers count the header as line 1.
            #expect(refused.errors.map(\.line) == [22, 702, 703, 1_004])
            #expect(refused.errors.map(\.code) == ["overlapping-record", "overlapping-record", "overlapping-record", "daily-limit-exceeded"])
            #expect(refused.errors.map(\.column) == ["开始时间", "开始时间", "开始时间", "服务时长(小时)"])
            #expect(refused.errorCount == 4 && refused.imported == 0 && !refused.committed)
            #expect(try await t.store.read { try $0.total(RecordFilter(organizationId: organizationId)) }.records == 1)

            rows.remove(at: 1_002)
            rows.remove(at: 701)
            rows.remove(at: 700)
            rows.remove(at: 20)
            let report = try await importing(rows)
            #expect(report.committed && report.errors.isEmpty)
            #expect(report.imported == volunteerCount * 20 + 2)
            #expect(report.minutesImported == volunteerCount * 20 * 60 + 1380 + 30)
            let (total, head, noted) = try await t.store.read { r in
                (try r.total(RecordFilter(organizationId: organizationId)), try r.chainHead(organizationId: organizationId),
                 try r.records(RecordFilter(volunteerId: volunteers[volunteerCount - 1].id), after: nil, limit: 100).last)
            }
            #expect(total.records == volunteerCount * 20 + 3)
            #expect(head.sequence == Int64(volunteerCount * 20 + 3))
            #expect(noted?.note == "路口\t值守 \\ 第2班\n晚班")
            #expect(noted?.startAt == Make.june(10, 9))
            #expect(noted?.endAt == Make.june(10, 10))
            #expect(noted?.source == .import)
            #expect(try await ledger.verifyAuditChains(by: .localOperator).isIntact)
        }
    }
}

@Suite("Lookups that save a round trip")
struct CombinedLookupTests {
    @Test(arguments: Backend.all)
    func aVolunteerByNumberComesWithTheirMembershipOfOneOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, other, outsider) = try await t.store.write { w -> (Seed, Organization, Volunteer) in
                (try Seed.make(w), try w.insert(Make.organization(2)), try w.insert(Make.volunteer(3)))
            }
            let (member, notMember, stranger, nobody) = try await t.store.read { r in
                (try r.volunteer(number: seed.volunteer.number, memberOf: seed.organization.id),
                 try r.volunteer(number: seed.volunteer.number, memberOf: other.id),
                 try r.volunteer(number: outsider.number, memberOf: seed.organization.id),
                 try r.volunteer(number: "V00000000000", memberOf: seed.organization.id))
            }
            #expect(member?.volunteer == seed.volunteer && member?.isMember == true)
            #expect(notMember?.volunteer == seed.volunteer && notMember?.isMember == false)
            #expect(stranger?.volunteer == outsider && stranger?.isMember == false)
            #expect(nobody == nil)
        }
    }

    @Test(arguments: Backend.all)
    func aSessionComesWithItsAccount(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (user, session) = try await t.store.write { w -> (UserAccount, AccessSession) in
                let user = try w.insert(Make.user(1))
                let session = Make.session(1, userId: user.id)
                try w.insert(session)
                return (user, session)
            }
            let (found, missing) = try await t.store.read { r in
                (try r.sessionAccount(tokenHash: session.tokenHash), try r.sessionAccount(tokenHash: String(repeating: "f", count: 64)))
            }
            #expect(found?.session == session && found?.account == user)
            #expect(missing == nil)
        }
    }
}
