import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Keeps `Sources/LedgerAPI/openapi.json` true: it is served and self-consistent, it lists exactly the
/// routes the Swift code registers, and every documented operation answers with a documented status
/// and a body that fits the documented schema.
@Suite struct OpenAPIDocumentTests {
    @Test func servedDocumentIsTheSourceFileAndEveryReferenceResolves() async throws {
        let fixture = try await APIFixture.make()
        let source = try Data(contentsOf: SourceTree.openAPIFile)
        try await fixture.test { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(Data(response.body.readableBytesView) == source, "the served document is stale; rebuild")
                let document = try JSON.parse(response.body)
                #expect(document["openapi"] == .string("3.1.0"))
                let unresolved = document.references.filter { document.resolve($0) == nil }
                #expect(unresolved.isEmpty, "unresolved $ref: \(unresolved)")

                let operations = OpenAPIOperation.all(in: document)
                let operationIds = operations.compactMap { $0.definition["operationId"]?.string }
                #expect(operationIds.count == operations.count, "every operation has an operationId")
                #expect(Set(operationIds).count == operationIds.count, "operationIds are unique")
                for operation in operations {
                    let declared = Set(operation.parameters(in: document).filter { $0["in"] == .string("path") }
                        .compactMap { $0["name"]?.string })
                    #expect(declared == operation.pathParameterNames, "\(operation.key) declares path parameters \(declared)")
                }
            }
        }
    }

    @Test func everyDocumentedOperationAnswersAsDocumented() async throws {
        let fixture = try await APIFixture.make()
        // Logout gets a session of its own, so that the admin's token keeps working for the rest.
        let logoutToken = try await fixture.ledger.login(username: "admin", password: APIFixture.password).token
        let spotChecks = try await SpotCheckCampaigns.make(fixture)
        let certificates = try await CertificateOperations.make(fixture)
        let residents = try await ResidentOperations.make(fixture)
        let samples = OperationSample.successes(fixture, logoutToken: logoutToken).merging(spotChecks.samples(fixture)) { own, _ in own }
            .merging(certificates.samples(fixture)) { own, _ in own }.merging(residents.samples(fixture)) { own, _ in own }
            .merging(OrganizationApplicationOperations.samples(fixture)) { own, _ in own }
        let failures = OperationSample.failures(fixture) + spotChecks.failures(fixture) + certificates.failures(fixture) + residents.failures(fixture)
            + OrganizationApplicationOperations.failures(fixture)
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { try JSON.parse($0.body) }
            let exchange = DocumentedExchange(document: document, fixture: fixture, client: client)
            let operations = OpenAPIOperation.all(in: document)
            #expect(operations.count == samples.count, "one sample per documented operation")
            for operation in operations {
                guard let sample = samples[operation.key] else {
                    Issue.record("no sample request for \(operation.key); add one to OperationSample.successes")
                    continue
                }
                if operation.requiresAuthentication(in: document) {
                    let status = try await exchange.send(operation, sample, account: nil)
                    #expect(status == 401, "\(operation.key) without a token answered \(status)")
                }
                let status = try await exchange.send(operation, sample, account: "admin")
                #expect((200..<300).contains(status), "\(operation.key) as the admin answered \(status)")
            }
            for (key, sample, account, expected) in failures {
                guard let operation = operations.first(where: { $0.key == key }) else {
                    Issue.record("\(key) is not documented")
                    continue
                }
                let status = try await exchange.send(operation, sample, account: account)
                #expect(status == expected, "\(key) with \(sample) answered \(status), expected \(expected)")
            }
        }
    }

    @Test func documentListsExactlyTheRoutesTheSourcesRegister() throws {
        let document = try JSON.parse(Data(contentsOf: SourceTree.openAPIFile))
        let documented = Set(OpenAPIOperation.all(in: document).map(\.key))
        let registered = try SourceTree.registeredRoutes()
        #expect(registered.subtracting(documented).isEmpty,
                "registered in Sources/LedgerAPI but missing from openapi.json: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty,
                "in openapi.json but registered nowhere: \(documented.subtracting(registered).sorted())")
    }
}

/// One (method, path) of the document, e.g. `POST /api/v1/records/{id}/void`.
struct OpenAPIOperation: Sendable {
    var method: String
    var path: String
    var definition: JSON

    var key: String { "\(method.uppercased()) \(path)" }

