import Foundation
import LedgerCore
import Testing

/// Spot-check campaigns, populations, samples, teams, findings and exclusions on every backend.
@Suite("Spot checks on every backend")
struct SpotCheckStoreTests {
    private static let op = Principal.localOperator
    private static let seed = "01382438112797316654"

    /// Three organizations with five records each, and three active inspectors (the first affiliated
    /// with the first organization).
    private static func seeded(_ t: TestStore) async throws -> (seeds: [Seed], inspectors: [UserAccount]) {
        try await t.store.write { w in
            var seeds: [Seed] = []
            for n in 1...3 {
                let seed = try Seed.make(w, n)
                for (from, to) in [(9, 10), (10, 11), (11, 13), (13, 14), (14, 17)] {
                    try seed.record(w, from: Make.june(10, from), to: Make.june(10, to))
                }
                seeds.append(seed)
            }
            let inspectors = try [1, 2, 4].map { try w.insert(Make.user($0, role: .inspector)) }
            return (seeds, inspectors)
        }
    }

    @Test(arguments: Backend.all)
    func aCampaignRoundTripsAndReproduces(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let (seeds, inspectors) = try await Self.seeded(t)
            let exclusion = try await ledger.declareInspectorExclusion(
                ExclusionInput(inspectorId: inspectors[0].id, organizationId: seeds[0].organization.id, kind: .affiliation, reason: "兼职"),
                by: Self.op)
            #expect(exclusion.reason == "兼职")
            let created = try await ledger.createSpotCheck(SpotCheckInput(
                title: "“跨库”抽查 <1>", unit: .records,
                scope: SpotCheckScope(from: LocalDate(year: 2026, month: 6, day: 1), to: LocalDate(year: 2026, month: 6, day: 30),
                                      organizationIds: seeds.map(\.organization.id), regionCodes: ["330100"], minimumMinutes: 30),
                sampleSize: SampleSizeRule(tolerableRate: 0.2, confidence: 0.9), stratified: true, weighting: .hours), by: Self.op)
            let stored = try #require(try await t.store.read { try $0.spotCheckCampaign(id: created.id) })
            #expect(stored == created)

            let frozen = try await ledger.freezeSpotCheck(id: created.id, by: Self.op)
            #expect(frozen.populationSize == 15)
            let population = try await t.store.read { try $0.spotCheckPopulation(campaignId: created.id) }
            #expect(population.map(\.member.weight) == [60, 60, 120, 60, 180, 60, 60, 120, 60, 180, 60, 60, 120, 60, 180])
            #expect(PopulationText.digest(population.map(\.member)) == frozen.populationDigest)

            let drawn = try await ledger.drawSpotCheck(id: created.id, seed: Self.seed, by: Self.op)
            let sample = try await t.store.read { try $0.spotCheckSample(campaignId: created.id) }
            #expect(sample == drawn.sample)
            #expect(sample.allSatisfy { $0.unit.weightedKey != nil })

            let assigned = try await ledger.assignSpotCheck(id: created.id, by: Self.op)
            let teams = try await t.store.read { try $0.spotCheckAssignments(campaignId: created.id) }
            #expect(teams == assigned.assignments)
            #expect(try await t.store.read { try $0.spotCheckCampaign(id: created.id)?.inspectorPool } == assigned.campaign.inspectorPool)
            for assignment in teams where assignment.inspectorId == inspectors[0].id {
                #expect(sample.first { $0.unit.id == assignment.unitId }?.organizationId != seeds[0].organization.id)
            }
            let mine = try await t.store.read { try $0.spotCheckAssignments(inspectorId: inspectors[1].id) }
            #expect(mine == teams.filter { $0.inspectorId == inspectors[1].id })

            let items = sample.map(\.unit.id)
            let corrected = try await ledger.decideSpotCheckItem(
                campaignId: created.id,
                FindingInput(item: items[0], outcome: .discrepancy, discrepancy: .hoursOverstated, correctedMinutes: 30,
                             notes: "签到表", checklist: InspectionChecklist(fieldsComplete: true, hoursMatch: false, noFeeCharged: true)),
                by: Self.op)
            #expect(corrected.correctionRevision == 2)
            for item in items.dropFirst() {
                _ = try await ledger.decideSpotCheckItem(campaignId: created.id, FindingInput(item: item, outcome: .confirmed), by: Self.op)
            }
            await #expect(throws: (any Error).self) {
                _ = try await ledger.decideSpotCheckItem(campaignId: created.id, FindingInput(item: items[0], outcome: .confirmed), by: Self.op)
            }
            let findings = try await t.store.read { try $0.spotCheckFindings(campaignId: created.id) }
            #expect(findings.count == items.count)
            #expect(findings.first { $0.itemId == items[0] } == corrected)

