import Foundation
import LedgerCore
import Testing

/// Findings: a discrepancy corrects the record through the normal revision path, with the campaign as reason.
@Suite struct SpotCheckFindingTests {
    @Test func overstatedHoursAreCorrectedByARevisionNamingTheCampaign() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.assigned()
        let item = detail.sample[0].unit.id
        let before = try bed.record(item)
        let inspector = try bed.teamMember(of: item, in: detail)
        let finding = try await bed.ledger.decideSpotCheckItem(
            campaignId: detail.campaign.id,
            FindingInput(item: item, outcome: .discrepancy, discrepancy: .hoursOverstated, correctedMinutes: before.minutes - 30,
                         notes: "活动签到表显示提前离开", checklist: InspectionChecklist(fieldsComplete: true, hoursMatch: false)),
            by: inspector)
        #expect(finding.correctionRevision == 2)
        #expect(finding.decidedBy == inspector.userId)
        let after = try await bed.ledger.record(id: before.id, by: SpotCheckBed.op)
        #expect(after.minutes == before.minutes - 30)
        let history = try await bed.ledger.history(recordId: before.id, by: SpotCheckBed.op)
        #expect(history.map(\.kind) == [.created, .corrected])
        #expect(history[1].reason.contains("抽查 #\(detail.campaign.id)"))
        #expect(history[1].actorId == inspector.userId)
        #expect(try await bed.ledger.verifyAuditChains(by: SpotCheckBed.op).isIntact)
    }

    @Test func aVolunteerWhoDidNotServeHasTheRecordVoided() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.assigned()
        let item = detail.sample[1].unit.id
        let finding = try await bed.ledger.decideSpotCheckItem(
            campaignId: detail.campaign.id, FindingInput(item: item, outcome: .discrepancy, discrepancy: .didNotServe), by: SpotCheckBed.op)
        #expect(finding.correctionRevision == 2)
        let record = try await bed.ledger.record(id: Int64(item)!, by: SpotCheckBed.op)
        #expect(record.isVoid)
        #expect(try await bed.ledger.history(recordId: record.id, by: SpotCheckBed.op).last?.kind == .voided)
    }

    @Test func aCorrectionTheRulesRefuseIsLeftToTheOrganization() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.assigned()
        let item = detail.sample[2].unit.id
        let before = try bed.record(item)
        // More minutes than the recorded span: the times must be corrected first.
        let finding = try await bed.ledger.decideSpotCheckItem(
            campaignId: detail.campaign.id,
            FindingInput(item: item, outcome: .discrepancy, discrepancy: .hoursUnderstated, correctedMinutes: before.minutes + 240),
            by: SpotCheckBed.op)
        #expect(finding.correctionRevision == nil)
        #expect(finding.correctionNote.contains("待组织更正"))
        #expect(try await bed.ledger.record(id: before.id, by: SpotCheckBed.op).revision == 1)
        #expect(try await bed.ledger.spotCheck(id: detail.campaign.id, by: SpotCheckBed.op).findings.count == 1)
    }

    @Test func findingsMustBeCoherentAndAreRecordedOnce() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.assigned()
        let id = detail.campaign.id
        let item = detail.sample[0].unit.id
        let recorded = try bed.record(item).minutes
        let invalid: [FindingInput] = [
            FindingInput(item: item, outcome: .confirmed, discrepancy: .other),
            FindingInput(item: item, outcome: .discrepancy),
            FindingInput(item: item, outcome: .discrepancy, discrepancy: .hoursOverstated),
            FindingInput(item: item, outcome: .discrepancy, discrepancy: .hoursOverstated, correctedMinutes: recorded + 10),
            FindingInput(item: item, outcome: .discrepancy, discrepancy: .didNotServe, correctedMinutes: 60),
            FindingInput(item: item, outcome: .unverifiable, correctedMinutes: 10),
        ]
        for input in invalid {
            await #expect(throws: LedgerError.self, "\(input)") {
                _ = try await bed.ledger.decideSpotCheckItem(campaignId: id, input, by: SpotCheckBed.op)
            }
        }
        #expect(try await bed.ledger.record(id: Int64(item)!, by: SpotCheckBed.op).revision == 1)
        await #expect(throws: LedgerError.notFound(entity: "spot-check item", key: "999999")) {
            _ = try await bed.ledger.decideSpotCheckItem(campaignId: id, FindingInput(item: "999999", outcome: .confirmed), by: SpotCheckBed.op)
        }
        _ = try await bed.ledger.decideSpotCheckItem(campaignId: id, FindingInput(item: item, outcome: .confirmed), by: SpotCheckBed.op)
        await expectLedgerError(.findingExists(item: item)) {
            _ = try await bed.ledger.decideSpotCheckItem(campaignId: id, FindingInput(item: item, outcome: .unverifiable), by: SpotCheckBed.op)
        }
    }

    @Test func onlyTheAssignedTeamDecides() async throws {
        let bed = try await SpotCheckBed.make(inspectors: 5)
        let detail = try await bed.assigned(SpotCheckBed.input(size: 2))
        let item = detail.sample[0].unit.id
        let team = Set(detail.assignments.filter { $0.unitId == item }.map(\.inspectorId))
        let outsider = try #require(bed.inspectors.first { !team.contains($0.id) })
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.decideSpotCheckItem(campaignId: detail.campaign.id, FindingInput(item: item, outcome: .confirmed),
                                                         by: Principal(outsider))
        }
        let orgAdmin = Principal(userId: nil, role: .organizationAdmin, organizationId: bed.organizations[0].id)
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.decideSpotCheckItem(campaignId: detail.campaign.id, FindingInput(item: item, outcome: .confirmed),
                                                         by: orgAdmin)
        }
        let finding = try await bed.ledger.decideSpotCheckItem(
            campaignId: detail.campaign.id, FindingInput(item: item, outcome: .confirmed), by: try bed.teamMember(of: item, in: detail))
        #expect(finding.outcome == .confirmed)
    }
}
