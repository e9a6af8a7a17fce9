import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// The public results: HTML, JSON and CSV without sign-in, escaped and without personal data, and
/// nothing before publication.
@Suite struct SpotCheckPublicPageTests {
    /// A published campaign titled with markup, over the fixture's two records.
    static func published(_ f: APIFixture, title: String = "<script>alert(\"抽查\")</script> & 公示") async throws -> Int64 {
        let op = Principal.localOperator
        _ = try await f.ledger.createAccount(AccountInput(username: "inspector-b", password: APIFixture.password, role: .inspector), by: op)
        let campaign = try await f.ledger.createSpotCheck(SpotCheckInput(title: title, unit: .records, sampleSize: SampleSizeRule(size: 2)), by: op)
        _ = try await f.ledger.freezeSpotCheck(id: campaign.id, by: op)
        _ = try await f.ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckCampaigns.seed, by: op)
        let detail = try await f.ledger.assignSpotCheck(id: campaign.id, by: op)
        for (index, entry) in detail.sample.enumerated() {
            _ = try await f.ledger.decideSpotCheckItem(
                campaignId: campaign.id,
                FindingInput(item: entry.unit.id, outcome: index == 0 ? .discrepancy : .confirmed, discrepancy: index == 0 ? .other : nil,
                             notes: "与\(f.volunteerA.name)核对"), by: op)
        }
        _ = try await f.ledger.publishSpotCheck(id: campaign.id, by: op)
        return campaign.id
    }

    @Test func thePageEscapesEverythingAndShowsNoPersonalData() async throws {
        let f = try await APIFixture.make()
        let id = try await Self.published(f)
        try await f.test { client in
            let page = try await f.send(client, .get, "/spot-checks/\(id)", as: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: page.body)
            #expect(!html.contains("<script>"))
            #expect(html.contains("&lt;script&gt;alert(&quot;抽查&quot;)&lt;/script&gt; &amp; 公示"))
            #expect(html.contains(String(f.recordA.id)))
            for volunteer in [f.volunteerA, f.volunteerB] {
                #expect(!html.contains(volunteer.name))
                #expect(!html.contains(volunteer.phone))
                #expect(!html.contains(volunteer.documentNumber))
            }
            #expect(!html.contains(f.organizationA.contactPhone))
        }
    }

    @Test func jsonAndCSVAreOpenToEveryoneWithoutPersonalData() async throws {
        let f = try await APIFixture.make()
        let id = try await Self.published(f, title: "公开结果")
        try await f.test { client in
            let json = try await f.send(client, .get, "/api/v1/public/spot-checks/\(id)", as: nil)
            #expect(json.status == .ok)
            let text = String(buffer: json.body)
            let csv = try await f.send(client, .get, "/api/v1/public/spot-checks/\(id)/results.csv", as: nil)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            // CRLF lines, as Excel writes them.
            let rows = String(buffer: csv.body).split(whereSeparator: \.isNewline)
            #expect(rows.count == 3)
            #expect(rows[0].hasSuffix("campaign,item,organization,outcome,outcome_label,discrepancy,corrected_hours,decided"))
            for body in [text, String(buffer: csv.body)] {
                for volunteer in [f.volunteerA, f.volunteerB] {
                    #expect(!body.contains(volunteer.name))
                    #expect(!body.contains(volunteer.number))
                    #expect(!body.contains(volunteer.phone))
                }
            }
            let statistics = try await f.send(client, .get, "/api/v1/public/spot-check-statistics", as: nil)
            #expect(statistics.json["publicationRate"] as? Double == 1)
            #expect(statistics.json["checkRate"] as? Double == 1)
            let list = try await f.send(client, .get, "/api/v1/public/spot-checks", as: nil)
            #expect(list.items.first?["status"] as? String == "published")
        }
    }

    @Test func resultsStayPrivateUntilPublished() async throws {
        let f = try await APIFixture.make()
        let op = Principal.localOperator
        let campaign = try await f.ledger.createSpotCheck(SpotCheckInput(title: "未公示", unit: .records, sampleSize: SampleSizeRule(size: 1)), by: op)
        try await f.test { client in
            #expect(try await f.send(client, .get, "/api/v1/public/spot-checks/\(campaign.id)/population.txt", as: nil).status == .notFound)
            #expect(try await f.send(client, .get, "/api/v1/public/spot-checks", as: nil).items.isEmpty)
            _ = try await f.ledger.freezeSpotCheck(id: campaign.id, by: op)
            #expect(try await f.send(client, .get, "/api/v1/public/spot-checks", as: nil).items.count == 1)
            for path in ["/api/v1/public/spot-checks/\(campaign.id)", "/api/v1/public/spot-checks/\(campaign.id)/results.csv",
                         "/spot-checks/\(campaign.id)"] {
                let response = try await f.send(client, .get, path, as: nil)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.problemType == "urn:vledger:problem:not-found")
            }
        }
    }
}