            _ = try await ledger.publishSpotCheck(id: created.id, by: Self.op)
            let publication = try await ledger.spotCheckPublication(id: created.id)
            #expect(SpotCheckReproduction.check(publication).matches)
            #expect(publication.results.discrepancies == 1)
            #expect(try await ledger.verifyAuditChains(by: Self.op).isIntact)
        }
    }

    @Test(arguments: Backend.all)
    func findingsSamplesAndPopulationsAreWrittenOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            _ = try await Self.seeded(t)
            let campaign = try await ledger.createSpotCheck(
                SpotCheckInput(title: "只写一次", unit: .records, sampleSize: SampleSizeRule(size: 2)), by: Self.op)
            _ = try await ledger.freezeSpotCheck(id: campaign.id, by: Self.op)
            let drawn = try await ledger.drawSpotCheck(id: campaign.id, seed: Self.seed, by: Self.op)
            _ = try await ledger.assignSpotCheck(id: campaign.id, by: Self.op)
            _ = try await ledger.decideSpotCheckItem(campaignId: campaign.id,
                                                     FindingInput(item: drawn.sample[0].unit.id, outcome: .confirmed), by: Self.op)
            for sql in ["UPDATE spot_check_findings SET notes = 'changed'", "DELETE FROM spot_check_sample",
                        "UPDATE spot_check_population SET weight = 2", "DELETE FROM spot_check_assignments"] {
                await #expect(throws: (any Error).self, "\(sql)") { try await t.rawExecute(sql) }
            }
            #expect(try await t.store.read { try $0.spotCheckSample(campaignId: campaign.id) } == drawn.sample)
        }
    }

    @Test(arguments: Backend.all)
    func largePopulationsAndExclusionsRoundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seeds, inspectors) = try await Self.seeded(t)
            let entries = (1...12_345).map { n in
                SpotCheckPopulationEntry(member: PopulationMember(id: "C\(n)", stratum: n % 2 == 0 ? "platform" : "ORG", weight: n, stage: 1),
                                         entityId: Int64(n), organizationId: n % 2 == 0 ? nil : seeds[0].organization.id)
            }
            let campaign = try await t.store.write { w in
                let campaign = try w.insert(SpotCheckCampaign(
                    id: 0, title: "大总体", unit: .certificates, scope: SpotCheckScope(), sizeRule: SampleSizeRule(size: 10),
                    stratified: false, weighting: .none, recordsPerOrganization: 5, inspectorsPerUnit: 2, status: .draft,
                    createdBy: nil, createdAt: Make.now))
                try w.insertPopulation(entries, campaignId: campaign.id)
                return campaign
            }
            #expect(try await t.store.read { try $0.spotCheckPopulation(campaignId: campaign.id) } == entries)

            let exclusion = InspectorExclusion(inspectorId: inspectors[2].id, organizationId: seeds[1].organization.id, kind: .conflict,
                                               reason: "亲属", declaredAt: Make.now, declaredBy: nil)
            #expect(try await t.store.write { try $0.insert(exclusion) })
            #expect(try await t.store.write { try $0.insert(exclusion) } == false)
            #expect(try await t.store.read { try $0.inspectorExclusions(inspectorId: inspectors[2].id) } == [exclusion])
            #expect(try await t.store.write {
                try $0.removeInspectorExclusion(inspectorId: exclusion.inspectorId, organizationId: exclusion.organizationId, kind: .conflict)
            })
            #expect(try await t.store.read { try $0.inspectorExclusions(inspectorId: nil) }.isEmpty)
            #expect(try await t.store.read { try $0.certificateIds(coveringRecord: 1) }.isEmpty)
        }
    }
}
