import Foundation
import LedgerCore
import Testing

/// Publication: results anyone can read and re-derive, without personal data; rates across campaigns.
@Suite struct SpotCheckPublicationTests {
    /// A published campaign of 8 records with one overstated, one not served and one unverifiable.
    static func published(_ bed: SpotCheckBed, tolerable: Bool = false) async throws -> SpotCheckPublication {
        let input = tolerable
            ? SpotCheckInput(title: "可容忍偏差率抽查", unit: .records, sampleSize: SampleSizeRule(tolerableRate: 0.3), stratified: true)
            : SpotCheckBed.input(size: 8, stratified: true)
        let detail = try await bed.assigned(input)
        let items = detail.sample.map(\.unit.id)
        let id = detail.campaign.id
        let overstated = try bed.record(items[0])
        _ = try await bed.ledger.decideSpotCheckItem(
            campaignId: id, FindingInput(item: items[0], outcome: .discrepancy, discrepancy: .hoursOverstated,
                                         correctedMinutes: overstated.minutes - 60, notes: "志愿者本人称只服务一小时"), by: SpotCheckBed.op)
        _ = try await bed.ledger.decideSpotCheckItem(
            campaignId: id, FindingInput(item: items[1], outcome: .discrepancy, discrepancy: .didNotServe), by: SpotCheckBed.op)
        _ = try await bed.ledger.decideSpotCheckItem(
            campaignId: id, FindingInput(item: items[2], outcome: .unverifiable, notes: "电话无人接听"), by: SpotCheckBed.op)
        try await bed.confirmAll(id)
        _ = try await bed.ledger.publishSpotCheck(id: id, by: SpotCheckBed.op)
        return try await bed.ledger.spotCheckPublication(id: id)
    }

