import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Every error is an RFC 9457 `application/problem+json` body with a stable type and the request id.
@Suite struct ProblemFormatTests {
    /// A failing request and the problem it must produce.
    struct FailingRequest: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var account: String?
        var body: String?
        var status: Int
        var type: String
        var testDescription: String { "\(method) \(path) -> \(status) \(type)" }
    }

    static let failingRequests: [FailingRequest] = [
        FailingRequest(method: .post, path: "/api/v1/organizations/1/activities", account: "aStaff", body: #"{"title": "社区"#,
                       status: 400, type: "http-400"),
        FailingRequest(method: .post, path: "/api/v1/records", account: "aStaff", body: #"{"activityId": "one"}"#,
                       status: 400, type: "http-400"),
        FailingRequest(method: .get, path: "/api/v1/no-such-thing", account: "aStaff", status: 404, type: "http-404"),
        FailingRequest(method: .get, path: "/api/v1/records/999999", account: "aStaff", status: 404, type: "not-found"),
        FailingRequest(method: .get, path: "/api/v1/me", account: nil, status: 401, type: "unauthenticated"),
        FailingRequest(method: .post, path: "/api/v1/organizations", account: "aAdmin", body: "{}", status: 400, type: "http-400"),
        FailingRequest(method: .get, path: "/api/v1/audit/verify", account: "aStaff", status: 403, type: "forbidden"),
        FailingRequest(method: .get, path: "/api/v1/records?from=June", account: "aStaff", status: 422, type: "invalid-field"),
        FailingRequest(method: .get, path: "/api/v1/records/abc", account: "aStaff", status: 422, type: "invalid-field"),
    ]

    @Test(arguments: failingRequests)
    func everyProblemHasTypeTitleStatusDetailAndRequestId(_ request: FailingRequest) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, request.method, request.path, as: request.account,
                                                  body: request.body.map { ByteBuffer(string: $0) })
            #expect(response.status.code == request.status)
            #expect(response.headers[.contentType] == "application/problem+json; charset=utf-8")
            let problem = response.json
            #expect(problem["type"] as? String == "urn:vledger:problem:\(request.type)")
            #expect((problem["title"] as? String)?.isEmpty == false)
            #expect(problem["status"] as? Int == request.status)
            #expect((problem["detail"] as? String)?.isEmpty == false)
            #expect(problem["instance"] as? String == String(request.path.prefix { $0 != "?" }))
            let requestId = try #require(problem["requestId"] as? String)
            #expect(!requestId.isEmpty)
            #expect(response.headers[.init("X-Request-Id")!] == requestId)
        }
    }

    @Test func malformedJSONIsABadRequestProblem() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationA.id)/activities",
                                                  as: "aStaff", body: ByteBuffer(string: "{not json"))
            #expect(response.status == .badRequest)
            #expect(response.isProblem)
            #expect(response.problemType == "urn:vledger:problem:http-400")
            #expect((response.json["requestId"] as? String)?.isEmpty == false)
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func anUnknownRouteIsANotFoundProblem() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/volunteer/\(fixture.volunteerA.id)", as: "admin")
            #expect(response.status == .notFound)
            #expect(response.isProblem)
            #expect(response.problemType == "urn:vledger:problem:http-404")
            #expect(response.json["status"] as? Int == 404)
        }
    }

    @Test func anUnauthorizedProblemAsksForABearerToken() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            for header in ["Bearer not-a-token", "Basic YWRtaW46cGFzc3dvcmQ="] {
                let response = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: header])
                #expect(response.status == .unauthorized, "\(header)")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.problemType == "urn:vledger:problem:unauthenticated")
            }
        }
    }
}
