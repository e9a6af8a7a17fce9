import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing
@testable import LedgerWeb

/// Organizations apply through the API (`applyForOrganization`, no account) and platform admins decide; the certificate
/// travels as base64 and is checked by its bytes; the web form's upload limit opens only the apply path to visitors.
@Suite struct OrganizationApplicationAPITests {
    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func body(creditCode: String, phone: String, code: String, certificate: String? = nil, extra: [String: String] = [:]) -> ByteBuffer {
        var fields = ["name": "运河志愿服务队", "creditCode": creditCode, "regionCode": "330105", "registrationType": "social_service",
                      "contactName": "钱晓东", "contactPhone": phone, "code": code, "adminUsername": "yunhe-admin", "adminPassword": "password-1234",
                      "certificate": certificate ?? Data(OrganizationApplicationOperations.pdf).base64EncodedString()]
        fields.merge(extra) { _, new in new }
        return Factory.json(fields)
    }

    @Test func anOrganizationAppliesReadsItsStateAndTheAdminReturnsIt() async throws {
        let fixture = try await APIFixture.make()
        try await APIFixture.storeCode(fixture.ledger, .organizationApply, phone: "13912340567", code: "424242")
        try await fixture.test { client in
            let applied = try await fixture.send(client, .post, "/api/v1/organization-applications", as: nil,
                                                 body: Self.body(creditCode: Factory.organization(5).creditCode, phone: "13912340567", code: "424242"))
            #expect(applied.status == .created, "\(String(buffer: applied.body).prefix(300))")
            let answer = try Self.object(applied)
            let application = try #require(answer["application"] as? [String: Any])
            let id = try #require(application["id"] as? Int)
            let token = try #require(answer["statusToken"] as? String)
            #expect(applied.headers[.location] == "/api/v1/organization-applications/\(id)")
            #expect(application["state"] as? String == "pending" && application["contactPhone"] as? String == "139****0567")
            #expect(answer["statusUrl"] as? String == "/organizations/applications/\(id)?token=\(token)")

            // The applicant reads it by the token; a wrong token is 404; without one it needs the platform.
            let read = try await fixture.send(client, .get, "/api/v1/organization-applications/\(id)?token=\(token)", as: nil)
            let readBody = try Self.object(read)
            #expect(read.status == .ok && readBody["name"] as? String == "运河志愿服务队")
            let wrong = try await fixture.send(client, .get, "/api/v1/organization-applications/\(id)?token=\(token.dropLast())x", as: nil)
            #expect(wrong.status == .notFound)
            let staff = try await fixture.send(client, .get, "/api/v1/organization-applications/\(id)", as: "aAdmin")
            #expect(staff.status == .forbidden)

            // The queue lists it (phone in full for the platform); the certificate comes back as stored.
            let queue = try await fixture.send(client, .get, "/api/v1/organization-applications?state=pending", as: "admin")
            #expect(queue.items.compactMap { $0["contactPhone"] as? String }.contains("13912340567"))
            let file = try await fixture.send(client, .get, "/api/v1/organization-applications/\(id)/certificate", as: "admin")
            #expect(file.status == .ok && file.headers[.contentType] == "application/pdf")
            #expect(Array(buffer: file.body) == OrganizationApplicationOperations.pdf)

            // A second application for the code while one waits: 409.
            let again = try await fixture.send(client, .post, "/api/v1/organization-applications", as: nil,
                                               body: Self.body(creditCode: Factory.organization(5).creditCode, phone: "13912340567", code: "424242"))
            #expect(again.status == .conflict && again.problemType == "urn:vledger:problem:organization-application-pending")

            // Returning needs a reason; returned, it cannot be approved.
            let noReason = try await fixture.send(client, .post, "/api/v1/organization-applications/\(id)/decision", as: "admin",
                                                  body: Factory.json(["decision": "return"]))
            #expect(noReason.status == .unprocessableContent)
            let returned = try await fixture.send(client, .post, "/api/v1/organization-applications/\(id)/decision", as: "admin",
                                                  body: Factory.json(["decision": "return", "reason": "证书不清晰"]))
            let returnedBody = try Self.object(returned)
            #expect(returned.status == .ok && returnedBody["reason"] as? String == "证书不清晰")
            let approve = try await fixture.send(client, .post, "/api/v1/organization-applications/\(id)/decision", as: "admin",
                                                 body: Factory.json(["decision": "approve"]))
            #expect(approve.status == .conflict && approve.problemType == "urn:vledger:problem:organization-application-decided")
        }
    }

