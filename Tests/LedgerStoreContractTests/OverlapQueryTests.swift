import Foundation
import LedgerCore
import Testing

@Suite("Overlap and daily-minute queries")
struct OverlapQueryTests {
    /// The seeded volunteer has 09:00-11:00 on June 10 and a void 13:00-15:00; another volunteer has 11:00-12:00.
    private struct Fixture: Sendable {
        var seed: Seed
        var record: ServiceRecord
        var voided: ServiceRecord
        var otherVolunteer: Volunteer

        static func make(_ w: any LedgerWriter) throws -> Fixture {
            let seed = try Seed.make(w)
            let record = try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
            let voided = try seed.record(w, from: Make.june(10, 13), to: Make.june(10, 15), isVoid: true)
            let other = try w.insert(Make.volunteer(2))
            try Seed.record(w, volunteerId: other.id, activity: seed.activity, from: Make.june(10, 11), to: Make.june(10, 12))
            return Fixture(seed: seed, record: record, voided: voided, otherVolunteer: other)
        }
    }

    static let cases: [(String, Date, Date, Bool)] = [
        ("touching before", Make.june(10, 8), Make.june(10, 9), false),
        ("touching after", Make.june(10, 11), Make.june(10, 12), false),
        ("one second into the start", Make.june(10, 8), Make.june(10, 9, 0).addingTimeInterval(1), true),
        ("one second before the end", Make.june(10, 11).addingTimeInterval(-1), Make.june(10, 12), true),
        ("inside", Make.june(10, 9, 30), Make.june(10, 10), true),
        ("around", Make.june(10, 8), Make.june(10, 12), true),
        ("the same interval", Make.june(10, 9), Make.june(10, 11), true),
        ("over the void record only", Make.june(10, 13), Make.june(10, 15), false),
        ("another day", Make.june(11, 9), Make.june(11, 11), false),
    ]

    @Test(arguments: Backend.all)
    func overlapFollowsHalfOpenIntervals(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Fixture.make($0) }
            for (name, start, end, overlaps) in Self.cases {
                let found = try await t.store.read {
                    try $0.overlappingRecord(volunteerId: f.seed.volunteer.id, start: start, end: end, excluding: nil)
                }
                #expect((found != nil) == overlaps, "\(name)")
                if overlaps { #expect(found == f.record, "\(name)") }
            }
        }
    }

    @Test(arguments: Backend.all)
    func overlapIgnoresTheExcludedRecordAndOtherVolunteers(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Fixture.make($0) }
            let (excluded, otherExcluded, ofOther, earliest) = try await t.store.read { r -> (ServiceRecord?, ServiceRecord?, ServiceRecord?, ServiceRecord?) in
                (try r.overlappingRecord(volunteerId: f.seed.volunteer.id, start: Make.june(10, 8), end: Make.june(10, 12), excluding: f.record.id),
                 try r.overlappingRecord(volunteerId: f.seed.volunteer.id, start: Make.june(10, 8), end: Make.june(10, 12), excluding: f.voided.id),
                 try r.overlappingRecord(volunteerId: f.otherVolunteer.id, start: Make.june(10, 9), end: Make.june(10, 11), excluding: nil),
                 try r.overlappingRecord(volunteerId: f.otherVolunteer.id, start: Make.june(10, 8), end: Make.june(10, 18), excluding: nil))
            }
            #expect(excluded == nil)
            #expect(otherExcluded == f.record)
            #expect(ofOther == nil)
            #expect(earliest?.startAt == Make.june(10, 11))
        }
    }

    @Test(arguments: Backend.all)
    func minutesStartingCountsCurrentRecordsStartingInTheHalfOpenRange(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { w -> Fixture in
                let f = try Fixture.make(w)
                // 23:00 on the 10th to 01:00 on the 11th counts for the 10th, where it starts.
                try f.seed.record(w, from: Make.june(10, 23), to: Make.june(11, 1), minutes: 100)
                try f.seed.record(w, from: Make.june(11, 8), to: Make.june(11, 9))
                return f
            }
            let volunteer = f.seed.volunteer.id
            let (day10, day11, excluding, fromNine, empty) = try await t.store.read { r in
                (try r.minutesStarting(volunteerId: volunteer, from: Make.june(10, 0), to: Make.june(11, 0), excluding: nil),
                 try r.minutesStarting(volunteerId: volunteer, from: Make.june(11, 0), to: Make.june(12, 0), excluding: nil),
                 try r.minutesStarting(volunteerId: volunteer, from: Make.june(10, 0), to: Make.june(11, 0), excluding: f.record.id),
                 try r.minutesStarting(volunteerId: volunteer, from: Make.june(10, 9, 0).addingTimeInterval(1), to: Make.june(11, 0), excluding: nil),
                 try r.minutesStarting(volunteerId: volunteer, from: Make.june(12, 0), to: Make.june(13, 0), excluding: nil))
            }
            #expect(day10 == 220)
            #expect(day11 == 60)
            #expect(excluding == 100)
            #expect(fromNine == 100)
            #expect(empty == 0)
        }
    }

    /// The combined query answers exactly what the two separate queries answer.
    @Test(arguments: Backend.all)
    func existingServiceAgreesWithTheSeparateQueries(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { w -> Fixture in
                let f = try Fixture.make(w)
                try f.seed.record(w, from: Make.june(10, 23), to: Make.june(11, 1), minutes: 100)
                return f
            }
            let volunteers = [f.seed.volunteer.id, f.otherVolunteer.id]
            for (name, start, end, _) in Self.cases {
                for volunteer in volunteers {
                    for excluded in [nil, f.record.id] {
                        let (combined, overlapping, minutes) = try await t.store.read { r in
                            (try r.existingService(volunteerId: volunteer, start: start, end: end, dayStart: Make.june(10, 0),
                                                   dayEnd: Make.june(11, 0), excluding: excluded),
                             try r.overlappingRecord(volunteerId: volunteer, start: start, end: end, excluding: excluded),
                             try r.minutesStarting(volunteerId: volunteer, from: Make.june(10, 0), to: Make.june(11, 0), excluding: excluded))
                        }
                        #expect(combined == ExistingService(overlapping: overlapping, minutesOnDay: minutes), "\(name), volunteer \(volunteer)")
                    }
                }
            }
            let busy = try await t.store.read {
                try $0.existingService(volunteerId: f.seed.volunteer.id, start: Make.june(10, 10), end: Make.june(10, 12),
                                       dayStart: Make.june(10, 0), dayEnd: Make.june(11, 0), excluding: nil)
            }
            #expect(busy == ExistingService(overlapping: f.record, minutesOnDay: 220))
        }
    }
}
