import Foundation
import LedgerCore
import Testing

/// Each rule a new record must satisfy, with its specific error; a refused record changes nothing.
@Suite struct ServiceRecordRulesTests {
    @Test func aValidRecordIsStoredWithItsFirstRevision() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let activity = try await bed.activity(org)
        let record = try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11), minutes: 100)
        #expect(record.minutes == 100)
        #expect(record.revision == 1)
        #expect(record.source == .manual)
        let history = try await bed.ledger.history(recordId: record.id, by: Testbed.op)
        #expect(history.map(\.kind) == [.created])
        #expect(history[0].digest.count == 64)
    }

    @Test func minutesDefaultToTheWholeSpan() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let record = try await bed.record(try await bed.volunteer(1, in: org), try await bed.activity(org),
                                          from: At.june(10, 9), to: At.june(10, 11, 30))
        #expect(record.minutes == 150)
    }

    @Test func endMustBeAfterStart() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        await expectLedgerError(.endNotAfterStart) {
            try await bed.record(volunteer, activity, from: At.june(10, 11), to: At.june(10, 9))
        }
        await expectLedgerError(.endNotAfterStart) {
            try await bed.record(volunteer, activity, from: At.june(10, 11), to: At.june(10, 11))
        }
        #expect(try await bed.counts().records == 0)
    }

    @Test func minutesMustBePositiveAndWithinTheSpan() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        await expectLedgerError(.minutesNotPositive) {
            try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11), minutes: 0)
        }
        await expectLedgerError(.minutesExceedSpan(minutes: 121, spanMinutes: 120)) {
            try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11), minutes: 121)
        }
        #expect(try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11), minutes: 120).minutes == 120)
    }

    @Test func serviceMustLieInsideTheActivityWindow() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        await expectLedgerError(.outsideActivityWindow(activityStart: "2026-06-10 08:00", activityEnd: "2026-06-10 18:00")) {
            try await bed.record(volunteer, activity, from: At.june(10, 7), to: At.june(10, 9))
        }
        await expectLedgerError(.outsideActivityWindow(activityStart: "2026-06-10 08:00", activityEnd: "2026-06-10 18:00")) {
            try await bed.record(volunteer, activity, from: At.june(10, 17), to: At.june(10, 19))
        }
        #expect(try await bed.counts().records == 0)
    }

    @Test func serviceCannotEndInTheFuture() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let activity = try await bed.activity(org, from: At.june(15, 8), to: At.june(15, 18))
        await expectLedgerError(.inFuture) {
            try await bed.record(volunteer, activity, from: At.june(15, 11), to: At.june(15, 13))
        }
        #expect(try await bed.record(volunteer, activity, from: At.june(15, 10), to: At.june(15, 12)).minutes == 120)
    }

    @Test func overlappingRecordsOfOneVolunteerAreRefusedNamingTheOther() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        let first = try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        await expectLedgerError(.overlapsRecord(recordId: first.id, start: "2026-06-10 09:00", end: "2026-06-10 11:00")) {
            try await bed.record(volunteer, activity, from: At.june(10, 10), to: At.june(10, 12))
        }
        // Touching is not overlapping.
        #expect(try await bed.record(volunteer, activity, from: At.june(10, 11), to: At.june(10, 12)).minutes == 60)
        #expect(try await bed.counts().records == 2)
    }

    @Test func overlapIsCheckedAcrossOrganizations() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let volunteer = try await bed.volunteer(1, in: a)
        _ = try await bed.ledger.registerVolunteer(Make.volunteer(1), organizationId: b.id, by: Testbed.op)
        let first = try await bed.record(volunteer, try await bed.activity(a), from: At.june(10, 9), to: At.june(10, 11))
        let activityB = try await bed.activity(b)
        await expectLedgerError(.overlapsRecord(recordId: first.id, start: "2026-06-10 09:00", end: "2026-06-10 11:00")) {
            try await bed.record(volunteer, activityB, from: At.june(10, 8), to: At.june(10, 9, 30))
        }
    }

    @Test func anotherVolunteersRecordDoesNotOverlap() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let activity = try await bed.activity(org)
        try await bed.record(try await bed.volunteer(1, in: org), activity, from: At.june(10, 9), to: At.june(10, 11))
        #expect(try await bed.record(try await bed.volunteer(2, in: org), activity, from: At.june(10, 9), to: At.june(10, 11)).minutes == 120)
    }

    @Test func atMost24HoursPerCalendarDayOfTheStart() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let activity = try await bed.activity(org, from: At.june(9, 0), to: At.june(12, 0), title: "三日应急救援")
        try await bed.record(volunteer, activity, from: At.june(10, 0), to: At.june(10, 20))
        await expectLedgerError(.dailyLimitExceeded(day: "2026-06-10", alreadyMinutes: 1200)) {
            try await bed.record(volunteer, activity, from: At.june(10, 20), to: At.june(11, 4))
        }
        // 240 more minutes on the same day is exactly 24 hours and allowed.
        #expect(try await bed.record(volunteer, activity, from: At.june(10, 20), to: At.june(11, 4), minutes: 240).minutes == 240)
    }

    @Test func volunteerMustBeAMemberOfTheRecordingOrganization() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let volunteer = try await bed.volunteer(1, in: a)
        let activityB = try await bed.activity(b)
        await expectLedgerError(.notAMember(volunteerNumber: volunteer.number)) {
            try await bed.record(volunteer, activityB, from: At.june(10, 9), to: At.june(10, 11))
        }
    }

    @Test func voidedRecordsNoLongerBlockTheirTime() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        let first = try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        _ = try await bed.ledger.voidRecord(id: first.id, reason: "重复登记", by: Testbed.op)
        #expect(try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11)).minutes == 120)
    }
}
