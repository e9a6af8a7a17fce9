import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Issuing, reading and revoking certificates over HTTP, with who may do what.
struct CertificateAPITests {
    static func issue(_ f: APIFixture, _ client: any TestClientProtocol, as account: String?,
                      _ request: CertificateRequest) async throws -> TestResponse {
        try await f.send(client, .post, "/api/v1/certificates", as: account, json: request)
    }

    @Test func aVolunteerIssuesTheirOwnAndGetsItInEveryForm() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let created = try await Self.issue(f, client, as: "volunteerA", CertificateRequest(organizationId: f.organizationA.id))
            #expect(created.status == .created)
            let body = created.json
            let serial = try #require(body["serial"] as? String)
            #expect(created.headers[.location] == "/api/v1/certificates/\(serial)")
            #expect(CertificateSerial(serial)?.grouped == serial)
            #expect(body["hours"] as? String == "2.00" && body["records"] as? Int == 1)
            #expect(body["issuerName"] as? String == f.organizationA.name)
            #expect(body["issuerCode"] as? String == f.organizationA.creditCode)
            #expect(body["maskedDocumentNumber"] as? String == Masking.documentNumber(Factory.residentID(1)))
            let token = try #require(body["token"] as? String)
            #expect(body["verificationUrl"] as? String == "\(APIFixture.publicBaseURL)/v/\(token)")
            #expect(body["serialUrl"] as? String == "\(APIFixture.publicBaseURL)/v/\(serial)")

            let list = try await f.send(client, .get, "/api/v1/certificates", as: "volunteerA")
            #expect(list.items.compactMap { $0["serial"] as? String } == [serial])
            let one = try await f.send(client, .get, "/api/v1/certificates/\(serial.lowercased())", as: "volunteerA")
            #expect((one.json["activities"] as? [[String: Any]])?.first?["recordId"] as? Int == Int(f.recordA.id))

            let pdf = try await f.send(client, .get, "/api/v1/certificates/\(serial)/pdf", as: "volunteerA")
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(String(buffer: pdf.body).hasPrefix("%PDF-"))
            let html = try await f.send(client, .get, "/api/v1/certificates/\(serial)/html", as: "volunteerA")
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: html.body).contains(serial) && String(buffer: html.body).contains("<svg"))
            let svg = try await f.send(client, .get, "/api/v1/certificates/\(serial)/qr.svg", as: "volunteerA")
            #expect(svg.headers[.contentType] == "image/svg+xml" && String(buffer: svg.body).hasPrefix("<svg"))
            let png = try await f.send(client, .get, "/api/v1/certificates/\(serial)/qr.png", as: "volunteerA")
            #expect(png.headers[.contentType] == "image/png")
            #expect(Array(png.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        }
    }

    @Test func theHolderTheIssuersStaffAndInspectorsReadItOthersDoNot() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let serial = try #require(try await Self.issue(f, client, as: "aStaff",
                                                           CertificateRequest(volunteerNumber: f.volunteerA.number)).json["serial"] as? String)
            for (account, status) in [("volunteerA", 200), ("aStaff", 200), ("aAdmin", 200), ("inspector", 200), ("admin", 200),
                                      ("bStaff", 404), ("bAdmin", 404), ("volunteerB", 404)] {
                for path in ["", "/pdf", "/html", "/qr.svg"] {
                    let response = try await f.send(client, .get, "/api/v1/certificates/\(serial)\(path)", as: account)
                    #expect(Int(response.status.code) == status, "\(account) GET \(path)")
                }
            }
            #expect(try await f.send(client, .get, "/api/v1/certificates/\(serial)", as: nil).status == .unauthorized)
            #expect(try await f.send(client, .get, "/api/v1/certificates", as: "bStaff").items.isEmpty)
            #expect(try await f.send(client, .get, "/api/v1/certificates?volunteer=\(f.volunteerA.id)", as: "volunteerB").status == .forbidden)
        }
    }

    @Test func staffIssueForTheirMembersOnlyAndInspectorsNotAtAll() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let own = try await Self.issue(f, client, as: "aStaff", CertificateRequest(volunteerNumber: f.volunteerA.number))
            #expect(own.status == .created && own.json["organizationId"] as? Int == Int(f.organizationA.id))
            let stranger = try await Self.issue(f, client, as: "aStaff", CertificateRequest(volunteerNumber: f.volunteerB.number))
            #expect(stranger.status == .notFound)
            let otherOrganization = try await Self.issue(f, client, as: "aStaff",
                                                         CertificateRequest(volunteerId: f.volunteerA.id, organizationId: f.organizationB.id))
            #expect(otherOrganization.status == .forbidden)
            let inspector = try await Self.issue(f, client, as: "inspector", CertificateRequest(volunteerId: f.volunteerA.id))
            #expect(inspector.status == .forbidden)
            let someoneElse = try await Self.issue(f, client, as: "volunteerA", CertificateRequest(volunteerId: f.volunteerB.id))
            #expect(someoneElse.status == .notFound)
            #expect(try await Self.issue(f, client, as: nil, CertificateRequest(volunteerId: f.volunteerA.id)).status
                    == .unauthorized)
        }
    }

    @Test func aVolunteerWithNoRecordsThereGetsAClearProblem() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let response = try await Self.issue(f, client, as: "volunteerA", CertificateRequest(organizationId: f.organizationB.id))
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:no-records-to-certify")
            #expect((response.json["detail"] as? String)?.contains("没有该志愿者的服务记录") == true)
            #expect(try await f.send(client, .get, "/api/v1/certificates", as: "volunteerA").items.isEmpty)
        }
    }

    @Test func theIssuersAdminRevokesAndTheVerificationPageSaysSoAtOnce() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let issued = try await Self.issue(f, client, as: "aStaff", CertificateRequest(volunteerNumber: f.volunteerA.number)).json
            let serial = try #require(issued["serial"] as? String)
            let token = try #require(issued["token"] as? String)
            let path = "/api/v1/certificates/\(serial)/revoke"
            #expect(try await f.send(client, .post, path, as: "aStaff", json: ["reason": "出具有误"]).status == .forbidden)
            #expect(try await f.send(client, .post, path, as: "bAdmin", json: ["reason": "出具有误"]).status == .notFound)
            #expect(try await f.send(client, .post, path, as: "aAdmin", json: ["reason": " "]).status == .unprocessableContent)
            let revoked = try await f.send(client, .post, path, as: "aAdmin", json: ["reason": "出具有误"])
            #expect(revoked.status == .ok && revoked.json["revoked"] as? Bool == true)
            #expect(revoked.json["revocationReason"] as? String == "出具有误")
            let again = try await f.send(client, .post, path, as: "admin", json: ["reason": "再次"])
            #expect(again.status == .conflict && again.problemType == "urn:vledger:problem:certificate-revoked")

            var headers = f.headers(nil)
            headers[.accept] = "application/json"
            let verification = try await client.execute(uri: "/v/\(token)", method: .get, headers: headers)
            #expect(verification.json["status"] as? String == "revoked")
            #expect((verification.json["revocation"] as? [String: Any])?["reason"] as? String == "出具有误")
            #expect((verification.json["revocation"] as? [String: Any])?["revokedOn"] as? String == "2026-06-15")
        }
    }
}
