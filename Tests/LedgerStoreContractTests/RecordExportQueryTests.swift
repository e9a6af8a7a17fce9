import Foundation
import LedgerCore
import Testing

/// What an export asks the store: pages of records with their volunteer's and activity's names, and volunteers'
/// all-time totals in one statement.
@Suite("Record export queries")
struct RecordExportQueryTests {
    @Test(arguments: Backend.all)
    func exportRowsAreTheFilteredRecordsByIdWithNamesJoinedAndPaged(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, other, records) = try await t.store.write { w in
                let seed = try Seed.make(w, 1)
                let other = try Seed.make(w, 2)
                let records = [
                    try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 10)),
                    try other.record(w, from: Make.june(10, 9), to: Make.june(10, 11)),
                    try seed.record(w, from: Make.june(10, 12), to: Make.june(10, 13), isVoid: true),
                    try seed.record(w, from: Make.june(10, 14), to: Make.june(10, 16), isLate: true),
                ]
                return (seed, other, records)
            }
            let organization = RecordFilter(organizationId: seed.organization.id)
            let (current, all, first, rest, everyone) = try await t.store.read { r in
                (try r.exportRows(organization, after: nil, limit: 10),
                 try r.exportRows(with(organization) { $0.includeVoid = true }, after: nil, limit: 10),
                 try r.exportRows(organization, after: nil, limit: 1),
                 try r.exportRows(organization, after: records[0].id, limit: 10),
                 try r.exportRows(RecordFilter(includeVoid: true), after: nil, limit: 10))
            }
            #expect(current.map(\.record) == [records[0], records[3]])
            #expect(all.map(\.record.id) == [records[0].id, records[2].id, records[3].id])
            #expect(first.map(\.record.id) == [records[0].id])
            #expect(rest.map(\.record.id) == [records[3].id])
            #expect(everyone.map(\.record.id) == records.map(\.id))
            let row = try #require(current.first)
            #expect(row.volunteerNumber == seed.volunteer.number && row.volunteerName == seed.volunteer.name)
            #expect(row.documentNumber == seed.volunteer.documentNumber)
            #expect(row.activityTitle == seed.activity.title && row.activityCategory == seed.activity.category)
            #expect(everyone[1].volunteerName == other.volunteer.name && everyone[1].activityTitle == other.activity.title)
        }
    }

    @Test(arguments: Backend.all)
    func totalsOfVolunteersCountTheirCurrentRecordsOfEveryOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, other, stranger) = try await t.store.write { w in
                let seed = try Seed.make(w, 1)
                let other = try Seed.make(w, 2)
                try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 10))
                try seed.record(w, from: Make.june(10, 12), to: Make.june(10, 13), isVoid: true)
                try Seed.record(w, volunteerId: seed.volunteer.id, activity: other.activity, from: Make.june(10, 14), to: Make.june(10, 16))
                try other.record(w, from: Make.june(10, 9), to: Make.june(10, 11), minutes: 90)
                let stranger = try w.insert(Make.volunteer(3))
                return (seed, other, stranger)
            }
            let totals = try await t.store.read { r in
                try r.totals(volunteerIds: [seed.volunteer.id, other.volunteer.id, stranger.id])
            }
            #expect(totals == [seed.volunteer.id: MinuteTotal(minutes: 180, records: 2), other.volunteer.id: MinuteTotal(minutes: 90, records: 1)])
            #expect(try await t.store.read { try $0.totals(volunteerIds: []) }.isEmpty)
        }
    }
}
