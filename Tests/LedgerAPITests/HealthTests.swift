import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

@Suite struct HealthAndLoginTests {
    @Test func healthzAnswersOK() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok")
                #expect(response.headers[.init("X-Request-Id")!] != nil)
            }
        }
    }

    @Test func loginReturnsABearerTokenThatLogoutRevokes() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let body = ByteBuffer(string: #"{"username":"aStaff","password":"\#(APIFixture.password)"}"#)
            let token = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: fixture.headers(nil), body: body) { response in
                #expect(response.status == .ok)
                return response.body.jsonObject["token"] as? String ?? ""
            }
            #expect(token.count >= 40)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            try await client.execute(uri: "/api/v1/me", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.body.jsonObject["role"] as? String == "org_staff")
            }
            try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: auth) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: auth) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(response.body.jsonObject["type"] as? String == "urn:vledger:problem:unauthenticated")
            }
        }
    }

    @Test func wrongPasswordIsRefusedWithAProblem() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let body = ByteBuffer(string: #"{"username":"aStaff","password":"wrong-password"}"#)
            try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: fixture.headers(nil), body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.jsonObject["type"] as? String == "urn:vledger:problem:invalid-credentials")
            }
        }
    }
}
