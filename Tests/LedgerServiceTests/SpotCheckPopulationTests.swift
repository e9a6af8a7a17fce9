import Foundation
import LedgerCore
import Testing

/// What a campaign's scope puts in the frozen population, and how the sample size follows from it.
@Suite struct SpotCheckPopulationTests {
    static func members(_ bed: SpotCheckBed, _ campaign: SpotCheckCampaign) async throws -> [PopulationMember] {
        let text = try await bed.ledger.spotCheckPopulationText(id: campaign.id)
        return PopulationText.members(lines: text.split(separator: "\n").map(String.init)) ?? []
    }

    @Test func scopeFiltersByPeriodOrganizationRegionAndMinimumHours() async throws {
        let bed = try await SpotCheckBed.make()
        let june11 = try await bed.frozen(SpotCheckBed.input(scope: SpotCheckScope(from: LocalDate(year: 2026, month: 6, day: 11),
                                                                                to: LocalDate(year: 2026, month: 6, day: 11))))
        #expect(june11.populationSize == 12)
        let organization = try await bed.frozen(SpotCheckBed.input(scope: SpotCheckScope(organizationIds: [bed.organizations[1].id])))
        #expect(try await Self.members(bed, organization).allSatisfy { $0.stratum == bed.organizations[1].creditCode })
        #expect(organization.populationSize == 8)
        // 330100 is the city of 330106 and 330102, not of 330206.
        let city = try await bed.frozen(SpotCheckBed.input(scope: SpotCheckScope(regionCodes: ["330100"])))
        #expect(city.populationSize == 16)
        let province = try await bed.frozen(SpotCheckBed.input(scope: SpotCheckScope(regionCodes: ["330000"])))
        #expect(province.populationSize == 24)
        let long = try await bed.frozen(SpotCheckBed.input(scope: SpotCheckScope(minimumMinutes: 180)))
        #expect(long.populationSize == bed.records.filter { $0.minutes >= 180 }.count)
        #expect(long.populationSize == 9)
    }

    @Test func voidRecordsAreNotSampled() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 3)
        _ = try await bed.ledger.voidRecord(id: bed.records[0].id, reason: "重复登记", by: SpotCheckBed.op)
        let campaign = try await bed.frozen()
        #expect(campaign.populationSize == 8)
        #expect(try await Self.members(bed, campaign).allSatisfy { $0.id != String(bed.records[0].id) })
    }

    @Test func anEmptyScopeCannotBeFrozen() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 2)
        let campaign = try await bed.ledger.createSpotCheck(
            SpotCheckBed.input(scope: SpotCheckScope(from: LocalDate(year: 2025, month: 1, day: 1), to: LocalDate(year: 2025, month: 12, day: 31))),
            by: SpotCheckBed.op)
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op) }
        #expect(try await bed.ledger.spotCheck(id: campaign.id, by: SpotCheckBed.op).campaign.status == .draft)
    }

    @Test func stratifiedCampaignsCheckEveryOrganization() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.drawn(SpotCheckBed.input(size: 2, stratified: true))
        // Raised to one per organization.
        #expect(detail.campaign.sampleSize == 2)
        #expect(Set(detail.sample.map(\.unit.stratum)) == Set(bed.organizations.map(\.creditCode)))
        #expect(detail.sample.count == 3)
    }

    @Test func theTolerableRateSetsTheSize() async throws {
        let bed = try await SpotCheckBed.make()
        let campaign = try await bed.ledger.createSpotCheck(
            SpotCheckInput(title: "容忍偏差率抽查", unit: .records, sampleSize: SampleSizeRule(tolerableRate: 0.05)), by: SpotCheckBed.op)
        let frozen = try await bed.ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        // 24 records: 59 would exceed a tenth of them, so the exact hypergeometric size applies (D = 2).
        #expect(frozen.sizeMethod == .hypergeometric)
        #expect(frozen.sampleSize == 19)
    }

    @Test func organizationCampaignsSampleOrganizationsThenTheirRecords() async throws {
        let bed = try await SpotCheckBed.make()
        let campaign = try await bed.ledger.createSpotCheck(
            SpotCheckInput(title: "年度组织抽查", unit: .organizations, sampleSize: SampleSizeRule(level: .city),
                           recordsPerOrganization: 3), by: SpotCheckBed.op)
        let frozen = try await bed.ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        #expect(frozen.populationSize == 3)
        #expect(frozen.secondStageSize == 24)
        #expect(frozen.sampleSize == 1)
        let drawn = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: SpotCheckBed.op)
        let organizations = drawn.sample.filter { $0.unit.stage == 1 }
        let records = drawn.sample.filter { $0.unit.stage == 2 }
        #expect(organizations.count == 1)
        let chosen = try #require(organizations.first)
        #expect(chosen.unit.id == chosen.unit.stratum)
        #expect(chosen.unit.id == (try ConsistentSampler(seed: SpotCheckBed.seed).sample(bed.organizations.map(\.creditCode), size: 1)).first?.id)
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.unit.stratum == chosen.unit.id })
        let theirs = bed.records.filter { $0.organizationId == chosen.entityId }.map { String($0.id) }
        #expect(records.map(\.unit.id) == (try ConsistentSampler(seed: SpotCheckBed.seed).sample(theirs, size: 3)).map(\.id))

        // One team checks the organization; its records are the items.
        let assigned = try await bed.ledger.assignSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        #expect(assigned.assignments.map(\.unitId) == [chosen.unit.id, chosen.unit.id])
        #expect(try await bed.ledger.spotCheck(id: campaign.id, by: SpotCheckBed.op).openItems == 3)
        let member = try bed.teamMember(of: chosen.unit.id, in: assigned)
        let worklist = try await bed.ledger.spotCheckWorklist(by: member)
        #expect(worklist.map(\.itemId) == records.map(\.unit.id))
    }

    @Test func hourWeightedCampaignsFreezeTheWeights() async throws {
        let bed = try await SpotCheckBed.make()
        let campaign = try await bed.frozen(SpotCheckBed.input(weighting: .hours))
        let members = try await Self.members(bed, campaign)
        #expect(members.map(\.weight) == bed.records.map(\.minutes))
        let drawn = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: SpotCheckBed.op)
        let expected = try SampleOrder.byWeightedKey(members.map(\.id), weights: members.map(\.weight),
                                                     sampler: ConsistentSampler(seed: SpotCheckBed.seed)).prefix(6).map { members[$0.index].id }
        #expect(drawn.sample.map(\.unit.id) == expected)
        #expect(drawn.sample.allSatisfy { $0.unit.weightedKey != nil })
    }
}