    static func all(in document: JSON) -> [OpenAPIOperation] {
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return (document["paths"]?.object ?? [:]).sorted { $0.key < $1.key }.flatMap { path, item in
            methods.compactMap { method in item[method].map { OpenAPIOperation(method: method, path: path, definition: $0) } }
        }
    }

    var pathParameterNames: Set<String> {
        Set(path.matches(of: #/\{(\w+)\}/#).map { String($0.1) })
    }

    func parameters(in document: JSON) -> [JSON] {
        (definition["parameters"]?.array ?? []).compactMap { $0.dereferenced(in: document) }
    }

    /// False for operations marked `security: []`, like login and health.
    func requiresAuthentication(in document: JSON) -> Bool {
        (definition["security"] ?? document["security"])?.array?.isEmpty == false
    }

    var httpMethod: HTTPRequest.Method {
        switch method {
        case "get": .get
        case "put": .put
        case "post": .post
        case "delete": .delete
        case "patch": .patch
        case "head": .head
        case "options": .options
        default: .trace
        }
    }
}

/// A request for one documented operation: query, body, and which path id to use.
struct OperationSample: Sendable, CustomStringConvertible {
    enum Body: Sendable {
        case none
        case json(ByteBuffer)
        case text(String, contentType: String)
    }

    var query = ""
    var body = Body.none
    /// Replaces the fixture's id of the path's resource (see `DocumentedExchange.uri`).
    var pathId: String?
    /// Replaces the sending account's token.
    var token: String?

    var description: String { "query \"\(query)\", id \(pathId ?? "from the fixture")" }

    static func json(_ value: some Encodable) -> Body {
        .json(Factory.json(value))
    }

    /// A request that succeeds for every documented operation, keyed by `OpenAPIOperation.key`. They are
    /// sent in path order against one fixture, so none of them may spoil another (distinct times, records).
    static func successes(_ f: APIFixture, logoutToken: String) -> [String: OperationSample] {
        let period = "from=2026-06-01&to=2026-06-30"
        let recordFilter = "organization=\(f.organizationA.id)&volunteer=\(f.volunteerA.id)&activity=\(f.activityA.id)&\(period)&includeVoid=true&late=false"
        let importFile = """
            name,volunteer_number,activity,start_time,end_time,hours,note
            \(f.volunteerA.name),\(f.volunteerA.number),\(f.activityA.id),2026-06-10 16:00,2026-06-10 17:00,1,导入
            """
        return [
            "GET /healthz": .init(),
            "GET /openapi.json": .init(),
            "POST /api/v1/auth/login": .init(body: json(["username": "admin", "password": APIFixture.password])),
            "POST /api/v1/auth/logout": .init(token: logoutToken),
            "GET /api/v1/me": .init(),
            "POST /api/v1/users": .init(body: json(AccountInput(
                username: "clerk", password: APIFixture.password, role: .organizationStaff, organizationId: f.organizationA.id))),
            "POST /api/v1/holidays": .init(body: .text("# 国庆节\n2026-10-01 holiday\n2026-10-10 workday\n", contentType: "text/plain; charset=utf-8")),
            "GET /api/v1/audit/verify": .init(),
            "POST /api/v1/audit/verifications": .init(query: "mode=full"),
            "GET /api/v1/audit/verifications/latest": .init(),
            "GET /api/v1/security-log": .init(query: "kind=sign-in-succeeded&account=admin&from=2026-01-01&to=2030-12-31&limit=5"),
            "GET /api/v1/security-log.csv": .init(query: "kind=sign-in-succeeded"),
            "POST /api/v1/organizations": .init(body: json(Factory.organization(3))),
            "GET /api/v1/organizations": .init(query: "limit=1"),
            "GET /api/v1/organizations/{id}": .init(),
            "GET /api/v1/organizations/{id}/summary": .init(query: period),
            "POST /api/v1/organizations/{id}/volunteers": .init(body: json(Factory.volunteer(3))),
            "GET /api/v1/organizations/{id}/members": .init(query: "limit=10"),
            "POST /api/v1/organizations/{id}/members": .init(body: json(["volunteerNumber": f.volunteerB.number])),
            "POST /api/v1/organizations/{id}/activities": .init(body: json(Factory.activity(day: 11, title: "夜间巡逻"))),
            "POST /api/v1/organizations/{id}/imports": .init(body: .text(importFile, contentType: "text/csv")),
            "POST /api/v1/organizations/{id}/volunteer-imports": .init(body: .text(
                "姓名,证件号码,手机号码,技能特长\n花名册甲,\(Factory.residentID(88)),13800008888,急救\n", contentType: "text/csv")),
            "GET /api/v1/volunteers/{id}": .init(),
            "GET /api/v1/volunteers/{id}/memberships": .init(),
            "GET /api/v1/volunteers/{id}/summary": .init(query: "\(period)&organization=\(f.organizationA.id)"),
            "GET /api/v1/activities": .init(query: "organization=\(f.organizationA.id)&limit=50"),
            "GET /api/v1/activities/{id}": .init(),
            "GET /api/v1/activities/{id}/summary": .init(),
            "POST /api/v1/activities/{id}/records": .init(body: json(["entries": [
                BatchRecordEntry(volunteerNumber: f.volunteerA.number, start: Factory.time(day: 10, hour: 11), end: Factory.time(day: 10, hour: 12)),
            ]])),
            "POST /api/v1/records": .init(body: json(Factory.record(f.volunteerA, f.activityA, day: 10, from: 13, to: 15))),
            "GET /api/v1/records": .init(query: "\(recordFilter)&limit=1"),
            "GET /api/v1/records/{id}": .init(),
            "GET /api/v1/records/{id}/history": .init(),
            "POST /api/v1/records/{id}/corrections": .init(body: json(RecordCorrection(note: "补充说明", reason: "备注遗漏"))),
            "POST /api/v1/records/{id}/void": .init(body: json(["reason": "重复登记"]), pathId: String(f.recordB.id)),
            "POST /api/v1/activities/{id}/check-ins": .init(body: json(["volunteerNumber": f.walkInA.number]), pathId: String(f.liveActivityA.id)),
            "GET /api/v1/activities/{id}/check-ins": .init(query: "limit=10", pathId: String(f.liveActivityA.id)),
            "GET /api/v1/check-ins/{id}": .init(),
            "POST /api/v1/check-ins/{id}/check-out": .init(body: json(["minutes": 100])),
            "GET /api/v1/activities/{id}/attendance-code": .init(pathId: String(f.liveActivityA.id)),
            "POST /api/v1/hours-claims": .init(body: json(ClaimPayload(
                activityId: f.activityA.id, start: Factory.time(day: 10, hour: 17), end: Factory.time(day: 10, hour: 18), note: "纸质签到表",
                evidence: Data(APIFixture.png).base64EncodedString())), token: f.tokens["volunteerA"]),
            "GET /api/v1/hours-claims": .init(query: "state=pending&limit=10"),
            "POST /api/v1/hours-claims/{id}/decision": .init(body: json(["decision": "approve"])),
            "GET /api/v1/hours-claims/{id}/evidence": .init(),
            "POST /api/v1/hours-claims/{id}/correction": .init(body: json(["note": "实际 17:30 离开"]), pathId: String(f.claimB.id),
                                                              token: f.tokens["volunteerB"]),
            "GET /api/v1/organizations/{id}/settings": .init(),
            "GET /log/checkpoint": .init(),
            "GET /log/vkey": .init(),
            "GET /api/v1/log/inclusion-proof": .init(query: "index=0&size=2"),
            "GET /api/v1/log/consistency-proof": .init(query: "from=1&to=2"),
            "PUT /api/v1/organizations/{id}/settings": .init(body: json(["checkOutGraceMinutes": 45])),
            "POST /api/v1/volunteers/{id}/invitations": .init(pathId: String(f.walkInA.id), token: f.tokens["aStaff"]),
            "POST /api/v1/verification-codes": .init(body: json(["purpose": "register", "phone": "13800138000", "language": "en"])),
            "POST /api/v1/invitations/redeem": .init(body: json([
                "code": f.invitationCodeB, "documentNumber": f.walkInB.documentNumber, "username": "walkin-b", "password": "a-long-password"])),
            "PUT /api/v1/activities/{id}/site": .init(body: json(["latitude": 30.259, "longitude": 120.15, "radius": 200]),
                                                      pathId: String(f.activityA.id)),
            "DELETE /api/v1/activities/{id}/site": .init(pathId: String(f.activityB.id)),
            "POST /api/v1/activities/{id}/self-check-in": .init(
                body: json(SelfCheckInPayload(code: f.attendanceCode(f.liveActivityA), latitude: 30.25, longitude: 120.17, accuracy: 12)),
                pathId: String(f.liveActivityA.id), token: f.tokens["selfCheckedIn"]),
            "POST /api/v1/activities/{id}/self-check-out": .init(body: json(["code": f.attendanceCode(f.liveActivityA)]),
                                                                 pathId: String(f.liveActivityA.id), token: f.tokens["selfCheckedIn"]),
            "POST /api/v1/check-ins/{id}/cancel": .init(body: json(["reason": "签错活动"]), pathId: String(f.checkInB.id)),
            "GET /api/v1/open-activities": .init(query: "category=community_service&from=2026-06-01&to=2026-06-30&region=33&limit=10"),
            "GET /api/v1/activities/{id}/recruitment": .init(pathId: String(f.recruitingA.id)),
            "PUT /api/v1/activities/{id}/recruitment": .init(body: json(SignUpAPITests.RecruitmentPayload(
                audience: "everyone", capacity: 8, deadline: Factory.time(day: 19, hour: 12), requiredSkills: ["急救"])),
                pathId: String(f.recruitingA.id)),
            "POST /api/v1/activities/{id}/sign-ups": .init(pathId: String(f.recruitingA.id), token: f.tokens["volunteerB"]),
            "GET /api/v1/sign-ups": .init(query: "activity=\(f.recruitingA.id)&limit=10"),
            "POST /api/v1/sign-ups/{id}/cancel": .init(pathId: String(f.signUpB.id), token: f.tokens["volunteerB"]),
            "POST /api/v1/sign-ups/{id}/decision": .init(body: json(["decision": "confirm"])),
            "GET /api/v1/statistics": .init(query: "from=2026-06-01&to=2026-06-30&region=3301"),
            "GET /api/v1/public/statistics": .init(),
            "GET /api/v1/public/activities": .init(query: "q=%E6%8B%9B%E5%8B%9F&category=community_service&region=33&from=2026-06-01&to=2026-06-30&available=true&limit=10"),
            "GET /api/v1/public/activities/{id}": .init(pathId: String(f.recruitingA.id)),
            "POST /api/v1/organizations/{id}/join-requests": .init(body: json(["note": "周末有空"]), pathId: String(f.organizationB.id),
                                                                  token: f.tokens["selfCheckedIn"]),
            "GET /api/v1/organizations/{id}/join-requests": .init(query: "state=all&limit=10"),
            "POST /api/v1/organizations/{id}/leave": .init(token: f.tokens["selfCheckedIn"]),
            "GET /api/v1/join-requests": .init(query: "limit=10", token: f.tokens["volunteerB"]),
            "GET /api/v1/join-requests/{id}": .init(pathId: String(f.joinRequestA.id)),
            "POST /api/v1/join-requests/{id}/decision": .init(body: json(["decision": "accept"]), pathId: String(f.joinRequestA.id)),
            "POST /api/v1/join-requests/{id}/withdraw": .init(pathId: String(f.joinRequestB.id), token: f.tokens["volunteerA"]),
            "GET /api/v1/records.csv": .init(query: recordFilter),
            "GET /api/v1/volunteer-totals.csv": .init(query: recordFilter),
            // The batch is the first of the fixture's application, so its id is 1.
            "POST /api/v1/certificate-batches": .init(body: json(CertificateBatchPayload(
                organizationId: f.organizationA.id, from: "2026-06-01", to: "2026-06-30"))),
            "GET /api/v1/certificate-batches/{id}": .init(pathId: "1"),
            "GET /api/v1/certificate-batches/{id}/zip": .init(pathId: "1"),
        ]
    }

    /// Requests that fail in documented ways, so that the problem bodies are checked too; sent after
    /// the successes.
    static func failures(_ f: APIFixture) -> [(key: String, sample: OperationSample, account: String?, status: Int)] {
        let badImport = "name,volunteer_number,activity,start_time,end_time\n\(f.volunteerA.name),V00000000000,\(f.activityA.id),2026-06-10 18:30,2026-06-10 19:00\n"
        return [
            ("POST /api/v1/records", .init(body: .json(ByteBuffer(string: "{"))), "admin", 400),
            ("GET /api/v1/audit/verify", .init(), "volunteerA", 403),
            ("POST /api/v1/audit/verifications", .init(query: "mode=quick"), "admin", 422),
            ("GET /api/v1/security-log", .init(query: "kind=sign-in-maybe"), "admin", 422),
            ("GET /api/v1/security-log.csv", .init(), "inspector", 403),
            ("GET /api/v1/records/{id}", .init(pathId: "999999"), "admin", 404),
            ("POST /api/v1/organizations", .init(body: json(Factory.organization(1))), "admin", 409),
            ("POST /api/v1/records/{id}/void", .init(body: json(["reason": "再次作废"]), pathId: String(f.recordB.id)), "admin", 409),
            ("POST /api/v1/check-ins/{id}/cancel", .init(body: json(["reason": "再次撤销"]), pathId: String(f.checkInB.id)), "admin", 409),
            ("POST /api/v1/activities/{id}/check-ins", .init(body: json(["volunteerNumber": f.walkInA.number])), "admin", 409),
            ("GET /api/v1/check-ins/{id}", .init(), "bStaff", 404),
            ("POST /api/v1/hours-claims/{id}/decision", .init(body: json(["decision": "reject", "reason": "再议"])), "admin", 409),
            ("POST /api/v1/hours-claims/{id}/correction", .init(body: json(["note": "再改"])), "volunteerA", 409),
            ("PUT /api/v1/organizations/{id}/settings", .init(body: json(["checkOutGraceMinutes": 2000])), "admin", 422),
            ("GET /api/v1/log/inclusion-proof", .init(query: "index=5&size=100000"), "admin", 422),
            ("POST /api/v1/hours-claims", .init(body: json(ClaimPayload(
                activityId: f.activityA.id, start: Factory.time(day: 10, hour: 12), end: Factory.time(day: 10, hour: 13), note: "扫描件",
                evidence: "JVBERi0xLjc="))), "volunteerA", 422),
            ("POST /api/v1/invitations/redeem", .init(body: json([
                "code": f.invitationCodeB, "documentNumber": f.walkInB.documentNumber, "username": "walkin-b2", "password": "a-long-password"])),
             nil, 422),
            ("POST /api/v1/verification-codes", .init(body: json(["purpose": "register", "phone": "1----"])), nil, 422),
            ("POST /api/v1/volunteers/{id}/invitations", .init(pathId: String(f.volunteerA.id), token: f.tokens["aStaff"]), "aStaff", 409),
            ("POST /api/v1/activities/{id}/self-check-in", .init(body: json(["code": "00000000"]), pathId: String(f.liveActivityA.id)),
             "volunteerA", 422),
            ("POST /api/v1/activities/{id}/self-check-out", .init(body: json(["code": f.attendanceCode(f.liveActivityA)]),
                                                                  pathId: String(f.liveActivityA.id)), "selfCheckedIn", 409),
            ("GET /api/v1/activities/{id}/attendance-code", .init(pathId: String(f.activityA.id)), "aStaff", 409),
            ("PUT /api/v1/activities/{id}/site", .init(body: json(["latitude": 30.259, "longitude": 120.15, "radius": 5])), "aStaff", 422),
            ("POST /api/v1/activities/{id}/sign-ups", .init(pathId: String(f.recruitingA.id)), "volunteerA", 409),
            ("POST /api/v1/sign-ups/{id}/decision", .init(body: json(["decision": "confirm"])), "bStaff", 404),
            ("GET /api/v1/public/activities", .init(query: "region=33a"), nil, 422),
            ("GET /api/v1/statistics", .init(query: "from=2026-13-01"), "aStaff", 422),
            ("GET /api/v1/statistics", .init(query: "region=33a"), "aStaff", 422),
            ("GET /api/v1/statistics", .init(), "volunteerA", 403),
            ("GET /api/v1/public/activities", .init(query: "after=forged"), nil, 422),
            ("GET /api/v1/public/activities/{id}", .init(pathId: String(f.activityA.id)), nil, 404),
            ("POST /api/v1/organizations/{id}/join-requests", .init(body: json(["note": "再申请"]), pathId: String(f.organizationB.id)),
             "volunteerB", 409),
            ("GET /api/v1/organizations/{id}/join-requests", .init(), "bStaff", 404),
            ("POST /api/v1/join-requests/{id}/decision", .init(body: json(["decision": "decline"]), pathId: String(f.joinRequestB.id)),
             "bStaff", 422),
            ("PUT /api/v1/activities/{id}/recruitment", .init(body: json(SignUpAPITests.RecruitmentPayload(
                audience: "everyone", capacity: 0, deadline: Factory.time(day: 19, hour: 12))), pathId: String(f.recruitingA.id)), "admin", 422),
            ("GET /api/v1/open-activities", .init(query: "region=abc"), "volunteerA", 422),
            ("GET /api/v1/records/{id}", .init(pathId: "abc"), "admin", 422),
            ("GET /api/v1/records", .init(query: "limit=0"), "admin", 422),
            ("POST /api/v1/activities/{id}/records", .init(body: json(["entries": [
                BatchRecordEntry(volunteerNumber: f.volunteerA.number, start: Factory.time(day: 10, hour: 9), end: Factory.time(day: 10, hour: 10)),
            ]])), "admin", 422),
            ("POST /api/v1/organizations/{id}/imports", .init(body: .text(badImport, contentType: "text/csv")), "admin", 422),
            ("POST /api/v1/organizations/{id}/volunteer-imports", .init(body: .text("姓名,证件号码,手机号码\n坏行,123,1\n", contentType: "text/csv")),
             "admin", 422),
            ("POST /api/v1/certificate-batches", .init(body: json(CertificateBatchPayload(organizationId: f.organizationA.id))),
             "volunteerA", 403),
            ("POST /api/v1/certificate-batches", .init(body: json(CertificateBatchPayload(
                organizationId: f.organizationA.id, from: "2026-06-30", to: "2026-06-01"))), "admin", 422),
            ("GET /api/v1/certificate-batches/{id}", .init(pathId: "1"), "bStaff", 404),
            ("GET /api/v1/certificate-batches/{id}/zip", .init(pathId: "99"), "admin", 404),
        ]
    }
}

/// Sends samples through the in-process router and checks each answer against the document.
struct DocumentedExchange {
    let document: JSON
    let fixture: APIFixture
    let client: any TestClientProtocol

    /// Sends `sample` for `operation` as `account` (nil: anonymous), records every way the answer
    /// departs from the document, and returns its status code.
    func send(_ operation: OpenAPIOperation, _ sample: OperationSample, account: String?) async throws -> Int {
        let checker = JSONSchemaChecker(document: document)
        var headers = fixture.headers(account)
        if let token = sample.token, account != nil { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        switch sample.body {
        case .none:
            break
        case .json(let buffer):
            body = buffer
            // A sample the server accepts must fit the documented request schema, too.
            if let parsed = try? JSON.parse(buffer), let schema = requestSchema(operation, "application/json") {
                let issues = checker.violations(of: parsed, against: schema, at: "request")
                #expect(issues.isEmpty, "\(operation.key) request: \(issues)")
            }
        case .text(let text, let contentType):
            headers[.contentType] = contentType
            body = ByteBuffer(string: text)
            let mediaType = Self.mediaType(contentType)
            #expect(requestSchema(operation, mediaType) != nil, "\(operation.key) documents no \(mediaType) request body")
        }
        let documentedQuery = Set(operation.parameters(in: document).filter { $0["in"] == .string("query") }
            .compactMap { $0["name"]?.string })
        let sentQuery = Set(sample.query.split(separator: "&").map { String($0.prefix { $0 != "=" }) })
        #expect(sentQuery.isSubset(of: documentedQuery), "\(operation.key) sends undocumented query parameters \(sentQuery.subtracting(documentedQuery))")

        let uri = self.uri(operation, sample)
        return try await client.execute(uri: uri, method: operation.httpMethod, headers: headers, body: body) { response in
            let issues = answerIssues(operation, response, checker)
            #expect(issues.isEmpty, "\(operation.key) as \(account ?? "anonymous") (\(uri)) answered \(response.status.code): \(issues)")
            return response.status.code
        }
    }

    /// The operation's path with `{id}` replaced by the fixture's id of the resource it follows
    /// (`organizations/{id}` gets organization A, `records/{id}` record A, ...), and the query.
    func uri(_ operation: OpenAPIOperation, _ sample: OperationSample) -> String {
        let segments = operation.path.split(separator: "/", omittingEmptySubsequences: false)
        let filled = segments.indices.map { index -> String in
            guard segments[index].hasPrefix("{") else { return String(segments[index]) }
            if let pathId = sample.pathId { return pathId }
            switch segments[index - 1] {
            case "organizations": return String(fixture.organizationA.id)
            case "volunteers": return String(fixture.volunteerA.id)
            case "activities": return String(fixture.activityA.id)
            case "records": return String(fixture.recordA.id)
            case "check-ins": return String(fixture.checkInA.id)
            case "sign-ups": return String(fixture.signUpA.id)
            case "hours-claims": return String(fixture.claimA.id)
            default:
                Issue.record("\(operation.key): no fixture id for \(segments[index - 1]); teach DocumentedExchange.uri")
                return "0"
            }
        }
        let path = filled.joined(separator: "/")
        return sample.query.isEmpty ? path : path + "?" + sample.query
    }

    private func requestSchema(_ operation: OpenAPIOperation, _ mediaType: String) -> JSON? {
        operation.definition["requestBody"]?.dereferenced(in: document)?["content"]?[mediaType]?["schema"]
    }

    private static func mediaType(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// Every way `response` departs from what the document says `operation` answers.
    private func answerIssues(_ operation: OpenAPIOperation, _ response: TestResponse, _ checker: JSONSchemaChecker) -> [String] {
        let status = response.status.code
        var issues: [String] = []
        if status == 405 || status >= 500 { issues.append("status \(status) is never acceptable") }
        let parsedBody = try? JSON.parse(response.body)
        // Our own not-found problems have type urn:vledger:problem:not-found; a path the router does
        // not know is answered by ProblemMiddleware as urn:vledger:problem:http-404.
        if status == 404, parsedBody?["type"] != .string("urn:vledger:problem:not-found") {
            issues.append("router-level 404 (type \(parsedBody?["type"]?.string ?? "none")): the route is not registered")
        }
        let responses = operation.definition["responses"]?.object ?? [:]
        guard let documented = responses[String(status)]?.dereferenced(in: document) else {
            return issues + ["status \(status) is not documented (documented: \(responses.keys.sorted()))"]
        }
        let content = documented["content"]?.object ?? [:]
        if content.isEmpty {
            if response.body.readableBytes > 0 { issues.append("a body is sent but none is documented") }
            return issues
        }
        let mediaType = Self.mediaType(response.headers[.contentType] ?? "")
        guard let schema = content[mediaType]?["schema"] else {
            return issues + ["content type \(mediaType) is not documented (documented: \(content.keys.sorted()))"]
        }
        let value: JSON
        if mediaType.hasSuffix("json") {
            guard let parsedBody else { return issues + ["the body is not JSON: \(String(buffer: response.body))"] }
            value = parsedBody
        } else {
            value = .string(String(buffer: response.body))
        }
        return issues + checker.violations(of: value, against: schema)
    }
}

/// The package's source files, found from this file's path.
enum SourceTree {
    /// The package root: this file is `Tests/LedgerAPITests/OpenAPIDocumentTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let apiSources = root.appendingPathComponent("Sources/LedgerAPI")
    static let openAPIFile = apiSources.appendingPathComponent("openapi.json")

    /// `METHOD /path` of every route registered in `Sources/LedgerAPI/*.swift`.
    ///
    /// A registration is a call of an HTTP method on `router` (the top level) or on `api` (the
    /// `router.group("api/v1")`, whose prefix is read from the source) with a string literal first:
    /// `router.get("/healthz")`, `api.post("organizations/:id/volunteers")`. The regex captures the
    /// receiver, the method and the literal; `:name` becomes `{name}` as in OpenAPI paths. Other
    /// receivers are ignored (`uri.queryParameters.get("after")` is no route), so a route registered
    /// on a new group needs that group added here.
    static func registeredRoutes() throws -> Set<String> {
        let registration = #/\b(router|api)\.(get|post|put|patch|delete)\(\s*"([^"]*)"/#
        let groupPrefix = #/let\s+api\s*=\s*router\.group\(\s*"([^"]*)"\s*\)/#
        let files = try FileManager.default.contentsOfDirectory(at: apiSources, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        let sources = try files.map { try String(contentsOf: $0, encoding: .utf8) }
        guard let prefix = sources.lazy.compactMap({ $0.firstMatch(of: groupPrefix) }).first.map({ String($0.1) }) else {
            Issue.record("no `let api = router.group(\"...\")` in Sources/LedgerAPI")
            return []
        }
        var routes: Set<String> = []
        for source in sources {
            for match in source.matches(of: registration) {
                let relative = match.3.drop(while: { $0 == "/" })
                let path = match.1 == "api" ? "/\(prefix)/\(relative)" : "/\(relative)"
                let templated = path.replacing(#/:(\w+)/#) { "{\($0.1)}" }
                routes.insert("\(match.2.uppercased()) \(templated)")
            }
        }
        return routes
    }
}
