import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerSpreadsheets
import Testing

/// Residents registering themselves and their profile through the real application: the two steps with the code from
/// the development outbox, signed in at once; a takeover answers the phone on file masked; my profile unmasked to me
/// only; my data as JSON and `.xlsx`.
@Suite struct ResidentAPITests {
    /// Stores a known code for `purpose` and `phone`, as if it had been sent (the fixture's key is known).
    static func storeCode(_ fixture: APIFixture, _ purpose: VerificationPurpose, phone: String, code: String = "246810") async throws {
        let destination = "phone:\(phone)"
        let hash = VerificationCodeSettings(key: APIFixture.codeKey, platformName: "").hash(code: code, purpose: purpose, destination: destination)
        try await fixture.ledger.store.write { w in
            try w.replaceVerificationCode(StoredVerificationCode(purpose: purpose, destination: destination, codeHash: hash,
                                                                 issuedAt: APIFixture.now, expiresAt: APIFixture.now.addingTimeInterval(300)))
        }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func aResidentRegistersInTwoStepsAndIsSignedIn() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let document = Factory.residentID(61, birth: "19950412")
            let identity: [String: String] = ["name": "方可心", "documentNumber": document, "phone": "13955556666"]
            let started = try await fixture.send(client, .post, "/api/v1/registrations/verification-code", as: nil, body: Factory.json(identity))
            #expect(started.status == .accepted)
            let answer = try Self.object(started)
            #expect(answer["mode"] as? String == "new" && answer["destination"] as? String == "139****6666" && answer["needsGuardian"] as? Bool == false)
            #expect(answer["termsVersion"] as? String == PlatformTerms.currentVersion)

            // The code is only in the dev outbox.
            let outbox = String(buffer: try await client.execute(uri: "/dev/outbox", method: .get).body)
            let code = try #require(outbox.firstMatch(of: /验证码：(\d{6})/)?.1).description

            var registration: [String: AnyEncodable] = identity.mapValues { AnyEncodable($0) }
            registration["password"] = AnyEncodable("a-long-password")
            registration["acceptedTermsVersion"] = AnyEncodable(PlatformTerms.currentVersion)
            registration["serviceCategories"] = AnyEncodable(["community_service"])
            registration["residenceArea"] = AnyEncodable("330106")
            // A wrong code: 422 on `code`, nothing created.
            registration["code"] = AnyEncodable(code == "000000" ? "111111" : "000000")
            let wrong = try await fixture.send(client, .post, "/api/v1/registrations", as: nil, body: Factory.json(registration))
            #expect(wrong.status == .unprocessableContent && wrong.problemType == "urn:vledger:problem:verification-code-wrong")
            // An undeclared field is refused by the strict decoder.
            registration["code"] = AnyEncodable(code)
            registration["isAdmin"] = AnyEncodable(true)
            let extra = try await fixture.send(client, .post, "/api/v1/registrations", as: nil, body: Factory.json(registration))
            #expect(extra.status == .unprocessableContent)
            registration["isAdmin"] = nil

            let done = try await fixture.send(client, .post, "/api/v1/registrations", as: nil, body: Factory.json(registration))
            #expect(done.status == .created, "\(String(buffer: done.body))")
            let body = try Self.object(done)
            let volunteer = try #require(body["volunteer"] as? [String: Any])
            #expect(volunteer["documentNumber"] as? String == document && body["username"] as? String == volunteer["number"] as? String)
            let token = try #require(body["token"] as? String)
            let me = try await client.execute(uri: "/api/v1/me/profile", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            let profile = try Self.object(me)
            #expect(profile["termsVersion"] as? String == PlatformTerms.currentVersion)
            #expect((profile["volunteer"] as? [String: Any])?["phone"] as? String == "13955556666")

            // Again with the same document: 409, pointing to login.
            let again = try await fixture.send(client, .post, "/api/v1/registrations/verification-code", as: nil, body: Factory.json(identity))
            #expect(again.status == .conflict && again.problemType == "urn:vledger:problem:document-has-account")
        }
    }

