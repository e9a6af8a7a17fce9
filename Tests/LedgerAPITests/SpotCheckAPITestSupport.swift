import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Spot-check campaigns over an `APIFixture`'s two records, one in each state a documented operation
/// needs, and a second inspector (teams have two).
struct SpotCheckCampaigns: Sendable {
    static let seed = "01382438112797316654"
    let draft: SpotCheckCampaign
    let frozen: SpotCheckCampaign
    let drawn: SpotCheckCampaign
    /// Assigned, its one item open.
    let assigned: SpotCheckCampaign
    let openItem: String
    /// Assigned, every item decided.
    let decided: SpotCheckCampaign
    let published: SpotCheckCampaign
    let secondInspector: UserAccount

    static func make(_ f: APIFixture) async throws -> SpotCheckCampaigns {
        let op = Principal.localOperator
        let inspector = try await f.ledger.createAccount(
            AccountInput(username: "inspector-b", password: APIFixture.password, role: .inspector), by: op)
        func campaign(_ title: String) async throws -> SpotCheckCampaign {
            try await f.ledger.createSpotCheck(SpotCheckInput(title: title, unit: .records, sampleSize: SampleSizeRule(size: 1)), by: op)
        }
        let draft = try await campaign("草稿")
        let frozen = try await f.ledger.freezeSpotCheck(id: try await campaign("已冻结").id, by: op)
        func drawn(_ title: String) async throws -> SpotCheckCampaign {
            let id = try await f.ledger.freezeSpotCheck(id: try await campaign(title).id, by: op).id
            return try await f.ledger.drawSpotCheck(id: id, seed: seed, by: op).campaign
        }
        let drawnCampaign = try await drawn("已抽样")
        func assigned(_ title: String) async throws -> SpotCheckDetail {
            try await f.ledger.assignSpotCheck(id: try await drawn(title).id, by: op)
        }
        let open = try await assigned("待检查")
        let decided = try await assigned("已检查")
        for entry in decided.sample {
            _ = try await f.ledger.decideSpotCheckItem(campaignId: decided.campaign.id, FindingInput(item: entry.unit.id, outcome: .confirmed), by: op)
        }
        let published = try await assigned("已公示")
        for entry in published.sample {
            _ = try await f.ledger.decideSpotCheckItem(campaignId: published.campaign.id, FindingInput(item: entry.unit.id, outcome: .confirmed), by: op)
        }
        _ = try await f.ledger.publishSpotCheck(id: published.campaign.id, by: op)
        return SpotCheckCampaigns(draft: draft, frozen: frozen, drawn: drawnCampaign, assigned: open.campaign,
                                  openItem: try #require(open.sample.first).unit.id, decided: decided.campaign,
                                  published: try await f.ledger.spotCheck(id: published.campaign.id, by: op).campaign,
                                  secondInspector: inspector)
    }

    /// One succeeding request per spot-check operation of the OpenAPI document.
    func samples(_ f: APIFixture) -> [String: OperationSample] {
        let inspectorId = secondInspector.id
        return [
            "POST /api/v1/spot-checks": .init(body: OperationSample.json(SpotCheckInput(
                title: "文档示例抽查", unit: .records, scope: SpotCheckScope(organizationIds: [f.organizationA.id]),
                sampleSize: SampleSizeRule(tolerableRate: 0.05), stratified: true))),
            "GET /api/v1/spot-checks": .init(query: "limit=2"),
            "GET /api/v1/spot-checks/{id}": .init(pathId: String(published.id)),
            "POST /api/v1/spot-checks/{id}/freeze": .init(pathId: String(draft.id)),
            "POST /api/v1/spot-checks/{id}/draw": .init(body: OperationSample.json(["seed": "9628 3017 4658 2910 3847"]), pathId: String(frozen.id)),
            "POST /api/v1/spot-checks/{id}/assignments": .init(pathId: String(drawn.id)),
            "POST /api/v1/spot-checks/{id}/findings": .init(body: OperationSample.json(FindingInput(
                item: openItem, outcome: .confirmed, notes: "现场核对签到表",
                checklist: InspectionChecklist(fieldsComplete: true, recordedInTime: true, hoursMatch: true))), pathId: String(assigned.id)),
            "POST /api/v1/spot-checks/{id}/publish": .init(pathId: String(decided.id)),
            "GET /api/v1/worklist": .init(query: "inspector=\(inspectorId)&open=false"),
            "GET /api/v1/inspector-exclusions": .init(query: "inspector=\(inspectorId)"),
            "POST /api/v1/inspector-exclusions": .init(body: OperationSample.json(ExclusionInput(
                inspectorId: inspectorId, organizationId: f.organizationB.id, kind: .conflict, reason: "亲属任职"))),
            "DELETE /api/v1/inspector-exclusions": .init(query: "inspector=\(inspectorId)&organization=\(f.organizationB.id)&kind=conflict"),
            "GET /api/v1/public/spot-checks": .init(query: "limit=10"),
            "GET /api/v1/public/spot-checks/{id}": .init(pathId: String(published.id)),
            "GET /api/v1/public/spot-checks/{id}/population.txt": .init(pathId: String(frozen.id)),
            "GET /api/v1/public/spot-checks/{id}/results.csv": .init(pathId: String(published.id)),
            "GET /api/v1/public/spot-check-statistics": .init(query: "year=2026"),
            "GET /spot-checks/{id}": .init(pathId: String(published.id)),
        ]
    }

    /// Spot-check requests that fail in documented ways.
    func failures(_ f: APIFixture) -> [(key: String, sample: OperationSample, account: String?, status: Int)] {
        [
            ("POST /api/v1/spot-checks/{id}/draw", .init(body: OperationSample.json(["seed": Self.seed]), pathId: String(published.id)), "admin", 409),
            ("POST /api/v1/spot-checks", .init(body: OperationSample.json(SpotCheckInput(
                title: "越权", unit: .records, sampleSize: SampleSizeRule(size: 1)))), "aAdmin", 403),
            ("GET /api/v1/public/spot-checks/{id}", .init(pathId: String(assigned.id)), nil, 404),
            ("POST /api/v1/spot-checks/{id}/findings", .init(body: OperationSample.json(FindingInput(item: openItem, outcome: .discrepancy)),
                                                       pathId: String(assigned.id)), "admin", 422),
        ]
    }
}
