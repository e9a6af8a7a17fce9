import Foundation
import LedgerCore
import LedgerPasswords
import Synchronization
import Testing

/// Issue 27, items 3 to 5, on both stores: attendance codes and invitation codes cannot be guessed freely, a refusal
/// away from the site does not say where the site is, a self check-out keeps where it was made, and an older
/// invitation is void once a newer one is issued.
@Suite("Guessing defects")
struct GuessingDefectTests {
    static let op = Principal.localOperator
    static let codes = AttendanceCodes(secret: Array(repeating: 5, count: 32), publicBaseURL: "https://v.example.gov.cn")

    /// A store that counts the transactions opened on it.
    final class CountingStore: LedgerStore {
        let base: any LedgerStore
        private let counts = Mutex((reads: 0, writes: 0))
        init(_ base: any LedgerStore) { self.base = base }
        var reads: Int { counts.withLock { $0.reads } }
        var writes: Int { counts.withLock { $0.writes } }
        func migrate() async throws { try await base.migrate() }
        func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
            counts.withLock { $0.reads += 1 }
            return try await base.read(body)
        }
        func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
            counts.withLock { $0.writes += 1 }
            return try await base.write(body)
        }
        func close() async throws {}
    }

    /// A password hasher that counts its calls (bcrypt at the lowest cost behind it).
    final class CountingHasher: PasswordHasher {
        private let calls = Mutex(0)
        var count: Int { calls.withLock { $0 } }
        func hash(_ password: String) async throws -> String {
            calls.withLock { $0 += 1 }
            return try await BcryptPasswordHasher(cost: 4).hash(password)
        }
        func verify(_ password: String, hash: String?) async throws -> Bool {
            calls.withLock { $0 += 1 }
            return try await BcryptPasswordHasher(cost: 4).verify(password, hash: hash)
        }
    }

    static func volunteer(_ volunteer: Volunteer) -> Principal {
        Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id)
    }

    /// An organization with `members` members and an activity under way at `Make.now` (June 15).
    static func setUp(_ ledger: Ledger, members: Int) async throws -> (Activity, [Volunteer]) {
        let organization = try await ledger.createOrganization(Make.organizationInput(1), by: op)
        let activity = try await ledger.createActivity(Make.activityInput(day: 15), organizationId: organization.id, by: op)
        var volunteers: [Volunteer] = []
        for n in 1...members {
            volunteers.append(try await ledger.registerVolunteer(Make.registration(n), organizationId: organization.id, by: op).volunteer)
        }
        return (activity, volunteers)
    }

    /// A wrong code for `activity` at `instant`: the right one with its last digit changed.
    static func wrongCode(_ activity: Activity, at instant: Date) -> String {
        let right = codes.code(activityId: activity.id, at: instant).code
        return String(right.dropLast()) + (right.last == "0" ? "1" : "0")
    }

    @Test(arguments: Backend.all)
    func wrongAttendanceCodesAreThrottledPerVolunteerBeforeAnyTransaction(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let counting = CountingStore(t.store)
            var clock = Make.now
            let now = Mutex(clock)
            var ledger = Ledger(store: counting, clock: { now.withLock { $0 } }, random: .seeded(1))
            ledger.attendance = Self.codes
            let (activity, members) = try await Self.setUp(ledger, members: 1)
            let guesser = Self.volunteer(members[0])
            let writesBefore = counting.writes, readsBefore = counting.reads

            // Five wrong codes are refused as wrong, without opening a transaction; the sixth must wait, even with the
            // right code, on the API's use cases and the page's alike.
            for _ in 0..<5 {
                await expectLedgerError(.attendanceCodeInvalid) {
                    _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.wrongCode(activity, at: clock), position: nil, by: guesser)
                }
            }
            await expectLedgerError(.attendanceCodeThrottled(retryAfterSeconds: 1)) {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.codes.code(activityId: activity.id, at: clock).code,
                                                 position: nil, by: guesser)
            }
            await expectLedgerError(.attendanceCodeThrottled(retryAfterSeconds: 1)) {
                _ = try await ledger.attendanceActivity(activityId: activity.id, code: Self.wrongCode(activity, at: clock), by: guesser)
            }
            await expectLedgerError(.attendanceCodeThrottled(retryAfterSeconds: 1)) {
                _ = try await ledger.selfCheckOut(activityId: activity.id, code: Self.wrongCode(activity, at: clock), position: nil, by: guesser)
            }
            #expect(counting.writes == writesBefore && counting.reads == readsBefore, "no transaction for a wrong or throttled code")
            #expect(try await t.store.read { try $0.openCheckIn(volunteerId: members[0].id) } == nil)

            // Once the delay passed, one more wrong code doubles it.
            clock = clock.addingTimeInterval(2)
            now.withLock { $0 = clock }
            await expectLedgerError(.attendanceCodeInvalid) {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.wrongCode(activity, at: clock), position: nil, by: guesser)
            }
            await expectLedgerError(.attendanceCodeThrottled(retryAfterSeconds: 2)) {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.wrongCode(activity, at: clock), position: nil, by: guesser)
            }
            #expect(counting.writes == writesBefore)

            // After the wait the right code checks in.
            clock = clock.addingTimeInterval(3)
            now.withLock { $0 = clock }
            let checkIn = try await ledger.selfCheckIn(activityId: activity.id, code: Self.codes.code(activityId: activity.id, at: clock).code,
                                                       position: nil, by: guesser)
            #expect(checkIn.isNew && counting.writes == writesBefore + 1)
        }
    }

    @Test(arguments: Backend.all)
    func aCrowdGuessingOneActivityIsThrottledPerActivity(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            var ledger = t.ledger()
            ledger.attendance = Self.codes
            let (activity, members) = try await Self.setUp(ledger, members: 8)
            // Thirty wrong codes from eight volunteers, each under their own five; then the activity makes everyone wait.
            for n in 0..<30 {
                await expectLedgerError(.attendanceCodeInvalid) {
                    _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.wrongCode(activity, at: Make.now), position: nil,
                                                     by: Self.volunteer(members[n % 7]))
                }
            }
            await expectLedgerError(.attendanceCodeThrottled(retryAfterSeconds: 1)) {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: Self.codes.code(activityId: activity.id, at: Make.now).code,
                                                 position: nil, by: Self.volunteer(members[7]))
            }
            #expect(try await t.store.read { try $0.checkIns(activityId: activity.id, after: nil, limit: 10) }.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func theRefusalAwayFromTheSiteSaysNeitherHowFarNorWhichWay(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            var ledger = t.ledger()
            ledger.attendance = Self.codes
            let (activity, members) = try await Self.setUp(ledger, members: 1)
            _ = try await ledger.setActivitySite(activityId: activity.id, ActivitySite(latitude: 30.2590, longitude: 120.1500, radius: 200,
                                                                                       presenceRequired: true), by: Self.op)
            let code = Self.codes.code(activityId: activity.id, at: Make.now).code
            var messages: Set<String> = []
            for longitude in [120.16040, 120.1700, 120.1400] {
                do {
                    _ = try await ledger.selfCheckIn(activityId: activity.id, code: code,
                                                     position: GeoPosition(latitude: 30.2590, longitude: longitude, accuracy: 10),
                                                     by: Self.volunteer(members[0]))
                    Issue.record("a check-in away from the site was taken")
                } catch let error as LedgerError {
                    #expect(error == .notOnSite(positionGiven: true))
                    let digits = error.message.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) }
                    #expect(digits.isEmpty, "\(error.message)")
                    messages.insert(error.message)
                }
            }
            #expect(messages.count == 1, "1 km east, 2 km east and 1 km west answer the same")
            // Positions cannot be tried freely either: refusals away from the site count as the volunteer's wrong guesses.
            for longitude in [120.1800, 120.1900] {
                await expectLedgerError(.notOnSite(positionGiven: true)) {
                    _ = try await ledger.selfCheckIn(activityId: activity.id, code: code,
                                                     position: GeoPosition(latitude: 30.2590, longitude: longitude), by: Self.volunteer(members[0]))
                }
            }
            await expectLedgerErrorCode("attendance-code-throttled") {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: GeoPosition(latitude: 30.2590, longitude: 120.1500),
                                                 by: Self.volunteer(members[0]))
            }
        }
    }

    @Test(arguments: Backend.all)
    func aSelfCheckOutKeepsItsPositionAndIsRefusedOrFlaggedAwayFromTheSite(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            var ledger = t.ledger()
            ledger.attendance = Self.codes
            let (activity, members) = try await Self.setUp(ledger, members: 2)
            let siteRequired = ActivitySite(latitude: 30.2590, longitude: 120.1500, radius: 200, presenceRequired: true)
            _ = try await ledger.setActivitySite(activityId: activity.id, siteRequired, by: Self.op)
            let near = GeoPosition(latitude: 30.2590, longitude: 120.15156, accuracy: 10)
            let far = GeoPosition(latitude: 30.2590, longitude: 120.16040, accuracy: 12)
            let code = Self.codes.code(activityId: activity.id, at: Make.now).code
            for member in members {
                _ = try await ledger.selfCheckIn(activityId: activity.id, code: code, position: near, by: Self.volunteer(member))
            }
            var later = t.ledger(clock: { Make.june(15, 14) })
            later.attendance = Self.codes
            let laterCode = Self.codes.code(activityId: activity.id, at: Make.june(15, 14)).code

            // Presence required: away or without a position, the check-out is refused and the check-in stays open.
            await expectLedgerError(.notOnSite(positionGiven: true)) {
                _ = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: far, by: Self.volunteer(members[0]))
            }
            await expectLedgerError(.notOnSite(positionGiven: false)) {
                _ = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: nil, by: Self.volunteer(members[0]))
            }
            #expect(try await t.store.read { try $0.openCheckIn(volunteerId: members[0].id) }?.state == .open)
            let (onSite, _) = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: near, by: Self.volunteer(members[0]))
            #expect(onSite.checkOutPosition == near && !onSite.checkOutOffSite)

            // Presence not required: away is accepted and flagged; the flag and position are stored and weigh the record.
            var relaxed = siteRequired
            relaxed.presenceRequired = false
            _ = try await ledger.setActivitySite(activityId: activity.id, relaxed, by: Self.op)
            let (away, record) = try await later.selfCheckOut(activityId: activity.id, code: laterCode, position: far, by: Self.volunteer(members[1]))
            #expect(away.checkOutOffSite && away.checkOutPosition == far && !away.offSite)
            let stored = try await t.store.read { r in (try r.checkIn(id: away.id), try r.checkIn(id: onSite.id)) }
            #expect(stored.0?.checkOutPosition == far && stored.0?.checkOutOffSite == true && stored.0?.state == .checkedOut)
            #expect(stored.1?.checkOutPosition == near && stored.1?.checkOutOffSite == false)
            let flagged = try await t.store.read { try $0.offSiteRecordIds(among: [record.id, onSite.recordId ?? 0]) }
            #expect(flagged == [record.id])
        }
    }

    @Test(arguments: Backend.all)
    func aCodeIsLookedUpBeforeAnyPasswordIsHashedAndGuessesAreThrottled(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let hasher = CountingHasher()
            var ledger = t.ledger()
            ledger.passwords = hasher
            let (activity, members) = try await Self.setUp(ledger, members: 2)
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: activity.organizationId)
            let issued = try await ledger.inviteVolunteer(volunteerId: members[0].id, by: staff)
            let unknown = InvitationCode.random(.seeded(99))

            // Unknown codes and wrong document numbers cost no bcrypt.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.redeemInvitation(code: unknown, documentNumber: members[0].documentNumber, username: "guess-1",
                                                      password: "a-long-password", clientAddress: "203.0.113.9")
            }
            for n in 0..<4 {
                await expectLedgerErrorCode("invalid-field") {
                    _ = try await ledger.redeemInvitation(code: issued.code, documentNumber: members[1].documentNumber, username: "guess-2",
                                                          password: "a-long-password", clientAddress: "198.51.100.\(n)")
                }
            }
            #expect(hasher.count == 0)
            // One more wrong document number for the code, from yet another address; then the code must wait, even with
            // the right number, from anywhere.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.redeemInvitation(code: issued.code, documentNumber: members[1].documentNumber, username: "guess-2",
                                                      password: "a-long-password", clientAddress: "192.0.2.1")
            }
            await expectLedgerError(.invitationThrottled(retryAfterSeconds: 1)) {
                _ = try await ledger.redeemInvitation(code: issued.code, documentNumber: members[0].documentNumber, username: "guess-3",
                                                      password: "a-long-password", clientAddress: "192.0.2.2")
            }
            #expect(hasher.count == 0)
            #expect(try await t.store.read { try $0.hasLogin(volunteerId: members[0].id) } == false)

            // One address trying many codes waits after ten.
            for n in 0..<9 {
                await expectLedgerErrorCode("invalid-field") {
                    _ = try await ledger.redeemInvitation(code: InvitationCode.random(.seeded(UInt64(n))), documentNumber: "x", username: "guess-4",
                                                          password: "a-long-password", clientAddress: "203.0.113.9")
                }
            }
            await expectLedgerErrorCode("invitation-throttled") {
                _ = try await ledger.redeemInvitation(code: InvitationCode.random(.seeded(1000)), documentNumber: "x", username: "guess-4",
                                                      password: "a-long-password", clientAddress: "203.0.113.9")
            }
            #expect(hasher.count == 0)
        }
    }

    @Test(arguments: Backend.all)
    func anOlderInvitationIsVoidOnceANewerOneIsIssued(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let (activity, members) = try await Self.setUp(ledger, members: 2)
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: activity.organizationId)
            let first = try await ledger.inviteVolunteer(volunteerId: members[0].id, by: staff)
            let other = try await ledger.inviteVolunteer(volunteerId: members[1].id, by: staff)
            let second = try await ledger.inviteVolunteer(volunteerId: members[0].id, by: staff)
            #expect(try await t.store.read { try $0.newestInvitationId(volunteerId: members[0].id) } == second.invitation.id)
            #expect(try await t.store.read { try $0.newestInvitationId(volunteerId: members[1].id) } == other.invitation.id)
            #expect(try await t.store.read { try $0.newestInvitationId(volunteerId: 999_999) } == nil)

            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.redeemInvitation(code: first.code, documentNumber: members[0].documentNumber, username: "old-code",
                                                      password: "a-long-password")
            }
            #expect(try await t.store.read { try $0.hasLogin(volunteerId: members[0].id) } == false)
            let account = try await ledger.redeemInvitation(code: second.code, documentNumber: members[0].documentNumber, username: "new-code",
                                                            password: "a-long-password")
            #expect(account.volunteerId == members[0].id)
            // Another volunteer's invitation is untouched by it.
            let theirs = try await ledger.redeemInvitation(code: other.code, documentNumber: members[1].documentNumber, username: "other-code",
                                                           password: "a-long-password")
            #expect(theirs.volunteerId == members[1].id)
        }
    }
}
