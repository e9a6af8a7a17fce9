import Foundation
import LedgerCore
import Testing

/// On-site check-in and check-out through `Ledger`, and the store's guarantees behind them, on every backend.
@Suite("On-site check-in and check-out")
struct CheckInTests {
    private static let op = Principal.localOperator

    /// An organization with a member volunteer, another volunteer who is not a member, and an activity on
    /// June 10 from 08:00 to 18:00.
    private struct Site {
        var organization: Organization
        var member: Volunteer
        var outsider: Volunteer
        var activity: Activity

        static func make(_ t: TestStore) async throws -> Site {
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: op)
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: op)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: op).volunteer
            let outsider = try await ledger.registerVolunteer(Make.registration(2), organizationId: other.id, by: op).volunteer
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: organization.id, by: op)
            return Site(organization: organization, member: member, outsider: outsider, activity: activity)
        }
    }

    /// The ledger as it runs at `hour`:`minute` on June 10.
    private static func at(_ t: TestStore, _ hour: Int, _ minute: Int = 0) -> Ledger {
        let now = Make.june(10, hour, minute)
        return t.ledger(clock: { now })
    }

    @Test(arguments: Backend.all)
    func checkingOutRecordsTheStayInsideTheActivityWindow(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            // Arrives at 07:30 to set up: the service counts from the activity's start at 08:00.
            let open = try await Self.at(t, 7, 30).checkIn(volunteerNumber: site.member.number.lowercased(), activityId: site.activity.id, by: Self.op)
            #expect(open.state == .open)
            #expect(open.checkedInAt == Make.june(10, 7, 30))
            #expect(open.volunteerId == site.member.id && open.organizationId == site.organization.id)

            let (closed, record) = try await Self.at(t, 11, 45).checkOut(checkInId: open.id, note: "签到记录", by: Self.op)
            #expect(record.startAt == Make.june(10, 8) && record.endAt == Make.june(10, 11, 45))
            #expect(record.minutes == 225)
            #expect(record.source == .checkIn && record.note == "签到记录")
            #expect(record.recordedAt == Make.june(10, 11, 45))
            #expect(closed.state == .checkedOut && closed.recordId == record.id && closed.closedAt == Make.june(10, 11, 45))
            #expect(try await t.store.read { try $0.checkIn(id: open.id) } == closed)
            #expect(try await t.store.read { try $0.openCheckIn(volunteerId: site.member.id) } == nil)
            #expect(try await t.ledger().verifyAuditChains(by: Self.op).isIntact)
        }
    }

    @Test(arguments: Backend.all)
    func aForgottenCheckOutIsClosedAtTheActivitysEndAfterTheGraceAndWaitsAsAClaim(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            let volunteer = Principal(userId: nil, role: .volunteer, volunteerId: site.member.id)
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: site.organization.id)
            let forgotten = try await Self.at(t, 9).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            // The default grace is two hours after the 18:00 end.
            #expect(try await Self.at(t, 19, 59).closeForgottenCheckIns() == 0)
            #expect(try await t.store.read { try $0.forgottenCheckIns(at: Make.june(10, 19, 59), defaultGraceMinutes: 120, limit: 10) }.isEmpty)
            #expect(try await t.store.read { try $0.forgottenCheckIns(at: Make.june(10, 20), defaultGraceMinutes: 120, limit: 10) }.map(\.id)
                    == [forgotten.id])
            // The organization shortens it to 30 minutes: staff may read it, only admins change it, within a day.
            await expectLedgerErrorCode("forbidden") {
                _ = try await t.ledger().updateOrganizationSettings(organizationId: site.organization.id, checkOutGraceMinutes: 30, by: staff)
            }
            await expectLedgerErrorCode("invalid-field") {
                _ = try await t.ledger().updateOrganizationSettings(organizationId: site.organization.id, checkOutGraceMinutes: 1441, by: Self.op)
            }
            #expect(try await t.ledger().organizationSettings(organizationId: site.organization.id, by: staff).checkOutGraceMinutes == 120)
            _ = try await t.ledger().updateOrganizationSettings(organizationId: site.organization.id, checkOutGraceMinutes: 30, by: Self.op)
            #expect(try await t.ledger().organizationSettings(organizationId: site.organization.id, by: staff).checkOutGraceMinutes == 30)
            #expect(try await Self.at(t, 18, 29).closeForgottenCheckIns() == 0)

            let recordsBefore = try await t.store.read { try $0.total(RecordFilter(includeVoid: true)).records }
            #expect(try await Self.at(t, 18, 30).closeForgottenCheckIns() == 1)
            let closed = try #require(try await t.store.read { try $0.checkIn(id: forgotten.id) })
            #expect(closed.state == .autoClosed && closed.closedAt == Make.june(10, 18, 30) && closed.recordId == nil)
            #expect(try await t.store.read { try $0.total(RecordFilter(includeVoid: true)).records } == recordsBefore)
            // The stay until the activity's end waits as a pending claim, for the volunteer and staff to see.
            let claim = try #require(try await t.ledger().hoursClaims(state: .pending, after: nil, limit: nil, by: volunteer).items.first)
            #expect(claim.origin == .autoClose && claim.checkInId == forgotten.id && claim.activityId == site.activity.id)
            #expect(claim.startAt == Make.june(10, 9) && claim.endAt == Make.june(10, 18) && claim.minutes == 540)
            #expect(try await t.ledger().hoursClaims(state: .pending, after: nil, limit: nil, by: staff).items.map(\.id) == [claim.id])
            // Closed once: a second round finds nothing, and the volunteer may check in elsewhere again.
            #expect(try await Self.at(t, 18, 31).closeForgottenCheckIns() == 0)
            #expect(try await t.store.read { try $0.openCheckIn(volunteerId: site.member.id) } == nil)

            // The volunteer asks for a correction (only their own claim); staff approve with the hours adjusted.
            await expectLedgerErrorCode("not-found") {
                _ = try await t.ledger().requestClaimCorrection(id: claim.id, note: "15:00 离开",
                                                                by: Principal(userId: nil, role: .volunteer, volunteerId: site.outsider.id))
            }
            await expectLedgerErrorCode("invalid-field") { _ = try await t.ledger().requestClaimCorrection(id: claim.id, note: " ", by: volunteer) }
            let asked = try await t.ledger().requestClaimCorrection(id: claim.id, note: "我 16:00 离开", by: volunteer)
            #expect(asked.correction == "我 16:00 离开")
            #expect(try await t.ledger().hoursClaim(id: claim.id, by: staff).correction == "我 16:00 离开")
            await expectLedgerErrorCode("invalid-field") {
                _ = try await t.ledger().decideHoursClaim(id: claim.id, .reject, reason: "不在场", minutes: 60, by: staff)
            }
            let approved = try await Self.at(t, 19).decideHoursClaim(id: claim.id, .approve, reason: nil, minutes: 420, by: staff)
            let recordId = try #require(approved.recordId)
            let record = try #require(try await t.store.read { try $0.record(id: recordId) })
            #expect(record.minutes == 420 && record.source == .claim && record.note.contains("16:00"))
            #expect(record.startAt == Make.june(10, 9) && record.endAt == Make.june(10, 18))
            await expectLedgerErrorCode("claim-decided") { _ = try await t.ledger().requestClaimCorrection(id: claim.id, note: "再改", by: volunteer) }
            #expect(try await t.ledger().verifyAuditChains(by: Self.op).isIntact)
        }
    }

    @Test(arguments: Backend.all)
    func aForgottenCheckInWithoutAMinuteInsideTheActivityIsCanceled(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            let late = try await t.ledger(clock: { Make.june(10, 17, 59).addingTimeInterval(30) })
                .checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            #expect(try await Self.at(t, 20).closeForgottenCheckIns() == 1)
            let closed = try #require(try await t.store.read { try $0.checkIn(id: late.id) })
            #expect(closed.state == .canceled && closed.cancelReason?.contains("less than a minute") == true)
            #expect(try await t.store.read { try $0.claims(organizationId: nil, volunteerId: nil, state: nil, after: nil, limit: 10) }.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func aStayPastTheEndCountsUntilTheEndAndMinutesMayBeLess(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            let open = try await Self.at(t, 16).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            // Checked out the evening after: counted until 18:00, 90 of the 120 minutes actually served.
            let later = Make.june(10, 21)
            let (_, record) = try await t.ledger(clock: { later }).checkOut(checkInId: open.id, minutes: 90, by: Self.op)
            #expect(record.startAt == Make.june(10, 16) && record.endAt == Make.june(10, 18) && record.minutes == 90)
        }
    }

    @Test(arguments: Backend.all)
    func checkInIsOpenFromTwoHoursBeforeTheStartUntilTheEnd(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            for (hour, minute) in [(5, 59), (18, 0), (20, 0)] {
                await expectLedgerError(.checkInClosed(activityStart: "2026-06-10 08:00", activityEnd: "2026-06-10 18:00"), "\(hour):\(minute)") {
                    _ = try await Self.at(t, hour, minute).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
                }
            }
            await expectLedgerError(.notAMember(volunteerNumber: site.outsider.number)) {
                _ = try await Self.at(t, 9).checkIn(volunteerNumber: site.outsider.number, activityId: site.activity.id, by: Self.op)
            }
            await expectLedgerError(.notFound(entity: "volunteer", key: "V00000000000")) {
                _ = try await Self.at(t, 9).checkIn(volunteerNumber: "V00000000000", activityId: site.activity.id, by: Self.op)
            }
            let opened = try await Self.at(t, 6).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            #expect(opened.checkedInAt == Make.june(10, 6))
            // Checked out again before the activity started: nothing to record, and the check-in stays open.
            await expectLedgerError(.invalidField(field: "checkOut", reason:
                "签到后在活动时间内不足一分钟，没有可登记的服务时长；签到有误请撤销 / less than a minute of the stay lies within the activity's time, so there is no service to record; cancel the check-in if it was a mistake")) {
                _ = try await Self.at(t, 7, 30).checkOut(checkInId: opened.id, by: Self.op)
            }
            #expect(try await t.store.read { try $0.checkIns(activityId: site.activity.id, after: nil, limit: 10) } == [opened])
        }
    }

    @Test(arguments: Backend.all)
    func aVolunteerIsCheckedInAtOneActivityAtATime(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            let second = try await t.ledger().createActivity(Make.activityInput(day: 10, title: "第二个活动"),
                                                              organizationId: site.organization.id, by: Self.op)
            let first = try await Self.at(t, 9).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            await expectLedgerError(.alreadyCheckedIn(checkInId: first.id, activityId: site.activity.id)) {
                _ = try await Self.at(t, 9, 5).checkIn(volunteerNumber: site.member.number, activityId: second.id, by: Self.op)
            }
            let canceled = try await Self.at(t, 9, 10).cancelCheckIn(id: first.id, reason: "签错活动", by: Self.op)
            #expect(canceled.state == .canceled && canceled.cancelReason == "签错活动" && canceled.recordId == nil)
            await expectLedgerError(.checkInNotOpen(checkInId: first.id, state: .canceled)) {
                _ = try await Self.at(t, 10).checkOut(checkInId: first.id, by: Self.op)
            }
            await expectLedgerError(.reasonRequired) {
                _ = try await Self.at(t, 10).cancelCheckIn(id: first.id, reason: " ", by: Self.op)
            }
            let again = try await Self.at(t, 9, 15).checkIn(volunteerNumber: site.member.number, activityId: second.id, by: Self.op)
            _ = try await Self.at(t, 10).checkOut(checkInId: again.id, by: Self.op)
            await expectLedgerError(.checkInNotOpen(checkInId: again.id, state: .checkedOut)) {
                _ = try await Self.at(t, 11).checkOut(checkInId: again.id, by: Self.op)
            }
            #expect(try await t.store.read { try $0.total(RecordFilter(volunteerId: site.member.id)) } == MinuteTotal(minutes: 45, records: 1))
        }
    }

    @Test(arguments: Backend.all)
    func aCheckOutThatBreaksARuleStoresNothingAndLeavesTheCheckInOpen(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let site = try await Site.make(t)
            let open = try await Self.at(t, 9).checkIn(volunteerNumber: site.member.number, activityId: site.activity.id, by: Self.op)
            // Hours for the same morning were already recorded by hand.
            let manual = try await t.ledger().recordService(
                RecordInput(volunteerNumber: site.member.number, activityId: site.activity.id, start: Make.june(10, 10), end: Make.june(10, 11)),
                by: Self.op)
            let before = try await t.store.read { try $0.rowCounts() }
            await expectLedgerError(.overlapsRecord(recordId: manual.id, start: "2026-06-10 10:00", end: "2026-06-10 11:00")) {
                _ = try await Self.at(t, 12).checkOut(checkInId: open.id, by: Self.op)
            }
            await expectLedgerError(.minutesExceedSpan(minutes: 61, spanMinutes: 60)) {
                _ = try await Self.at(t, 10).checkOut(checkInId: open.id, minutes: 61, by: Self.op)
            }
            #expect(try await t.store.read { try $0.rowCounts() } == before)
            #expect(try await t.store.read { try $0.checkIn(id: open.id) } == open)
            let (_, record) = try await Self.at(t, 9, 50).checkOut(checkInId: open.id, by: Self.op)
            #expect(record.minutes == 50)
        }
    }

    @Test(arguments: Backend.all)
    func theDatabaseKeepsOneOpenCheckInPerVolunteerAndClosesEachOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let seed = try await t.store.write { try Seed.make($0) }
            let open = CheckIn(id: 0, activityId: seed.activity.id, organizationId: seed.organization.id, volunteerId: seed.volunteer.id,
                               checkedInAt: Make.june(10, 9), checkedInBy: nil)
            let stored = try await t.store.write { try $0.insert(open) }
            await #expect(throws: (any Error).self, "a second open check-in of the volunteer") {
                try await t.store.write { _ = try $0.insert(open) }
            }
            let canceled = {
                var closing = stored
                closing.state = .canceled
                closing.closedAt = Make.june(10, 10)
                closing.cancelReason = "测试"
                return closing
            }()
            try await t.store.write { try $0.close(canceled) }
            #expect(try await t.store.read { try $0.checkIn(id: stored.id) } == canceled)
            let reopened = {
                var again = canceled
                again.state = .checkedOut
                return again
            }()
            await #expect(throws: (any Error).self, "closing a closed check-in again") {
                try await t.store.write { try $0.close(reopened) }
            }
            #expect(try await t.store.read { try $0.checkIn(id: stored.id) } == canceled)
            let next = try await t.store.write { try $0.insert(open) }
            #expect(next.id > stored.id)
            #expect(try await t.store.read { try $0.checkIns(activityId: seed.activity.id, after: stored.id, limit: 10) } == [next])
        }
    }
}
