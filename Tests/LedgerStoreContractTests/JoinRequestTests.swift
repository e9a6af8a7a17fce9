import Foundation
import LedgerCore
import Testing

/// Joining an organization (申请加入) on both stores: a volunteer asks once, staff of that organization (only) accept or
/// decline, accepting makes a member, leaving keeps the membership as ended, and organizations may take no requests.
@Suite("Join requests")
struct JoinRequestTests {
    static let op = Principal.localOperator

    struct Setting {
        var joined: Organization
        var other: Organization
        var volunteer: Volunteer
        var second: Volunteer
        var asker: Principal { Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id) }
        var secondAsker: Principal { Principal(userId: nil, role: .volunteer, volunteerId: second.id) }
        var staff: Principal { Principal(userId: 7, role: .organizationStaff, organizationId: joined.id) }
        var otherStaff: Principal { Principal(userId: 8, role: .organizationStaff, organizationId: other.id) }
    }

    /// Organization 1 (to join) and 2 (where volunteers 1 and 2 are registered).
    static func setting(_ ledger: Ledger) async throws -> Setting {
        let joined = try await ledger.createOrganization(Make.organizationInput(1), by: op)
        let other = try await ledger.createOrganization(Make.organizationInput(2), by: op)
        let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: other.id, by: op).volunteer
        let second = try await ledger.registerVolunteer(Make.registration(2), organizationId: other.id, by: op).volunteer
        return Setting(joined: joined, other: other, volunteer: volunteer, second: second)
    }

    @Test(arguments: Backend.all)
    func aVolunteerAsksStaffAcceptAndTheVolunteerLeavesWithTheMembershipKept(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger)
            let asked = try await ledger.askToJoin(organizationId: s.joined.id, note: "  住在附近，周末有空  ", by: s.asker)
            #expect(asked.state == .pending && asked.note == "住在附近，周末有空" && asked.requestedAt == Make.now)
            // A second request while one is pending: 409, nothing stored.
            await expectLedgerError(.joinRequestPending(requestId: asked.id)) {
                _ = try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.asker)
            }
            // Staff of another organization do not see the requests, or the request (not-found); staff cannot ask.
            await expectLedgerErrorCode("not-found") {
                _ = try await ledger.joinRequests(organizationId: s.joined.id, after: nil, limit: nil, by: s.otherStaff)
            }
            await expectLedgerErrorCode("not-found") {
                _ = try await ledger.decideJoinRequest(id: asked.id, .accept, reason: nil, by: s.otherStaff)
            }
            await expectLedgerErrorCode("not-found") { _ = try await ledger.joinRequest(id: asked.id, by: s.secondAsker) }
            await expectLedgerErrorCode("forbidden") { _ = try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.staff) }
            let listed = try await ledger.joinRequests(organizationId: s.joined.id, after: nil, limit: nil, by: s.staff).items
            #expect(listed.map(\.request.id) == [asked.id])
            #expect(listed.first?.volunteerName == "志愿者1" && listed.first?.volunteerNumber == s.volunteer.number)
            // Declining needs a reason; accepting makes a member; repeating changes nothing; the other way is refused.
            await expectLedgerError(.reasonRequired) { _ = try await ledger.decideJoinRequest(id: asked.id, .decline, reason: " ", by: s.staff) }
            let accepted = try await ledger.decideJoinRequest(id: asked.id, .accept, reason: nil, by: s.staff)
            #expect(accepted.state == .accepted && accepted.decidedBy == 7 && accepted.decidedAt == Make.now)
            #expect(try await ledger.decideJoinRequest(id: asked.id, .accept, reason: nil, by: s.staff) == accepted)
            await expectLedgerError(.joinRequestDecided(requestId: asked.id, state: .accepted)) {
                _ = try await ledger.decideJoinRequest(id: asked.id, .decline, reason: "名额已满", by: s.staff)
            }
            #expect(try await t.store.read { try $0.isMember(volunteerId: s.volunteer.id, of: s.joined.id) })
            #expect(try await ledger.joinRequests(organizationId: s.joined.id, after: nil, limit: nil, by: s.staff).items.isEmpty)
            await expectLedgerError(.alreadyMember(organizationId: s.joined.id)) {
                _ = try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.asker)
            }

            // Leaving ends the membership, kept with its times; leaving again is not-found; the volunteer may ask again.
            let ending = try await ledger.leaveOrganization(organizationId: s.joined.id, by: s.asker)
            #expect(ending.organizationId == s.joined.id && ending.joinedAt == Make.now && ending.leftAt == Make.now)
            #expect(try await t.store.read { try $0.isMember(volunteerId: s.volunteer.id, of: s.joined.id) } == false)
            #expect(try await ledger.ownMembershipEndings(after: nil, limit: nil, by: s.asker).items == [ending])
            await expectLedgerErrorCode("not-found") { _ = try await ledger.leaveOrganization(organizationId: s.joined.id, by: s.asker) }
            let again = try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.asker)
            await expectLedgerErrorCode("not-found") { _ = try await ledger.withdrawJoinRequest(id: again.id, by: s.secondAsker) }
            #expect(try await ledger.withdrawJoinRequest(id: again.id, by: s.asker).state == .withdrawn)
            let own = try await ledger.ownJoinRequests(after: nil, limit: nil, by: s.asker).items
            #expect(own.map(\.request.state) == [.accepted, .withdrawn] && own.allSatisfy { $0.organizationName == s.joined.name })
        }
    }

    @Test(arguments: Backend.all)
    func anOrganizationThatTakesNoRequestsRefusesThemAndKeepsItsOtherSetting(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger)
            let admin = Principal(userId: 9, role: .organizationAdmin, organizationId: s.joined.id)
            _ = try await ledger.updateOrganizationSettings(organizationId: s.joined.id, checkOutGraceMinutes: 30, acceptsJoinRequests: false,
                                                            by: admin)
            await expectLedgerError(.joinRequestsClosed(organizationId: s.joined.id)) {
                _ = try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.asker)
            }
            #expect(try await ledger.joinStanding(organizationId: s.joined.id, by: s.asker).mayAsk == false)
            // Changing only the grace keeps the join setting.
            let kept = try await ledger.updateOrganizationSettings(organizationId: s.joined.id, checkOutGraceMinutes: 60, by: admin)
            #expect(kept.acceptsJoinRequests == false && kept.checkOutGraceMinutes == 60)
            let reopened = try await ledger.updateOrganizationSettings(organizationId: s.joined.id, checkOutGraceMinutes: 60,
                                                                       acceptsJoinRequests: true, by: admin)
            #expect(reopened.acceptsJoinRequests)
            #expect(try await ledger.askToJoin(organizationId: s.joined.id, note: nil, by: s.asker).state == .pending)
            // A note over 200 characters is refused, nothing stored; an unknown organization is not-found.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.askToJoin(organizationId: s.joined.id, note: String(repeating: "长", count: 201), by: s.secondAsker)
            }
            await expectLedgerErrorCode("not-found") { _ = try await ledger.askToJoin(organizationId: 99_999, note: nil, by: s.secondAsker) }
            #expect(try await t.store.read { try $0.joinRequests(after: nil, limit: 10) }.count == 1)
        }
    }

    @Test(arguments: Backend.all)
    func theDatabaseKeepsOnePendingRequestAndDecidesOnceAndPagesByIdentifier(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger)
            let request = JoinRequest(id: 0, organizationId: s.joined.id, volunteerId: s.volunteer.id, note: "", state: .pending,
                                      requestedAt: Make.now)
            let stored = try #require(try await t.store.write { try $0.insert(request) })
            #expect(try await t.store.write { try $0.insert(request) } == nil)
            var declined = stored
            declined.state = .declined
            declined.decidedAt = Make.now
            declined.reason = "不符合条件"
            let decline = declined
            #expect(try await t.store.write { try $0.decide(decline) })
            let accepted = with(declined) { $0.state = .accepted }
            #expect(try await t.store.write { try $0.decide(accepted) } == false)
            #expect(try await t.store.read { try $0.joinRequest(id: stored.id) } == decline)
            // Requests are never deleted.
            await #expect(throws: (any Error).self) { try await t.rawExecute("DELETE FROM join_requests") }
            // Paging: the organization's pending ones by id, two at a time.
            var extra: [Volunteer] = []
            for n in 3...5 {
                extra.append(try await ledger.registerVolunteer(Make.registration(n), organizationId: s.other.id, by: Self.op).volunteer)
            }
            for volunteer in extra {
                _ = try await ledger.askToJoin(organizationId: s.joined.id, note: nil,
                                               by: Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id))
            }
            let first = try await ledger.joinRequests(organizationId: s.joined.id, after: nil, limit: 2, by: s.staff)
            let second = try await ledger.joinRequests(organizationId: s.joined.id, after: first.nextAfter, limit: 2, by: s.staff)
            #expect(first.items.count == 2 && first.nextAfter != nil && second.items.count == 1 && second.nextAfter == nil)
            #expect(Set((first.items + second.items).map(\.request.volunteerId)) == Set(extra.map(\.id)))
            let all = try await ledger.joinRequests(organizationId: s.joined.id, state: nil, after: nil, limit: 10, by: s.staff)
            #expect(all.items.count == 4)
        }
    }
}
