import Crypto
import Foundation
import LedgerCore
import Testing

/// A campaign goes draft → frozen → drawn → assigned → published, each step once, in order, by the platform.
@Suite struct SpotCheckLifecycleTests {
    @Test func theSeedIsOnlyAcceptedAfterFreezing() async throws {
        let bed = try await SpotCheckBed.make()
        let campaign = try await bed.ledger.createSpotCheck(SpotCheckBed.input(), by: SpotCheckBed.op)
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: SpotCheckBed.op)
        }
        let stillDraft = try await bed.ledger.spotCheck(id: campaign.id, by: SpotCheckBed.op)
        #expect(stillDraft.campaign.status == .draft)
        #expect(stillDraft.campaign.seed == nil)
        #expect(stillDraft.sample.isEmpty)

        _ = try await bed.ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        let drawn = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: "0138 2438 1127 9731 6654", by: SpotCheckBed.op)
        #expect(drawn.campaign.seed == SpotCheckBed.seed)
        #expect(drawn.sample.count == 6)
        // A second seed would let someone pick the sample they like.
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.otherSeed, by: SpotCheckBed.op)
        }
    }

    @Test func seedsMustBeTwentyDigitsOrMore() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 2)
        let campaign = try await bed.frozen()
        for seed in ["12345", "1234567890123456789a", String(repeating: "9", count: 65)] {
            await expectLedgerError(.invalidField(field: "seed", reason: "随机种子须为 20 到 64 位数字（如公开掷骰结果）/ the seed must be 20 to 64 decimal digits, e.g. from public dice rolls")) {
                _ = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: seed, by: SpotCheckBed.op)
            }
        }
    }

    @Test func freezingShowsTheDigestOfTheExactPopulation() async throws {
        let bed = try await SpotCheckBed.make()
        let campaign = try await bed.frozen()
        #expect(campaign.populationSize == 24)
        let text = try await bed.ledger.spotCheckPopulationText(id: campaign.id)
        #expect(text.split(separator: "\n").count == 24)
        #expect(SHA256.hash(data: Data(text.utf8)).hexString == campaign.populationDigest)
        #expect(text.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == bed.records.map { String($0.id) })

        // A record entered after freezing stays out of this campaign.
        let late = try await bed.bed.record(bed.volunteers[0], try #require(try await bed.ledger.activity(id: bed.records[0].activityId, by: SpotCheckBed.op)),
                                            from: At.june(11, 14), to: At.june(11, 15))
        #expect(try await bed.ledger.spotCheckPopulationText(id: campaign.id) == text)
        #expect(!text.contains("\(late.id)\t"))
    }

    @Test func theDrawIsConsistentSamplingOfTheFrozenIds() async throws {
        let bed = try await SpotCheckBed.make()
        let detail = try await bed.drawn(SpotCheckBed.input(size: 7))
        let ids = bed.records.map { String($0.id) }
        let expected = try ConsistentSampler(seed: SpotCheckBed.seed).sample(ids, size: 7).map(\.id)
        #expect(detail.sample.map(\.unit.id) == expected)
        #expect(detail.sample.map(\.unit.order) == Array(1...7))
        #expect(detail.sample.map(\.entityId) == expected.map { Int64($0)! })
        // Same population, another seed: another sample.
        let other = try await bed.drawn(SpotCheckBed.input(size: 7), seed: SpotCheckBed.otherSeed)
        #expect(other.sample.map(\.unit.id) != expected)
    }

    @Test func onlyThePlatformRunsCampaignsAndStepsKeepTheirOrder() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 3)
        let orgAdmin = Principal(userId: 99, role: .organizationAdmin, organizationId: bed.organizations[0].id)
        let inspector = Principal(bed.inspectors[0])
        for principal in [orgAdmin, inspector] {
            await #expect(throws: LedgerError.self) { _ = try await bed.ledger.createSpotCheck(SpotCheckBed.input(), by: principal) }
        }
        let campaign = try await bed.frozen(SpotCheckBed.input(size: 3))
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op) }
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.assignSpotCheck(id: campaign.id, by: SpotCheckBed.op) }
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: inspector)
        }
        _ = try await bed.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: SpotCheckBed.op)
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.publishSpotCheck(id: campaign.id, by: SpotCheckBed.op) }
        _ = try await bed.ledger.assignSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        await expectLedgerError(.itemsUndecided(count: 3)) {
            _ = try await bed.ledger.publishSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        }
        try await bed.confirmAll(campaign.id)
        let published = try await bed.ledger.publishSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        #expect(published.status == .published)
        #expect(published.publishedAt == bed.bed.clock.now)
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.publishSpotCheck(id: campaign.id, by: SpotCheckBed.op) }
    }

    @Test func aStepOutOfOrderIsAConflictNamingTheStatus() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 2)
        let campaign = try await bed.ledger.createSpotCheck(SpotCheckBed.input(), by: SpotCheckBed.op)
        do {
            _ = try await bed.ledger.assignSpotCheck(id: campaign.id, by: SpotCheckBed.op)
            Issue.record("assigning a draft succeeded")
        } catch let error as LedgerError {
            #expect(error.kind == .conflict)
            #expect(error.code == "spot-check-state")
            #expect(error.message.contains("draft"))
        }
    }
}
