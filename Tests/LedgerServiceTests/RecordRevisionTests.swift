import Foundation
import LedgerCore
import Testing

/// Records are never edited in place: corrections and voiding append revisions with reason and actor.
@Suite struct RecordRevisionTests {
    @Test func aCorrectionAppendsARevisionAndKeepsTheOriginal() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let record = try await bed.record(try await bed.volunteer(1, in: org), try await bed.activity(org),
                                          from: At.june(10, 9), to: At.june(10, 12))
        let corrected = try await bed.ledger.correctRecord(id: record.id, RecordCorrection(minutes: 150, reason: "扣除午休"), by: Testbed.op)
        #expect(corrected.minutes == 150)
        #expect(corrected.revision == 2)
        let history = try await bed.ledger.history(recordId: record.id, by: Testbed.op)
        #expect(history.map(\.kind) == [.created, .corrected])
        #expect(history.map(\.minutes) == [180, 150])
        #expect(history[1].reason == "扣除午休")
        #expect(history[1].digest != history[0].digest)
        #expect(try await bed.ledger.record(id: record.id, by: Testbed.op).minutes == 150)
    }

    @Test func aCorrectionMustGiveAReasonAndChangeSomething() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let record = try await bed.record(try await bed.volunteer(1, in: org), try await bed.activity(org),
                                          from: At.june(10, 9), to: At.june(10, 12))
        await expectLedgerError(.reasonRequired) {
            _ = try await bed.ledger.correctRecord(id: record.id, RecordCorrection(minutes: 100, reason: "  "), by: Testbed.op)
        }
        await expectLedgerError(.nothingChanged) {
            _ = try await bed.ledger.correctRecord(id: record.id, RecordCorrection(minutes: 180, reason: "核对"), by: Testbed.op)
        }
        #expect(try await bed.counts().revisions == 1)
    }

    @Test func aCorrectionObeysTheSameRules() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let (volunteer, activity) = (try await bed.volunteer(1, in: org), try await bed.activity(org))
        let morning = try await bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let afternoon = try await bed.record(volunteer, activity, from: At.june(10, 13), to: At.june(10, 15))
        await expectLedgerError(.overlapsRecord(recordId: morning.id, start: "2026-06-10 09:00", end: "2026-06-10 11:00")) {
            _ = try await bed.ledger.correctRecord(id: afternoon.id, RecordCorrection(start: At.june(10, 10), reason: "时间登记错误"), by: Testbed.op)
        }
        await expectLedgerError(.minutesExceedSpan(minutes: 200, spanMinutes: 120)) {
            _ = try await bed.ledger.correctRecord(id: afternoon.id, RecordCorrection(minutes: 200, reason: "补录"), by: Testbed.op)
        }
        // A record may be moved within its own old time without conflicting with itself.
        let moved = try await bed.ledger.correctRecord(id: afternoon.id, RecordCorrection(start: At.june(10, 14), reason: "迟到"), by: Testbed.op)
        #expect(moved.minutes == 60)
    }

    @Test func voidingIsARevisionAndVoidRecordsCannotBeCorrected() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let record = try await bed.record(try await bed.volunteer(1, in: org), try await bed.activity(org),
                                          from: At.june(10, 9), to: At.june(10, 12))
        let voided = try await bed.ledger.voidRecord(id: record.id, reason: "未实际参加", by: Testbed.op)
        #expect(voided.isVoid)
        #expect(try await bed.ledger.history(recordId: record.id, by: Testbed.op).map(\.kind) == [.created, .voided])
        await expectLedgerError(.recordVoided(recordId: record.id)) {
            _ = try await bed.ledger.correctRecord(id: record.id, RecordCorrection(minutes: 60, reason: "x"), by: Testbed.op)
        }
        await expectLedgerError(.recordVoided(recordId: record.id)) {
            _ = try await bed.ledger.voidRecord(id: record.id, reason: "again", by: Testbed.op)
        }
    }
}

/// Totals count only the current revision of non-void records.
@Suite struct TotalsTests {
    @Test func volunteerOrganizationAndActivityTotals() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let volunteer = try await bed.volunteer(1, in: a)
        _ = try await bed.ledger.registerVolunteer(Make.volunteer(1), organizationId: b.id, by: Testbed.op)
        let activityA = try await bed.activity(a)
        let activityB = try await bed.activity(b, from: At.june(11, 8), to: At.june(11, 18))
        let first = try await bed.record(volunteer, activityA, from: At.june(10, 9), to: At.june(10, 11))      // 120
        try await bed.record(volunteer, activityA, from: At.june(10, 13), to: At.june(10, 14, 30))              // 90
        let voided = try await bed.record(volunteer, activityB, from: At.june(11, 9), to: At.june(11, 12))     // void
        try await bed.record(volunteer, activityB, from: At.june(11, 13), to: At.june(11, 14))                  // 60
        _ = try await bed.ledger.voidRecord(id: voided.id, reason: "重复", by: Testbed.op)
        _ = try await bed.ledger.correctRecord(id: first.id, RecordCorrection(minutes: 100, reason: "更正"), by: Testbed.op)

        let summary = try await bed.ledger.volunteerSummary(volunteerId: volunteer.id, by: Testbed.op)
        #expect(summary.minutes == 250)
        #expect(summary.records == 3)
        #expect(Dictionary(uniqueKeysWithValues: summary.byOrganization.map { ($0.organizationId, $0.minutes) }) == [a.id: 190, b.id: 60])
        let june10 = try await bed.ledger.volunteerSummary(volunteerId: volunteer.id,
            period: DayRange(from: LocalDate(year: 2026, month: 6, day: 10), to: LocalDate(year: 2026, month: 6, day: 10)), by: Testbed.op)
        #expect(june10.minutes == 190)
        #expect(try await bed.ledger.organizationSummary(organizationId: a.id, by: Testbed.op).minutes == 190)
        #expect(try await bed.ledger.activitySummary(activityId: activityB.id, by: Testbed.op).minutes == 60)
        #expect(HoursFormat.hours(fromMinutes: summary.minutes) == "4.17")
    }

    @Test func starLevelFollowsAllTimeHours() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let activity = try await bed.activity(org, from: At.on(2026, 1, 1, 0), to: At.june(1, 0), title: "长期助老")
        // 101 hours: ten-hour days from January on, then one more hour.
        for day in 0..<10 {
            let start = At.on(2026, 1, 5, 8).addingTimeInterval(Double(day) * 86_400)
            try await bed.record(volunteer, activity, from: start, to: start.addingTimeInterval(10 * 3600))
        }
        var summary = try await bed.ledger.volunteerSummary(volunteerId: volunteer.id, by: Testbed.op)
        #expect(summary.starLevel == .one)
        #expect(summary.minutesToNextStar == 200 * 60)
        try await bed.record(volunteer, activity, from: At.on(2026, 2, 1, 8), to: At.on(2026, 2, 1, 9))
        summary = try await bed.ledger.volunteerSummary(volunteerId: volunteer.id, by: Testbed.op)
        #expect(summary.allTimeMinutes == 101 * 60)
        #expect(summary.starLevel == .one)
    }
}
