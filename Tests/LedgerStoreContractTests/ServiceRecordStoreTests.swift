import Foundation
import LedgerCore
import Testing

@Suite("Service records in the store")
struct ServiceRecordStoreTests {
    @Test(arguments: Backend.all)
    func insertedRecordReadsBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (original, stored, read) = try await t.store.write { w in
                let seed = try Seed.make(w)
                let user = try w.insert(Make.user(1, organizationId: seed.organization.id))
                var original = Make.record(volunteerId: seed.volunteer.id, activity: seed.activity, from: Make.june(10, 9),
                                           to: Make.june(10, 11, 30), minutes: 135, isLate: true, note: "补录，\"纸质\"签到表")
                original.source = .import
                original.recordedBy = user.id
                let stored = try w.insert(original)
                return (original, stored, try w.record(id: stored.id))
            }
            var expected = original
            expected.id = stored.id
            #expect(stored.id > 0)
            #expect(stored == expected)
            #expect(read == expected)
            #expect(try await t.store.read { try $0.record(id: stored.id + 1) } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func updateCurrentStateReplacesTheCorrectableFields(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (before, after) = try await t.store.write { w in
                let seed = try Seed.make(w)
                var record = try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
                let before = record
                record.startAt = Make.june(10, 13)
                record.endAt = Make.june(10, 14)
                record.minutes = 45
                record.note = "更正"
                record.isVoid = true
                record.revision = 3
                try w.updateCurrentState(record)
                return (before, try w.record(id: record.id))
            }
            #expect(after?.startAt == Make.june(10, 13))
            #expect(after?.endAt == Make.june(10, 14))
            #expect(after?.minutes == 45)
            #expect(after?.note == "更正")
            #expect(after?.isVoid == true)
            #expect(after?.revision == 3)
            // Who recorded it, and when, do not change.
            #expect(after?.recordedAt == before.recordedAt)
            #expect(after?.volunteerId == before.volunteerId)
        }
    }

    /// Records of two organizations, two volunteers and two activities, one void and one late.
    private struct FilterFixture: Sendable {
        var a: Seed
        var b: Seed
        var secondActivity: Activity
        /// a.volunteer on a.activity: 10th 9-10, 10th 13-14 (void), 11th 9-10 (late, second activity); b.volunteer on b.activity: 10th 9-11.
        var ids: [Int64]

        static func make(_ w: any LedgerWriter) throws -> FilterFixture {
            let a = try Seed.make(w, 1, day: 10, lastDay: 11)
            let b = try Seed.make(w, 2, day: 10, lastDay: 11)
            let second = try w.insert(Make.activity(organizationId: a.organization.id, day: 11, title: "第二个活动"))
            let ids = [
                try a.record(w, from: Make.june(10, 9), to: Make.june(10, 10)).id,
                try a.record(w, from: Make.june(10, 13), to: Make.june(10, 14), isVoid: true).id,
                try Seed.record(w, volunteerId: a.volunteer.id, activity: second, from: Make.june(11, 9), to: Make.june(11, 10), isLate: true).id,
                try b.record(w, from: Make.june(10, 9), to: Make.june(10, 11)).id,
            ]
            return FilterFixture(a: a, b: b, secondActivity: second, ids: ids)
        }
    }

    @Test(arguments: Backend.all)
    func recordFiltersSelectTheRightRecords(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try FilterFixture.make($0) }
            func ids(_ filter: RecordFilter) async throws -> [Int64] {
                try await t.store.read { try $0.records(filter, after: nil, limit: 100).map(\.id) }
            }
            #expect(try await ids(RecordFilter()) == [f.ids[0], f.ids[2], f.ids[3]])
            #expect(try await ids(RecordFilter(includeVoid: true)) == f.ids)
            #expect(try await ids(RecordFilter(organizationId: f.a.organization.id)) == [f.ids[0], f.ids[2]])
            #expect(try await ids(RecordFilter(volunteerId: f.b.volunteer.id)) == [f.ids[3]])
            #expect(try await ids(RecordFilter(activityId: f.secondActivity.id)) == [f.ids[2]])
            #expect(try await ids(RecordFilter(onlyLate: true)) == [f.ids[2]])
            // startsFrom is inclusive, startsBefore exclusive.
            #expect(try await ids(RecordFilter(startsFrom: Make.june(10, 9), startsBefore: Make.june(11, 9))) == [f.ids[0], f.ids[3]])
            #expect(try await ids(RecordFilter(startsFrom: Make.june(10, 9, 1))) == [f.ids[2]])
            #expect(try await ids(RecordFilter(organizationId: f.a.organization.id, volunteerId: f.b.volunteer.id)).isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func recordsArePagedByIdAfterFiltering(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ids = try await t.store.write { w in
                let seed = try Seed.make(w)
                return try (0..<5).map { try seed.record(w, from: Make.june(10, 8 + $0 * 2), to: Make.june(10, 9 + $0 * 2), isVoid: $0 == 2).id }
            }
            let pages = try await t.store.read { r in
                [try r.records(RecordFilter(), after: nil, limit: 2), try r.records(RecordFilter(), after: ids[1], limit: 2),
                 try r.records(RecordFilter(), after: ids[4], limit: 2)]
            }
            #expect(pages.map { $0.map(\.id) } == [[ids[0], ids[1]], [ids[3], ids[4]], []])
        }
    }
}
