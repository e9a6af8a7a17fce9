import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// A campaign over HTTP: the platform creates, freezes, draws and assigns; inspectors see their worklist
/// and record findings; the results are published for everyone.
@Suite struct SpotCheckAPITests {
    static let seed = "0138 2438 1127 9731 6654"

    @Test func aCampaignRunsEndToEndOverHTTP() async throws {
        let f = try await APIFixture.make()
        _ = try await f.ledger.createAccount(AccountInput(username: "inspector-b", password: APIFixture.password, role: .inspector),
                                             by: .localOperator)
        let second = try await f.ledger.login(username: "inspector-b", password: APIFixture.password).token
        try await f.test { client in
            let created = try await f.send(client, .post, "/api/v1/spot-checks", as: "admin", json: SpotCheckInput(
                title: "6月服务记录抽查", unit: .records, sampleSize: SampleSizeRule(size: 2), stratified: true))
            #expect(created.status == .created)
            let id = try #require(created.json.id("id"))
            #expect(created.json["status"] as? String == "draft")

            let frozen = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/freeze", as: "admin")
            #expect(frozen.status == .ok)
            let digest = try #require(frozen.json["populationDigest"] as? String)
            #expect(frozen.json["populationSize"] as? Int == 2)
            #expect(frozen.json["seed"] == nil)

            // The population is public as soon as it is frozen, and its SHA-256 is the digest.
            let population = try await f.send(client, .get, "/api/v1/public/spot-checks/\(id)/population.txt", as: nil)
            #expect(SHA256.hash(data: Data(population.body.readableBytesView)).hexString == digest)
            #expect(String(buffer: population.body) == "\(f.recordA.id)\t\(f.organizationA.creditCode)\t1\t1\n\(f.recordB.id)\t\(f.organizationB.creditCode)\t1\t1\n")

            let drawn = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/draw", as: "admin", json: ["seed": Self.seed])
            #expect(drawn.status == .ok)
            let sample = try #require(drawn.json["sample"] as? [[String: Any]])
            #expect(Set(sample.compactMap { $0["id"] as? String }) == [String(f.recordA.id), String(f.recordB.id)])

            let assigned = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/assignments", as: "admin")
            #expect(assigned.status == .ok)
            let teams = try #require(assigned.json["sample"] as? [[String: Any]]).map { $0["team"] as? [Int] ?? [] }
            #expect(teams.allSatisfy { $0.count == 2 })

            // Both inspectors are on both teams; each sees the records with masked contacts.
            let worklist = try await f.send(client, .get, "/api/v1/worklist?open=true", as: "inspector")
            #expect(worklist.status == .ok)
            #expect(worklist.items.count == 2)
            let volunteer = try #require(worklist.items.first?["volunteer"] as? [String: Any])
            #expect((volunteer["phone"] as? String)?.contains("****") == true)
            #expect((worklist.items.first?["history"] as? [Any])?.count == 1)
            #expect((worklist.items.first?["organization"] as? [String: Any])?["contactPhone"] != nil)

            let confirmed = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/findings", as: "inspector",
                                             json: FindingInput(item: String(f.recordA.id), outcome: .confirmed))
            #expect(confirmed.status == .created)
            var headers = f.headers(nil)
            headers[.authorization] = "Bearer \(second)"
            let discrepancy = try await client.execute(
                uri: "/api/v1/spot-checks/\(id)/findings", method: .post, headers: headers,
                body: Factory.json(FindingInput(item: String(f.recordB.id), outcome: .discrepancy, discrepancy: .hoursOverstated,
                                                correctedMinutes: 90)))
            #expect(discrepancy.status == .created)
            #expect(discrepancy.json["correctionRevision"] as? Int == 2)
            let record = try await f.send(client, .get, "/api/v1/records/\(f.recordB.id)", as: "admin")
            #expect(record.json["minutes"] as? Int == 90)

            let published = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/publish", as: "admin")
            #expect(published.status == .ok)
            #expect(published.json["status"] as? String == "published")

            // Anyone can fetch the publication and re-derive it.
            let publication = try await f.send(client, .get, "/api/v1/public/spot-checks/\(id)", as: nil)
            #expect(publication.status == .ok)
            let decoded = try JSONDecoder().decode(SpotCheckPublication.self, from: Data(publication.body.readableBytesView))
            #expect(SpotCheckReproduction.check(decoded).matches)
            #expect(decoded.results.discrepancies == 1)
            #expect(decoded.population.digest == digest)
        }
    }

    @Test func stepsOutOfOrderAndForeignAccountsGetProblems() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let forbidden = try await f.send(client, .post, "/api/v1/spot-checks", as: "aAdmin",
                                             json: SpotCheckInput(title: "越权", unit: .records, sampleSize: SampleSizeRule(size: 1)))
            #expect(forbidden.status == .forbidden)
            let created = try await f.send(client, .post, "/api/v1/spot-checks", as: "admin",
                                           json: SpotCheckInput(title: "次序", unit: .records, sampleSize: SampleSizeRule(size: 1)))
            let id = try #require(created.json.id("id"))
            let early = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/draw", as: "admin", json: ["seed": Self.seed])
            #expect(early.status == .conflict)
            #expect(early.problemType == "urn:vledger:problem:spot-check-state")
            _ = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/freeze", as: "admin")
            let badSeed = try await f.send(client, .post, "/api/v1/spot-checks/\(id)/draw", as: "admin", json: ["seed": "42"])
            #expect(badSeed.status == .unprocessableContent)
            #expect(badSeed.json["field"] as? String == "seed")
            let twoRules = try await f.send(client, .post, "/api/v1/spot-checks", as: "admin", json: SpotCheckInput(
                title: "两种样本量", unit: .records, sampleSize: SampleSizeRule(size: 3, rate: 0.1)))
            #expect(twoRules.status == .unprocessableContent)
            #expect(twoRules.json["field"] as? String == "sampleSize")
            let volunteerList = try await f.send(client, .get, "/api/v1/spot-checks", as: "volunteerA")
            #expect(volunteerList.status == .forbidden)
            let staffWorklist = try await f.send(client, .get, "/api/v1/worklist", as: "aStaff")
            #expect(staffWorklist.status == .forbidden)
        }
    }

    @Test func inspectorsDeclareConflictsOverHTTP() async throws {
        let f = try await APIFixture.make()
        let inspectorId = try await f.userId("inspector")
        try await f.test { client in
            let declared = try await f.send(client, .post, "/api/v1/inspector-exclusions", as: "inspector",
                                            json: ExclusionInput(organizationId: f.organizationA.id, kind: .conflict, reason: "曾在该组织任职"))
            #expect(declared.status == .created)
            #expect(declared.json.id("inspectorId") == inspectorId)
            let others = try await f.send(client, .post, "/api/v1/inspector-exclusions", as: "inspector",
                                          json: ExclusionInput(inspectorId: inspectorId + 100, organizationId: f.organizationA.id, kind: .conflict))
            #expect(others.status == .forbidden)
            let mine = try await f.send(client, .get, "/api/v1/inspector-exclusions", as: "inspector")
            #expect(mine.items.count == 1)
            let withdrawnByInspector = try await f.send(
                client, .delete, "/api/v1/inspector-exclusions?inspector=\(inspectorId)&organization=\(f.organizationA.id)&kind=conflict",
                as: "inspector")
            #expect(withdrawnByInspector.status == .forbidden)
            let withdrawn = try await f.send(
                client, .delete, "/api/v1/inspector-exclusions?inspector=\(inspectorId)&organization=\(f.organizationA.id)&kind=conflict",
                as: "admin")
            #expect(withdrawn.status == .noContent)
            #expect(try await f.send(client, .get, "/api/v1/inspector-exclusions", as: "inspector").items.isEmpty)
        }
    }
}
