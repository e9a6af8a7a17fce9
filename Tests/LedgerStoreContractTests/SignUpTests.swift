import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Testing

/// Recruitment (招募报名) on both stores: places and the waiting list, who may sign up, staff decisions, and
/// capacity held against concurrent sign-ups from two processes.
@Suite("Sign-ups")
struct SignUpTests {
    static let op = Principal.localOperator

    /// An organization with an activity on 20 June open for sign-up, and volunteers 1...`count` registered with it.
    struct Setting {
        var organization: Organization
        var activity: Activity
        var volunteers: [Volunteer]
        func principal(_ index: Int) -> Principal {
            Principal(userId: nil, role: .volunteer, volunteerId: volunteers[index].id)
        }
    }

    static func setting(_ ledger: Ledger, volunteers count: Int, capacity: Int, audience: RecruitmentAudience = .members,
                        skills: [String] = []) async throws -> Setting {
        let organization = try await ledger.createOrganization(Make.organizationInput(1), by: op)
        let activity = try await ledger.createActivity(Make.activityInput(day: 20), organizationId: organization.id, by: op)
        var volunteers: [Volunteer] = []
        for n in 0..<count {
            volunteers.append(try await ledger.registerVolunteer(Make.registration(n + 1), organizationId: organization.id, by: op).volunteer)
        }
        _ = try await ledger.openForSignUp(activityId: activity.id, RecruitmentInput(audience: audience, capacity: capacity,
                                                                                 deadline: Make.june(19, 18), requiredSkills: skills), by: op)
        return Setting(organization: organization, activity: activity, volunteers: volunteers)
    }

