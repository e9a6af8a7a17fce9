import Foundation
import LedgerCore
import Testing

/// The second random draw: inspectors never check an organization they belong to or declared a conflict
/// with (回避), workloads stay balanced, and each sees a worklist with what to check.
@Suite struct SpotCheckInspectorTests {
    @Test func noInspectorIsSentToAnOrganizationTheyMustAvoid() async throws {
        let bed = try await SpotCheckBed.make(inspectors: 5)
        let (a, b) = (bed.organizations[0], bed.organizations[1])
        _ = try await bed.ledger.declareInspectorExclusion(
            ExclusionInput(inspectorId: bed.inspectors[0].id, organizationId: a.id, kind: .affiliation, reason: "原单位"), by: SpotCheckBed.op)
        _ = try await bed.ledger.declareInspectorExclusion(
            ExclusionInput(organizationId: b.id, kind: .conflict, reason: "亲属任该组织负责人"), by: Principal(bed.inspectors[1]))
        let detail = try await bed.assigned(SpotCheckBed.input(size: 24))
        let organizationOf = Dictionary(uniqueKeysWithValues: detail.sample.map { ($0.unit.id, $0.organizationId) })
        for assignment in detail.assignments {
            let organization = organizationOf[assignment.unitId]!
            if assignment.inspectorId == bed.inspectors[0].id { #expect(organization != a.id) }
            if assignment.inspectorId == bed.inspectors[1].id { #expect(organization != b.id) }
        }
        // The pool is kept with the campaign, as it stood.
        let pool = try #require(detail.campaign.inspectorPool)
        #expect(pool.first { $0.inspectorId == bed.inspectors[1].id }?.excludedOrganizations == [b.creditCode])
        // 24 units x 2 = 48 slots over 5 inspectors: 9 or 10 each, conflicts notwithstanding.
        var loads: [Int64: Int] = [:]
        for assignment in detail.assignments { loads[assignment.inspectorId, default: 0] += 1 }
        #expect(loads.count == 5)
        #expect(loads.values.max()! - loads.values.min()! <= 1)
        #expect(Set(detail.assignments.map(\.unitId)).count == 24)
        #expect(Dictionary(grouping: detail.assignments, by: \.unitId).values.allSatisfy { Set($0.map(\.inspectorId)).count == 2 })
    }

    @Test func theAssignmentIsReproducibleFromTheSeed() async throws {
        let bed = try await SpotCheckBed.make()
        let first = try await bed.assigned(SpotCheckBed.input(size: 9))
        let second = try await bed.assigned(SpotCheckBed.input(size: 9))
        #expect(first.assignments.map { "\($0.unitId)/\($0.inspectorId)" } == second.assignments.map { "\($0.unitId)/\($0.inspectorId)" })
        let pool = try #require(first.campaign.inspectorPool).map(\.assignee)
        let units = first.sample.map { InspectorAssignment.Unit(id: $0.unit.id, organization: $0.unit.stratum) }
        let derived = try InspectorAssignment.assign(units: units, pool: pool, perUnit: 2, seed: SpotCheckBed.seed)
        #expect(derived.teams == units.map { unit in first.assignments.filter { $0.unitId == unit.id }.map { String($0.inspectorId) } })
    }

    @Test func tooFewEligibleInspectorsStopsTheAssignment() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 2, inspectors: 2)
        for organization in bed.organizations {
            _ = try await bed.ledger.declareInspectorExclusion(
                ExclusionInput(inspectorId: bed.inspectors[0].id, organizationId: organization.id, kind: .affiliation), by: SpotCheckBed.op)
        }
        let drawn = try await bed.drawn(SpotCheckBed.input(size: 2))
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.assignSpotCheck(id: drawn.campaign.id, by: SpotCheckBed.op) }
        #expect(try await bed.ledger.spotCheck(id: drawn.campaign.id, by: SpotCheckBed.op).campaign.status == .drawn)
    }

    @Test func inspectorsDeclareOnlyTheirOwnConflictsAndOnlyThePlatformWithdraws() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 1)
        let me = Principal(bed.inspectors[0])
        let organization = bed.organizations[2].id
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.declareInspectorExclusion(
                ExclusionInput(inspectorId: bed.inspectors[1].id, organizationId: organization, kind: .conflict), by: me)
        }
        let volunteer = Principal(userId: nil, role: .volunteer, volunteerId: bed.volunteers[0].id)
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.declareInspectorExclusion(ExclusionInput(organizationId: organization, kind: .conflict), by: volunteer)
        }
        let declared = try await bed.ledger.declareInspectorExclusion(
            ExclusionInput(organizationId: organization, kind: .conflict, reason: "曾任该组织理事"), by: me)
        #expect(declared.inspectorId == bed.inspectors[0].id)
        #expect(declared.reason == "曾任该组织理事")
        #expect(try await bed.ledger.inspectorExclusions(inspectorId: nil, by: me).map(\.organizationId) == [organization])
        await #expect(throws: LedgerError.self) {
            try await bed.ledger.removeInspectorExclusion(inspectorId: declared.inspectorId, organizationId: organization, kind: .conflict, by: me)
        }
        try await bed.ledger.removeInspectorExclusion(inspectorId: declared.inspectorId, organizationId: organization, kind: .conflict,
                                                      by: SpotCheckBed.op)
        #expect(try await bed.ledger.inspectorExclusions(inspectorId: nil, by: SpotCheckBed.op).isEmpty)
    }

    @Test func theWorklistShowsWhatToCheckWithMaskedContacts() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.assigned(SpotCheckBed.input(size: 6))
        let inspector = bed.inspectors[0]
        let mine = Set(detail.assignments.filter { $0.inspectorId == inspector.id }.map(\.unitId))
        #expect(!mine.isEmpty)
        let worklist = try await bed.ledger.spotCheckWorklist(by: Principal(inspector))
        #expect(Set(worklist.map(\.itemId)) == mine)
        let item = try #require(worklist.first)
        let record = try #require(item.record)
        let volunteer = try #require(bed.volunteers.first { $0.id == record.volunteerId })
        #expect(item.history.count == 1)
        #expect(item.activity?.id == record.activityId)
        #expect(item.organization.contactPhone.hasPrefix("1380000000"))
        #expect(item.volunteer?.number == volunteer.number)
        #expect(item.volunteer?.phone == Masking.phone(volunteer.phone))
        #expect(item.volunteer?.phone != volunteer.phone)
        #expect(item.volunteer?.documentNumber.contains("*") == true)
        #expect(item.team.contains(inspector.id))

        // Decided items drop out of the open list.
        _ = try await bed.ledger.decideSpotCheckItem(campaignId: detail.campaign.id, FindingInput(item: item.itemId, outcome: .confirmed),
                                                     by: Principal(inspector))
        let open = try await bed.ledger.spotCheckWorklist(includeDecided: false, by: Principal(inspector))
        #expect(open.count == worklist.count - 1)
        // Others' worklists are closed to inspectors; the platform reads anyone's.
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.spotCheckWorklist(inspectorId: bed.inspectors[1].id, by: Principal(inspector))
        }
        #expect(try await bed.ledger.spotCheckWorklist(inspectorId: inspector.id, by: SpotCheckBed.op).count == worklist.count)
    }
}