    @Test func aTakeoverShowsThePhoneOnFileMaskedAndStaffSeeNoProfile() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            // walkInA was registered by organization A and has no login.
            let identity = ["name": fixture.walkInA.name, "documentNumber": fixture.walkInA.documentNumber, "phone": "13700009999"]
            let started = try await fixture.send(client, .post, "/api/v1/registrations/verification-code", as: nil, body: Factory.json(identity))
            #expect(started.status == .accepted)
            let text = String(buffer: started.body)
            #expect(text.contains("\"mode\":\"takeover\"") && text.contains(Masking.phone(fixture.walkInA.phone)))
            #expect(!text.contains(fixture.walkInA.phone))
            for account in ["admin", "aStaff", "inspector"] {
                let refused = try await fixture.send(client, .get, "/api/v1/me/profile", as: account)
                #expect(refused.status == .forbidden)
            }
        }
    }

    @Test func myProfileChangesAndMyDataDownloads() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let changed = try await fixture.send(client, .put, "/api/v1/me/profile", as: "volunteerA",
                                                 body: Factory.json(["residenceArea": AnyEncodable("310104"), "skills": AnyEncodable(["摄影", "急救"])]))
            #expect(changed.status == .ok)
            #expect(String(buffer: changed.body).contains("\"residenceArea\":\"310104\""))
            let bad = try await fixture.send(client, .put, "/api/v1/me/profile", as: "volunteerA", body: Factory.json(["residenceArea": "31"]))
            #expect(bad.status == .unprocessableContent)

            // A new phone with the code sent to it.
            try await Self.storeCode(fixture, .changePhone, phone: "13688887777")
            let phoned = try await fixture.send(client, .put, "/api/v1/me/profile", as: "volunteerA",
                                                body: Factory.json(["phone": "13688887777", "phoneCode": "246810"]))
            #expect(phoned.status == .ok && String(buffer: phoned.body).contains("13688887777"))

            let json = try await fixture.send(client, .get, "/api/v1/me/data", as: "volunteerA")
            #expect(json.status == .ok && json.headers[.contentDisposition]?.contains("my-data.json") == true)
            let data = try Self.object(json)
            #expect((data["volunteer"] as? [String: Any])?["documentNumber"] as? String == fixture.volunteerA.documentNumber)
            let records = try #require(data["records"] as? [[String: Any]])
            #expect(!records.isEmpty && records.allSatisfy { ($0["history"] as? [Any])?.isEmpty == false })

            let sheet = try await fixture.send(client, .get, "/api/v1/me/data.xlsx", as: "volunteerA")
            #expect(sheet.status == .ok)
            let rows = try XLSXReader.rows(Array(buffer: sheet.body))
            #expect(rows.contains { $0.contains(fixture.volunteerA.documentNumber) })
            #expect(rows.contains { $0.first == "服务记录 / Service records" })
        }
    }
}

/// An encodable of any of the JSON values these tests send.
struct AnyEncodable: Encodable {
    let encodeValue: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeValue = { try value.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}

/// The samples of the registration and profile operations for `OpenAPIDocumentTests`: a code stored for the
/// registration, so it succeeds before its first step's path is sent.
struct ResidentOperations {
    static let phone = "13966667777"
    static let document = Factory.residentID(62, birth: "19880808")

    static func make(_ fixture: APIFixture) async throws -> ResidentOperations {
        try await ResidentAPITests.storeCode(fixture, .register, phone: phone)
        return ResidentOperations()
    }

    func samples(_ f: APIFixture) -> [String: OperationSample] {
        [
            "POST /api/v1/registrations/verification-code": .init(body: OperationSample.json([
                "name": "样例甲", "documentNumber": Factory.residentID(63, birth: "19880808"), "phone": "13966668888", "language": "en"])),
            "POST /api/v1/registrations": .init(body: OperationSample.json([
                "name": AnyEncodable("样例乙"), "documentNumber": AnyEncodable(Self.document), "phone": AnyEncodable(Self.phone),
                "code": AnyEncodable("246810"), "username": AnyEncodable("sample-resident"), "password": AnyEncodable("a-long-password"),
                "residenceArea": AnyEncodable("330106"), "serviceCategories": AnyEncodable(["community_service"]), "skills": AnyEncodable(["急救"]),
                "acceptedTermsVersion": AnyEncodable(PlatformTerms.currentVersion)])),
            "GET /api/v1/me/profile": .init(token: f.tokens["volunteerA"]),
            "PUT /api/v1/me/profile": .init(body: OperationSample.json(["residenceArea": AnyEncodable("330106"), "skills": AnyEncodable(["急救"])]),
                                            token: f.tokens["volunteerA"]),
            "GET /api/v1/me/data": .init(token: f.tokens["volunteerA"]),
            "GET /api/v1/me/data.xlsx": .init(token: f.tokens["volunteerA"]),
        ]
    }

    func failures(_ f: APIFixture) -> [(key: String, sample: OperationSample, account: String?, status: Int)] {
        [
            ("POST /api/v1/registrations/verification-code", .init(body: OperationSample.json([
                "name": f.volunteerA.name, "documentNumber": f.volunteerA.documentNumber, "phone": "13966669999"])), nil, 409),
            ("POST /api/v1/registrations/verification-code", .init(body: OperationSample.json([
                "name": "样例丙", "documentNumber": "330106198808081230", "phone": "13966669999"])), nil, 422),
            ("POST /api/v1/registrations", .init(body: OperationSample.json([
                "name": "样例丁", "documentNumber": Factory.residentID(64, birth: "19880808"), "phone": "13966660000", "code": "000000",
                "password": "a-long-password", "acceptedTermsVersion": PlatformTerms.currentVersion])), nil, 422),
            ("GET /api/v1/me/profile", .init(), "admin", 403),
            ("PUT /api/v1/me/profile", .init(body: OperationSample.json(["residenceArea": "12"])), "volunteerA", 422),
            ("GET /api/v1/me/data", .init(), "aStaff", 403),
        ]
    }
}
