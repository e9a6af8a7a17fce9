import Foundation
import LedgerCore
import Testing

@Suite("Minute totals")
struct RecordTotalsTests {
    /// Two organizations; volunteers 1 and 2 in A, 3 in B. Minutes: v1 60 + 90 (+ 600 void), v2 30, v3 120.
    private struct Fixture: Sendable {
        var a: Seed
        var b: Seed
        var second: Volunteer
        var secondActivity: Activity

        static func make(_ w: any LedgerWriter) throws -> Fixture {
            let a = try Seed.make(w, 1)
            let b = try Seed.make(w, 3)
            let second = try w.insert(Make.volunteer(2))
            try w.insert(Membership(volunteerId: second.id, organizationId: a.organization.id, joinedAt: Make.june(2, 9)))
            let secondActivity = try w.insert(Make.activity(organizationId: a.organization.id, day: 11, title: "第二个活动"))
            try a.record(w, from: Make.june(10, 8), to: Make.june(10, 9))
            try Seed.record(w, volunteerId: a.volunteer.id, activity: secondActivity, from: Make.june(11, 8), to: Make.june(11, 10), minutes: 90)
            try a.record(w, from: Make.june(10, 9), to: Make.june(10, 18), minutes: 540, isVoid: true)
            try Seed.record(w, volunteerId: second.id, activity: a.activity, from: Make.june(10, 8), to: Make.june(10, 8, 30))
            try b.record(w, from: Make.june(10, 8), to: Make.june(10, 10))
            return Fixture(a: a, b: b, second: second, secondActivity: secondActivity)
        }
    }

    @Test(arguments: Backend.all)
    func volunteersWithRecordsAreCountedOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Fixture.make($0) }
            let counts = try await t.store.read { r in
                [try r.volunteerCount(RecordFilter()), try r.volunteerCount(RecordFilter(organizationId: f.a.organization.id)),
                 try r.volunteerCount(RecordFilter(organizationId: f.a.organization.id, activityId: f.secondActivity.id)),
                 try r.volunteerCount(RecordFilter(organizationId: 999_999))]
            }
            // v1 twice and a void record, v2 once in A; v3 in B.
            #expect(counts == [3, 2, 1, 0])
        }
    }

    @Test(arguments: Backend.all)
    func totalsCountOnlyCurrentRecords(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Fixture.make($0) }
            let (all, withVoidAsked, ofA, ofV1, late, none) = try await t.store.read { r in
                (try r.total(RecordFilter()), try r.total(RecordFilter(includeVoid: true)),
                 try r.total(RecordFilter(organizationId: f.a.organization.id)), try r.total(RecordFilter(volunteerId: f.a.volunteer.id)),
                 try r.total(RecordFilter(onlyLate: true)), try r.total(RecordFilter(organizationId: 999_999)))
            }
            #expect(all == MinuteTotal(minutes: 300, records: 4))
            #expect(withVoidAsked == all)
            #expect(ofA == MinuteTotal(minutes: 180, records: 3))
            #expect(ofV1 == MinuteTotal(minutes: 150, records: 2))
            #expect(late == MinuteTotal(minutes: 0, records: 0))
            #expect(none == MinuteTotal(minutes: 0, records: 0))
        }
    }

    @Test(arguments: Backend.all)
    func totalsAreGroupedByOrganizationVolunteerAndActivity(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Fixture.make($0) }
            let (byOrganization, byVolunteer, byActivity, byActivityInJune11) = try await t.store.read { r in
                (try r.totalsByOrganization(RecordFilter(includeVoid: true)),
                 try r.totalsByVolunteer(RecordFilter(), after: nil, limit: 10),
                 try r.totalsByActivity(RecordFilter(organizationId: f.a.organization.id)),
                 try r.totalsByActivity(RecordFilter(startsFrom: Make.june(11, 0))))
            }
            #expect(byOrganization == [
                KeyedMinuteTotal(key: f.a.organization.id, total: MinuteTotal(minutes: 180, records: 3)),
                KeyedMinuteTotal(key: f.b.organization.id, total: MinuteTotal(minutes: 120, records: 1)),
            ])
            #expect(byVolunteer == [
                KeyedMinuteTotal(key: f.a.volunteer.id, total: MinuteTotal(minutes: 150, records: 2)),
                KeyedMinuteTotal(key: f.second.id, total: MinuteTotal(minutes: 30, records: 1)),
                KeyedMinuteTotal(key: f.b.volunteer.id, total: MinuteTotal(minutes: 120, records: 1)),
            ].sorted { $0.key < $1.key })
            #expect(byActivity == [
                KeyedMinuteTotal(key: f.a.activity.id, total: MinuteTotal(minutes: 90, records: 2)),
                KeyedMinuteTotal(key: f.secondActivity.id, total: MinuteTotal(minutes: 90, records: 1)),
            ].sorted { $0.key < $1.key })
            #expect(byActivityInJune11 == [KeyedMinuteTotal(key: f.secondActivity.id, total: MinuteTotal(minutes: 90, records: 1))])
        }
    }

    @Test(arguments: Backend.all)
    func totalsByVolunteerArePagedByVolunteerId(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            _ = try await t.store.write { try Fixture.make($0) }
            let (first, second, third) = try await t.store.read { r -> ([KeyedMinuteTotal], [KeyedMinuteTotal], [KeyedMinuteTotal]) in
                let first = try r.totalsByVolunteer(RecordFilter(), after: nil, limit: 2)
                let second = try r.totalsByVolunteer(RecordFilter(), after: first.last?.key, limit: 2)
                let third = try r.totalsByVolunteer(RecordFilter(), after: second.last?.key, limit: 2)
                return (first, second, third)
            }
            #expect(first.count == 2)
            #expect(second.count == 1)
            #expect(third.isEmpty)
            #expect((first + second).map(\.key) == (first + second).map(\.key).sorted())
            #expect((first + second).reduce(0) { $0 + $1.total.minutes } == 300)
        }
    }
}