    @Test(arguments: Backend.all)
    func placesFillInOrderAndTheWaitingListMovesUp(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger, volunteers: 4, capacity: 2)
            var signUps: [SignUp] = []
            for i in 0..<4 { signUps.append(try await ledger.signUp(activityId: s.activity.id, by: s.principal(i))) }
            #expect(signUps.map(\.state) == [.pending, .pending, .waitlisted, .waitlisted])
            await expectLedgerError(.alreadySignedUp(signUpId: signUps[2].id, state: .waitlisted)) {
                _ = try await ledger.signUp(activityId: s.activity.id, by: s.principal(2))
            }
            // A place frees: the first waiting moves up, the second keeps waiting.
            let canceled = try await ledger.cancelSignUp(id: signUps[0].id, by: s.principal(0))
            #expect(canceled.state == .canceled)
            var roster = try await ledger.signUps(activityId: s.activity.id, after: nil, limit: nil, by: Self.op).items.map(\.signUp)
            #expect(roster.map(\.state) == [.canceled, .pending, .pending, .waitlisted])
            // Declining needs a reason and frees the place too; repeating a decision changes nothing.
            await expectLedgerError(.reasonRequired) {
                _ = try await ledger.decideSignUp(id: signUps[1].id, .decline, reason: " ", by: Self.op)
            }
            _ = try await ledger.decideSignUp(id: signUps[1].id, .decline, reason: "名额调整", by: Self.op)
            let again = try await ledger.decideSignUp(id: signUps[1].id, .decline, reason: "再次", by: Self.op)
            #expect(again.reason == "名额调整")
            await expectLedgerError(.signUpNotActive(signUpId: signUps[1].id, state: .declined)) {
                _ = try await ledger.decideSignUp(id: signUps[1].id, .confirm, reason: nil, by: Self.op)
            }
            let confirmed = try await ledger.decideSignUp(id: signUps[2].id, .confirm, reason: nil, by: Self.op)
            #expect(confirmed.state == .confirmed)
            roster = try await ledger.signUps(activityId: s.activity.id, after: nil, limit: nil, by: Self.op).items.map(\.signUp)
            #expect(roster.map(\.state) == [.canceled, .declined, .confirmed, .pending])
            // A withdrawn sign-up is final; the volunteer may sign up anew, and waits as the places are taken.
            await expectLedgerError(.signUpNotActive(signUpId: signUps[0].id, state: .canceled)) {
                _ = try await ledger.cancelSignUp(id: signUps[0].id, by: s.principal(0))
            }
            #expect(try await ledger.signUp(activityId: s.activity.id, by: s.principal(0)).state == .waitlisted)
            let open = try await ledger.recruitment(activityId: s.activity.id, by: s.principal(0))
            #expect(open.placesTaken == 2 && open.waiting == 1 && open.placesLeft == 0)
            // A larger capacity moves the waiting list up at once.
            _ = try await ledger.openForSignUp(activityId: s.activity.id, RecruitmentInput(audience: .members, capacity: 3,
                                                                                       deadline: Make.june(19, 18)), by: Self.op)
            #expect(try await ledger.ownSignUps(after: nil, limit: nil, by: s.principal(0)).items.map(\.state) == [.canceled, .pending])
        }
    }

    @Test(arguments: Backend.all)
    func whoMaySignUp(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger, volunteers: 1, capacity: 5, skills: ["急救", "手语"])
            // Someone else's volunteer: registered with another organization.
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let outsider = try await ledger.registerVolunteer(Make.registration(9), organizationId: other.id, by: Self.op).volunteer
            let outsiderPrincipal = Principal(userId: nil, role: .volunteer, volunteerId: outsider.id)
            await expectLedgerError(.missingSkills(["手语"])) {
                _ = try await ledger.signUp(activityId: s.activity.id, by: s.principal(0))
            }
            await #expect(throws: LedgerError.self, "members only") {
                _ = try await ledger.signUp(activityId: s.activity.id, by: outsiderPrincipal)
            }
            await #expect(throws: LedgerError.self, "staff do not sign up") {
                _ = try await ledger.signUp(activityId: s.activity.id, by: Self.op)
            }
            #expect(try await ledger.openActivities(OpenActivityFilter(now: Make.now), after: nil, limit: nil, by: outsiderPrincipal).items.isEmpty)
            #expect(try await ledger.openActivities(OpenActivityFilter(now: Make.now), after: nil, limit: nil, by: s.principal(0))
                .items.map(\.activity.id) == [s.activity.id])

            // Open to everyone without the skills: the outsider signs up and becomes a member when confirmed.
            _ = try await ledger.openForSignUp(activityId: s.activity.id, RecruitmentInput(audience: .everyone, capacity: 5,
                                                                                       deadline: Make.june(19, 18)), by: Self.op)
            let listed = try await ledger.openActivities(OpenActivityFilter(now: Make.now, category: .communityService, regionPrefix: "3301"),
                                                         after: nil, limit: nil, by: outsiderPrincipal)
            #expect(listed.items.map(\.activity.id) == [s.activity.id])
            #expect(try await ledger.openActivities(OpenActivityFilter(now: Make.now, regionPrefix: "11"), after: nil, limit: nil,
                                                    by: outsiderPrincipal).items.isEmpty)
            let signUp = try await ledger.signUp(activityId: s.activity.id, by: outsiderPrincipal)
            _ = try await ledger.decideSignUp(id: signUp.id, .confirm, reason: nil, by: Self.op)
            let memberships = try await t.store.read { try $0.memberships(volunteerId: outsider.id) }
            #expect(Set(memberships.map(\.organizationId)) == [other.id, s.organization.id])

            // Past the deadline nothing is taken; a deadline after the activity's end is refused.
            let late = Ledger(store: t.store, clock: { Make.june(19, 18) })
            await expectLedgerError(.signUpClosed(activityId: s.activity.id)) {
                _ = try await late.signUp(activityId: s.activity.id, by: s.principal(0))
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.openForSignUp(activityId: s.activity.id, RecruitmentInput(audience: .everyone, capacity: 5,
                                                                                           deadline: Make.june(21, 9)), by: Self.op)
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.openForSignUp(activityId: s.activity.id, RecruitmentInput(audience: .everyone, capacity: 0,
                                                                                           deadline: Make.june(19, 9)), by: Self.op)
            }
        }
    }

    /// Sign-ups racing through two stores on one database, as two `vledger serve` would send them: never more
    /// places taken than the capacity, and everyone else waits.
    @Test(arguments: Backend.all)
    func capacityHoldsAcrossProcesses(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let second: any LedgerStore
            switch t.backend {
            case .sqlite: second = try SQLiteLedgerStore(path: String(t.url.dropFirst("sqlite:".count)))
            case .postgres: second = try await PostgresLedgerStore(url: t.url, logger: TestPostgres.logger)
            }
            let ledgers = [t.ledger(), Ledger(store: second, clock: { Make.now })]
            let s = try await Self.setting(ledgers[0], volunteers: 10, capacity: 3)
            let outcomes = await withTaskGroup(of: Result<SignUp, any Error>.self) { group in
                for i in 0..<10 {
                    let ledger = ledgers[i % 2]
                    let principal = s.principal(i)
                    group.addTask { await Result { try await ledger.signUp(activityId: s.activity.id, by: principal) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let states = outcomes.compactMap { try? $0.get().state }
            #expect(states.count == 10, "every sign-up is taken: \(outcomes)")
            #expect(states.filter { $0 == .pending }.count == 3)
            #expect(states.filter { $0 == .waitlisted }.count == 7)
            try await second.close()
        }
    }
}