    @Test func theFixturesApplicationIsApprovedWithItsOrganizationAndAdmin() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let approved = try await fixture.send(client, .post, "/api/v1/organization-applications/\(fixture.application.id)/decision",
                                                  as: "admin", body: Factory.json(["decision": "approve"]))
            #expect(approved.status == .ok)
            let organizationId = try #require((try Self.object(approved))["organizationId"] as? Int)
            let organization = try await fixture.send(client, .get, "/api/v1/organizations/\(organizationId)", as: "admin")
            let organizationBody = try Self.object(organization)
            #expect(organizationBody["creditCode"] as? String == Factory.organization(8).creditCode)
            let login = try await fixture.ledger.login(username: "applicant-admin", password: "password-1234")
            #expect(login.account.role == .organizationAdmin && login.account.organizationId == Int64(organizationId))
        }
    }

    @Test func badBodiesAreRefusedAndStoreNothing() async throws {
        let fixture = try await APIFixture.make()
        try await APIFixture.storeCode(fixture.ledger, .organizationApply, phone: "13912340568", code: "525252")
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let code = Factory.organization(5).creditCode
            let cases: [(ByteBuffer, HTTPResponse.Status, String)] = [
                (Self.body(creditCode: code, phone: "13912340568", code: "525252", extra: ["website": "x"]), .unprocessableContent, "website"),
                (Self.body(creditCode: code, phone: "13912340568", code: "525252", certificate: "***"), .unprocessableContent, "certificate"),
                (Self.body(creditCode: code, phone: "13912340568", code: "525252", certificate: Data("hello".utf8).base64EncodedString()),
                 .unprocessableContent, "certificate"),
                (Self.body(creditCode: "91330106MA27", phone: "13912340568", code: "525252"), .unprocessableContent, "creditCode"),
                (Self.body(creditCode: code, phone: "13912340568", code: "525252", extra: ["registrationType": "company"]),
                 .unprocessableContent, "registrationType"),
            ]
            for (body, status, field) in cases {
                let response = try await fixture.send(client, .post, "/api/v1/organization-applications", as: nil, body: body)
                #expect(response.status == status, "\(field): \(String(buffer: response.body).prefix(200))")
                #expect(String(buffer: response.body).contains(field), "\(field)")
            }
            // Larger than a 5 MiB certificate in base64 can be: refused before it is parsed.
            let huge = ByteBuffer(repeating: UInt8(ascii: "A"), count: (RegistrationCertificateFile.maximumSize / 3 + 1) * 4 + 20 * 1024)
            let tooLarge = try await fixture.send(client, .post, "/api/v1/organization-applications", as: nil, body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            let after = try await fixture.snapshot()
            #expect(after == before)
            // The right code still works after all that.
            let applied = try await fixture.send(client, .post, "/api/v1/organization-applications", as: nil,
                                                 body: Self.body(creditCode: code, phone: "13912340568", code: "525252"))
            #expect(applied.status == .created)
        }
    }

    @Test func theWebFormTakesALargeBodyFromAVisitorOnlyOnTheApplyPath() {
        let visitor = FormBodyLimits.limit(path: "/organizations/apply", principal: nil)
        #expect(visitor == RegistrationCertificateFile.maximumSize + FormBodyLimits.envelope)
        #expect(FormBodyLimits.limit(path: "/organizations/apply", principal: Principal(userId: 3, role: .volunteer)) == visitor)
        for path in ["/organizations/apply/code", "/organizations/applications/1", "/login", "/me/claims", "/org/import"] {
            #expect(FormBodyLimits.limit(path: path, principal: nil) == FormBodyLimits.form, "\(path)")
        }
    }
}

/// The documented-operations test's requests for the organization applications (`OpenAPIDocumentTests`).
struct OrganizationApplicationOperations {
    static let phone = "13800138078"
    static let code = "246802"
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    static func samples(_ f: APIFixture) -> [String: OperationSample] {
        [
            "POST /api/v1/organization-applications": .init(body: OperationSample.json([
                "name": "文档样例组织", "creditCode": Factory.organization(6).creditCode, "regionCode": "330106", "registrationType": "foundation",
                "contactName": "样例联系人", "contactPhone": phone, "code": code, "adminUsername": "sample-applicant",
                "adminPassword": "a-long-password", "certificate": Data(pdf).base64EncodedString()])),
            "GET /api/v1/organization-applications": .init(query: "state=all&limit=10"),
            "GET /api/v1/organization-applications/{id}": .init(pathId: String(f.application.id)),
            "GET /api/v1/organization-applications/{id}/certificate": .init(pathId: String(f.application.id)),
            "POST /api/v1/organization-applications/{id}/decision": .init(body: OperationSample.json(["decision": "return", "reason": "证书不清晰"]),
                                                                        pathId: String(f.application.id)),
        ]
    }

    static func failures(_ f: APIFixture) -> [(key: String, sample: OperationSample, account: String?, status: Int)] {
        [
            ("POST /api/v1/organization-applications", .init(body: OperationSample.json([
                "name": "样例", "creditCode": "91330106MA27", "regionCode": "330106", "registrationType": "foundation", "contactName": "联系人",
                "contactPhone": "13800138079", "code": "000000", "adminUsername": "x-applicant", "adminPassword": "a-long-password",
                "certificate": Data(pdf).base64EncodedString()])), nil, 422),
            ("GET /api/v1/organization-applications/{id}", .init(query: "token=wrong", pathId: String(f.application.id)), nil, 404),
            ("GET /api/v1/organization-applications", .init(), "inspector", 403),
            ("POST /api/v1/organization-applications/{id}/decision", .init(body: OperationSample.json(["decision": "return"]),
                                                                         pathId: String(f.application.id)), "admin", 422),
        ]
    }
}
