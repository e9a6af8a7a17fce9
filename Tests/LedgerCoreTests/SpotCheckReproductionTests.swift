import Foundation
import Testing
@testable import LedgerCore

/// A publication re-derives from its own data, and any tampering with the population, the seed, the
/// sample or the teams shows.
struct SpotCheckReproductionTests {
    static func publication() throws -> SpotCheckPublication {
        let seed = "12345678901234567890"
        let members = (1...60).map { PopulationMember(id: String(1000 + $0), stratum: $0 % 3 == 0 ? "ORG-A" : "ORG-B", weight: 1) }
        let design = SpotCheckDesign(unit: .records, sampleSize: 8, stratified: true, weighting: .none,
                                     recordsPerOrganization: 0, inspectorsPerUnit: 2)
        let draw = try SpotCheckDrawing.draw(population: members, seed: seed, design: design)
        let pool = [("7", ["ORG-A"]), ("8", []), ("9", []), ("10", ["ORG-B"])]
        let teams = try InspectorAssignment.assign(
            units: draw.assignmentUnits.map { .init(id: $0.id, organization: $0.stratum) },
            pool: pool.map { .init(key: $0.0, excluded: Set($0.1)) }, perUnit: 2, seed: seed)
        return SpotCheckPublication(
            format: SpotCheckPublication.formatName,
            campaign: .init(id: 1, title: "t", unit: .records, scope: .init(from: nil, to: nil, organizations: [], regionCodes: [], minimumMinutes: nil),
                            sampleSizeRule: SampleSizeRule(size: 8), sampleSize: 8, sizeMethod: nil, stratified: true,
                            weighting: .none, recordsPerOrganization: 0, inspectorsPerUnit: 2),
            dates: .init(created: "", frozen: nil, drawn: nil, assigned: nil, published: nil),
            population: .init(size: 60, secondStageSize: nil, digest: PopulationText.digest(members), lines: members.map(\.line)),
            seed: seed, algorithm: SpotCheckPublication.algorithm, sample: draw.units.map(SpotCheckPublication.SampledUnit.init),
            allocation: [], inspectorPool: pool.map { .init(inspector: $0.0, excludedOrganizations: $0.1) },
            assignments: zip(draw.assignmentUnits, teams.teams).map { .init(unit: $0.id, inspectors: $1) },
            findings: [], byOrganization: [],
            results: .init(items: 8, confirmed: 0, discrepancies: 0, unverifiable: 0, discrepancyRate: nil, confidence: 0.95,
                           wilson: nil, clopperPearson: nil, attribute: nil))
    }

    @Test func anHonestPublicationReproduces() throws {
        let report = SpotCheckReproduction.check(try Self.publication())
        #expect(report.matches, "\(report.differences)")
        #expect(report.differences.isEmpty)
    }

    @Test func aChangedSeedChangesTheSample() throws {
        var publication = try Self.publication()
        publication.seed = "12345678901234567891"
        let report = SpotCheckReproduction.check(publication)
        #expect(report.digestMatches)
        #expect(!report.sampleMatches)
        #expect(!report.matches)
    }

    @Test func aPopulationEditedAfterFreezingBreaksTheDigest() throws {
        var publication = try Self.publication()
        publication.population.lines.removeLast()
        let report = SpotCheckReproduction.check(publication)
        #expect(!report.digestMatches)
    }

    @Test func aHandPickedSampleOrTeamShows() throws {
        var picked = try Self.publication()
        picked.sample[0].id = "1001"
        #expect(!SpotCheckReproduction.check(picked).sampleMatches)
        var swapped = try Self.publication()
        swapped.assignments[0].inspectors.reverse()
        let report = SpotCheckReproduction.check(swapped)
        #expect(report.sampleMatches)
        #expect(!report.assignmentsMatch)
    }

    @Test func thePublicationSurvivesJSON() throws {
        let publication = try Self.publication()
        let decoded = try JSONDecoder().decode(SpotCheckPublication.self, from: JSONEncoder().encode(publication))
        #expect(SpotCheckReproduction.check(decoded).matches)
    }
}
