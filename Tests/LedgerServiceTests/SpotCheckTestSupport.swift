import Foundation
import LedgerCore
import Testing

/// A ledger with three organizations in three regions, eight records in each (one per volunteer, on
/// 2026-06-10 or 06-11) and four inspector accounts, for spot-check tests.
struct SpotCheckBed: Sendable {
    let bed: Testbed
    let organizations: [Organization]
    /// All records, by organization then volunteer.
    let records: [ServiceRecord]
    let volunteers: [Volunteer]
    let inspectors: [UserAccount]
    static let seed = "01382438112797316654"
    static let otherSeed = "96283017465829103847"
    static let regions = ["330106", "330102", "330206"]
    static let op = Testbed.op

    var ledger: Ledger { bed.ledger }

    static func make(recordsPerOrganization: Int = 8, inspectors inspectorCount: Int = 4) async throws -> SpotCheckBed {
        let bed = try await Testbed()
        var organizations: [Organization] = []
        var records: [ServiceRecord] = []
        var volunteers: [Volunteer] = []
        for (index, region) in regions.enumerated() {
            let organization = try await bed.ledger.createOrganization(
                OrganizationInput(creditCode: Make.creditCode(index + 1), name: "抽查测试协会\(index + 1)", regionCode: region,
                                  contactName: "联系人\(index + 1)", contactPhone: "1380000000\(index + 1)"), by: op)
            organizations.append(organization)
            let activity = try await bed.activity(organization, from: At.june(10, 8), to: At.june(11, 18))
            for v in 0..<recordsPerOrganization {
                let volunteer = try await bed.volunteer(index * 30 + v + 1, in: organization)
                volunteers.append(volunteer)
                // Every other record is three hours, the rest two; half on each day.
                let day = v % 2 == 0 ? 10 : 11
                records.append(try await bed.record(volunteer, activity, from: At.june(day, 9), to: At.june(day, v % 3 == 0 ? 12 : 11)))
            }
        }
        var inspectors: [UserAccount] = []
        for n in 1...max(1, inspectorCount) {
            inspectors.append(try await bed.ledger.createAccount(
                AccountInput(username: "inspector\(n)", password: "inspect-pass-\(n)", role: .inspector), by: op))
        }
        return SpotCheckBed(bed: bed, organizations: organizations, records: records, volunteers: volunteers,
                            inspectors: Array(inspectors.prefix(inspectorCount)))
    }

    /// A records campaign over the whole ledger.
    static func input(size: Int = 6, stratified: Bool = false, unit: SpotCheckUnit = .records,
                      scope: SpotCheckScope = SpotCheckScope(), weighting: SpotCheckWeighting = .none) -> SpotCheckInput {
        SpotCheckInput(title: "2026年6月服务记录抽查", unit: unit, scope: scope, sampleSize: SampleSizeRule(size: size),
                       stratified: stratified, weighting: weighting)
    }

    func frozen(_ input: SpotCheckInput = SpotCheckBed.input()) async throws -> SpotCheckCampaign {
        let campaign = try await ledger.createSpotCheck(input, by: Self.op)
        return try await ledger.freezeSpotCheck(id: campaign.id, by: Self.op)
    }

    func drawn(_ input: SpotCheckInput = SpotCheckBed.input(), seed: String = SpotCheckBed.seed) async throws -> SpotCheckDetail {
        let campaign = try await frozen(input)
        return try await ledger.drawSpotCheck(id: campaign.id, seed: seed, by: Self.op)
    }

    func assigned(_ input: SpotCheckInput = SpotCheckBed.input(), seed: String = SpotCheckBed.seed) async throws -> SpotCheckDetail {
        let drawn = try await drawn(input, seed: seed)
        return try await ledger.assignSpotCheck(id: drawn.campaign.id, by: Self.op)
    }

    /// The principal of an inspector on the team of `item` (its unit's first member).
    func teamMember(of unitId: String, in detail: SpotCheckDetail) throws -> Principal {
        let id = try #require(detail.assignments.first { $0.unitId == unitId }?.inspectorId)
        return Principal(try #require(inspectors.first { $0.id == id }))
    }

    /// Decides every open item as confirmed, as the platform.
    func confirmAll(_ campaignId: Int64) async throws {
        let detail = try await ledger.spotCheck(id: campaignId, by: Self.op)
        let decided = Set(detail.findings.map(\.itemId))
        let stage = detail.campaign.unit == .organizations ? 2 : 1
        for entry in detail.sample where entry.unit.stage == stage && !decided.contains(entry.unit.id) {
            _ = try await ledger.decideSpotCheckItem(campaignId: campaignId, FindingInput(item: entry.unit.id, outcome: .confirmed),
                                                     by: Self.op)
        }
    }

    func record(_ id: String) throws -> ServiceRecord {
        try #require(records.first { String($0.id) == id })
    }
}