    @Test func thePublicationCarriesNoPersonalData() async throws {
        let bed = try await SpotCheckBed.make()
        let publication = try await Self.published(bed)
        let json = String(decoding: try JSONEncoder().encode(publication), as: UTF8.self)
        for volunteer in bed.volunteers {
            #expect(!json.contains(volunteer.name))
            #expect(!json.contains(volunteer.phone))
            #expect(!json.contains(volunteer.documentNumber))
            #expect(!json.contains(volunteer.number))
        }
        #expect(!json.contains("志愿者本人称"), "notes may name people; they stay internal")
        #expect(!json.contains("联系人"))
        for unit in publication.sample { #expect(json.contains("\"\(unit.id)\"")) }
    }

    @Test func thePublicationReproducesFromItsOwnData() async throws {
        let bed = try await SpotCheckBed.make()
        let publication = try await Self.published(bed)
        let report = SpotCheckReproduction.check(publication)
        #expect(report.matches, "\(report.differences)")
        #expect(publication.population.lines.count == 24)
        #expect(publication.inspectorPool.count == 4)
        #expect(publication.assignments.count == publication.sample.count)
        #expect(publication.allocation.map(\.sample).reduce(0, +) == 8)
        #expect(publication.dates.published != nil)
    }

    @Test func resultsCountFindingsPerOrganizationWithIntervals() async throws {
        let bed = try await SpotCheckBed.make()
        let publication = try await Self.published(bed)
        let r = publication.results
        #expect((r.items, r.confirmed, r.discrepancies, r.unverifiable) == (8, 5, 2, 1))
        #expect(r.discrepancyRate == 2.0 / 7.0)
        #expect(r.wilson == ProportionInterval.wilson(2, of: 7))
        #expect(r.clopperPearson == ProportionInterval.clopperPearson(2, of: 7))
        #expect(r.attribute == nil)
        #expect(publication.byOrganization.map(\.items).reduce(0, +) == 8)
        #expect(publication.byOrganization.map(\.discrepancies).reduce(0, +) == 2)
        #expect(Set(publication.byOrganization.map(\.organization)) == Set(bed.organizations.map(\.creditCode)))
        let overstated = try #require(publication.findings.first { $0.discrepancy == .hoursOverstated })
        #expect(overstated.correctedHours == HoursFormat.hours(fromMinutes: try bed.record(overstated.item).minutes - 60))
        #expect(publication.csvRows.count == 9)
    }

    @Test func theToleranceDecisionUsesTheUpperBound() async throws {
        let bed = try await SpotCheckBed.make()
        let publication = try await Self.published(bed, tolerable: true)
        let attribute = try #require(publication.results.attribute)
        #expect(attribute.deviations == 3)
        #expect(attribute.method == .hypergeometric)
        #expect(attribute.sampleSize == publication.results.items)
        #expect(attribute.upperBound > 0.3)
        #expect(attribute.tolerableRateExceeded)
    }

    @Test func nothingIsPublicBeforeFreezingAndResultsOnlyAfterPublishing() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 2)
        let draft = try await bed.ledger.createSpotCheck(SpotCheckBed.input(size: 2), by: SpotCheckBed.op)
        #expect(try await bed.ledger.publicSpotChecks(after: nil, limit: nil).items.isEmpty)
        await #expect(throws: LedgerError.self) { _ = try await bed.ledger.spotCheckPopulationText(id: draft.id) }
        let frozen = try await bed.ledger.freezeSpotCheck(id: draft.id, by: SpotCheckBed.op)
        let listed = try #require(try await bed.ledger.publicSpotChecks(after: nil, limit: nil).items.first)
        #expect(listed.populationDigest == frozen.populationDigest)
        #expect(listed.seed == nil)
        await #expect(throws: LedgerError.notFound(entity: "spot check", key: String(draft.id))) {
            _ = try await bed.ledger.spotCheckPublication(id: draft.id)
        }
    }

    @Test func ratesAcrossCampaigns() async throws {
        let bed = try await SpotCheckBed.make()
        // One published campaign within the first organization, one drawn over the second.
        let first = try await bed.assigned(SpotCheckBed.input(size: 2, scope: SpotCheckScope(organizationIds: [bed.organizations[0].id])))
        try await bed.confirmAll(first.campaign.id)
        _ = try await bed.ledger.publishSpotCheck(id: first.campaign.id, by: SpotCheckBed.op)
        _ = try await bed.drawn(SpotCheckBed.input(size: 2, scope: SpotCheckScope(organizationIds: [bed.organizations[1].id])))
        _ = try await bed.ledger.createSpotCheck(SpotCheckBed.input(), by: SpotCheckBed.op)
        let statistics = try await bed.ledger.spotCheckStatistics(year: 2026)
        #expect(statistics.organizations == 3)
        #expect(statistics.organizationsChecked == 2)
        #expect(statistics.checkRate == 2.0 / 3.0)
        #expect(statistics.campaignsDrawn == 2)
        #expect(statistics.campaignsPublished == 1)
        #expect(statistics.publicationRate == 0.5)
        #expect(try await bed.ledger.spotCheckStatistics(year: 2025).campaignsDrawn == 0)
    }

    @Test func thePublicationNamesTheLogIndexesOfItsPopulationAndSeed() async throws {
        let bed = try await SpotCheckBed.make()
        let id = try await Self.published(bed).campaign.id
        _ = try await bed.ledger.sequenceLog()
        let publication = try await bed.ledger.spotCheckPublication(id: id)
        let frozen = try #require(publication.transparencyLog?.populationFrozen)
        let drawn = try #require(publication.transparencyLog?.seedDrawn)
        #expect(frozen < drawn, "the population was logged before the seed")
        let (frozenEntry, drawnEntry) = try await bed.ledger.store.read { r in
            (try LogEntry(bytes: r.logEntries(from: frozen, limit: 1)[0]), try LogEntry(bytes: r.logEntries(from: drawn, limit: 1)[0]))
        }
        #expect(frozenEntry.event == .spotCheckFrozen && frozenEntry.campaign == id && frozenEntry.digest == publication.population.digest)
        #expect(drawnEntry.event == .spotCheckDrawn && drawnEntry.campaign == id && drawnEntry.digest.count == 64)
        let assigned = try #require(publication.transparencyLog?.inspectorsAssigned)
        let published = try #require(publication.transparencyLog?.findingsPublished)
        #expect(drawn < assigned && assigned < published, "assignment after the draw, publication last")
        let (assignedEntry, publishedEntry) = try await bed.ledger.store.read { r in
            (try LogEntry(bytes: r.logEntries(from: assigned, limit: 1)[0]), try LogEntry(bytes: r.logEntries(from: published, limit: 1)[0]))
        }
        let detail = try await bed.ledger.spotCheck(id: id, by: SpotCheckBed.op)
        #expect(assignedEntry.event == .spotCheckAssigned && assignedEntry.campaign == id)
        #expect(assignedEntry == LogEntry.assigned(detail.campaign, detail.assignments), "the entry commits to the teams as assigned")
        #expect(publishedEntry.event == .spotCheckPublished && publishedEntry.campaign == id)
        #expect(publishedEntry == LogEntry.published(detail.campaign, detail.findings), "the entry commits to the findings as published")
        #expect(publishedEntry != LogEntry.published(detail.campaign, Array(detail.findings.dropLast())))
    }
}
