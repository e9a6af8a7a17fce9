import Foundation
import LedgerCore
import Testing

/// Self check-in with the rotating attendance code (扫码签到) on both stores: the code's window, who may check in,
/// the phone's position kept with the check-in, and the check-out recording through the one check-out path.
@Suite("Self check-in")
struct SelfCheckInTests {
    static let op = Principal.localOperator
    static let codes = AttendanceCodes(secret: Array(repeating: 9, count: 32), publicBaseURL: "https://v.example.gov.cn/")

    /// The ledger as it stands at `instant`, with self check-in set up.
    static func ledger(_ t: TestStore, at instant: Date) -> Ledger {
        var ledger = t.ledger(clock: { instant })
        ledger.attendance = codes
        return ledger
    }

    static func volunteer(_ volunteer: Volunteer) -> Principal {
        Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id)
    }

    @Test(arguments: Backend.all)
    func aCodeCountsForItsStepAndTheNextOnlyAndForItsActivityOnly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let setup = Self.ledger(t, at: Make.now)
            let organization = try await setup.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await setup.createActivity(Make.activityInput(day: 16), organizationId: organization.id, by: Self.op)
            let other = try await setup.createActivity(Make.activityInput(day: 16, title: "另一活动"), organizationId: organization.id, by: Self.op)
            let member = try await setup.registerVolunteer(Make.registration(1), organizationId: organization.id, by: Self.op).volunteer
            let principal = Self.volunteer(member)

            // The screen at 07:59:40 (its step runs 07:59:30 to 08:00:00).
            let shown = Make.june(16, 7, 59).addingTimeInterval(40)
            let code = try await Self.ledger(t, at: shown).attendanceCode(activityId: activity.id, by: Self.op)
            #expect(code.code.count == 8 && code.code.allSatisfy(\.isNumber))
            #expect(code.expiresAt == Make.june(16, 8))
            #expect(code.url == "https://v.example.gov.cn/a/\(activity.id)?code=\(code.code)")
            let otherCode = try await Self.ledger(t, at: shown).attendanceCode(activityId: other.id, by: Self.op)
            #expect(otherCode.code != code.code)

            // Two steps later it is refused; the code of another activity too; staff cannot check themselves in.
            await expectLedgerError(.attendanceCodeInvalid) {
                _ = try await Self.ledger(t, at: Make.june(16, 8).addingTimeInterval(35)).selfCheckIn(
                    activityId: activity.id, code: code.code, position: nil, by: principal)
            }
            await expectLedgerError(.attendanceCodeInvalid) {
                _ = try await Self.ledger(t, at: shown).selfCheckIn(activityId: activity.id, code: otherCode.code, position: nil, by: principal)
            }
            await expectLedgerErrorCode("forbidden") {
                _ = try await Self.ledger(t, at: shown).selfCheckIn(activityId: activity.id, code: code.code, position: nil, by: Self.op)
            }
            await expectLedgerError(.notCheckedIn(activityId: activity.id)) {
                _ = try await Self.ledger(t, at: shown).selfCheckOut(activityId: activity.id, code: code.code, position: nil, by: principal)
            }

            // One step after it changed it still counts; the position is kept with the check-in.
            let position = GeoPosition(latitude: 30.2741, longitude: 120.1551, accuracy: 18.5)
            let arrived = Self.ledger(t, at: Make.june(16, 8).addingTimeInterval(5))
            let (checkIn, isNew) = try await arrived.selfCheckIn(activityId: activity.id, code: code.code, position: position, by: principal)
            #expect(isNew && checkIn.method == .selfService)
            let stored = try await arrived.checkIn(id: checkIn.id, by: Self.op)
            #expect(stored.position == position && stored.method == .selfService && stored.state == .open)
            let again = try await arrived.selfCheckIn(activityId: activity.id, code: code.code, position: nil, by: principal)
            #expect(!again.isNew && again.checkIn.id == checkIn.id)

            // Checking out at 10:00 with that moment's code stores the stay since 08:00:05, source `self_check_in`.
            let leaving = Self.ledger(t, at: Make.june(16, 10))
            let now = Self.codes.code(activityId: activity.id, at: Make.june(16, 10)).code
            await expectLedgerError(.attendanceCodeInvalid) {
                _ = try await leaving.selfCheckOut(activityId: activity.id, code: code.code, position: nil, by: principal)
            }
            let (closed, record) = try await leaving.selfCheckOut(activityId: activity.id, code: now, position: nil, by: principal)
            #expect(closed.state == .checkedOut && closed.recordId == record.id)
            #expect(record.source == .selfCheckIn && record.startAt == Make.june(16, 8).addingTimeInterval(5))
            #expect(record.minutes == ServiceTimeRules.spanMinutes(start: record.startAt, end: Make.june(16, 10)))
            let history = try await leaving.history(recordId: record.id, by: Self.op)
            #expect(history.count == 1)
        }
    }

    @Test(arguments: Backend.all)
    func whereTheActivityTakesSignUpsOnlyConfirmedVolunteersCheckIn(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = Self.ledger(t, at: Make.now)
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let stranger = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(day: 15), organizationId: organization.id, by: Self.op)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: Self.op).volunteer
            let outsider = try await ledger.registerVolunteer(Make.registration(2), organizationId: stranger.id, by: Self.op).volunteer
            let code = Self.codes.code(activityId: activity.id, at: Make.now).code

            // Without sign-ups: members only.
            await expectLedgerErrorCode("forbidden") {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: nil, by: Self.volunteer(outsider))
            }
            // With sign-ups: a pending sign-up is not enough, even for a member; a confirmed one is.
            _ = try await ledger.openForSignUp(activityId: activity.id, RecruitmentInput(
                audience: .everyone, capacity: 5, deadline: Make.june(15, 17)), by: Self.op)
            let signUp = try await ledger.signUp(activityId: activity.id, by: Self.volunteer(outsider))
            await expectLedgerErrorCode("forbidden") {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: nil, by: Self.volunteer(outsider))
            }
            await expectLedgerErrorCode("forbidden") {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: nil, by: Self.volunteer(member))
            }
            _ = try await ledger.decideSignUp(id: signUp.id, .confirm, reason: nil, by: Self.op)
            let checkIn = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: nil, by: Self.volunteer(outsider))
            #expect(checkIn.isNew && checkIn.checkIn.volunteerId == outsider.id && checkIn.checkIn.position == nil)
            let listed = try await ledger.checkIns(activityId: activity.id, after: nil, limit: nil, by: Self.op).items
            #expect(listed.map(\.id) == [checkIn.checkIn.id])
        }
    }

    @Test(arguments: Backend.all)
    func awayFromTheSiteACheckInIsRefusedWherePresenceIsRequiredElseFlagged(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = Self.ledger(t, at: Make.now)
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(day: 15), organizationId: organization.id, by: Self.op)
            var members: [Volunteer] = []
            for n in 1...3 { members.append(try await ledger.registerVolunteer(Make.registration(n), organizationId: organization.id, by: Self.op).volunteer) }
            let code = Self.codes.code(activityId: activity.id, at: Make.now).code
            // West Lake's Broken Bridge; 1 km east is the Wulin square side, 150 m is still on the causeway.
            let site = ActivitySite(latitude: 30.2590, longitude: 120.1500, radius: 200, presenceRequired: true)
            let near = GeoPosition(latitude: 30.2590, longitude: 120.15156, accuracy: 10)   // about 150 m east
            let far = GeoPosition(latitude: 30.2590, longitude: 120.16040, accuracy: 10)    // about 1 km east
            #expect(abs(site.distance(to: near) - 150) < 5 && abs(site.distance(to: far) - 1000) < 10)

            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.setActivitySite(activityId: activity.id, ActivitySite(latitude: 30.259, longitude: 120.15, radius: 5,
                                                                                           presenceRequired: true), by: Self.op)
            }
            let stored = try await ledger.setActivitySite(activityId: activity.id, site, by: Self.op)
            #expect(try await ledger.activity(id: activity.id, by: Self.op).site == site && stored.site == site)

            // Presence required: 1 km away and no position are refused, 150 m is on site.
            do {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: far, by: Self.volunteer(members[0]))
                Issue.record("a check-in 1 km away was taken")
            } catch let error as LedgerError {
                #expect(error == .notOnSite(positionGiven: true))
            }
            await expectLedgerError(.notOnSite(positionGiven: false)) {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: nil, by: Self.volunteer(members[0]))
            }
            let onSite = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: near, by: Self.volunteer(members[0])).checkIn
            #expect(!onSite.offSite)

            // Presence not required: away is accepted and flagged; the flag follows the record and doubles its risk weight.
            var relaxed = site
            relaxed.presenceRequired = false
            _ = try await ledger.setActivitySite(activityId: activity.id, relaxed, by: Self.op)
            let away = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: far, by: Self.volunteer(members[1])).checkIn
            #expect(away.offSite)
            #expect(try await ledger.checkIn(id: away.id, by: Self.op).offSite)
            let later = Self.ledger(t, at: Make.june(15, 14))
            let laterCode = Self.codes.code(activityId: activity.id, at: Make.june(15, 14)).code
            let (_, flagged) = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: nil, by: Self.volunteer(members[1]))
            let (_, plain) = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: near, by: Self.volunteer(members[0]))
            let offSite = try await t.store.read { try $0.offSiteRecordIds(among: [flagged.id, plain.id]) }
            #expect(offSite == [flagged.id])
            #expect(RecordRisk.factor(flagged, offSite: true) == 2 * RecordRisk.factor(plain))

            // Clearing the site takes check-ins anywhere again.
            _ = try await ledger.setActivitySite(activityId: activity.id, nil, by: Self.op)
            let anywhere = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: far, by: Self.volunteer(members[2])).checkIn
            #expect(!anywhere.offSite && anywhere.position == far)
        }
    }
}
