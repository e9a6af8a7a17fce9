import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import Testing

/// Request bodies hold the fields the API document declares and no others (`additionalProperties: false`): an
/// undeclared field, at the top or nested, is 422 naming it, for every JSON body the API decodes, and nothing changes.
struct StrictRequestBodyTests {
    /// Every JSON request body in the document is closed, refuses an undeclared field by name, and takes every field
    /// it declares (sent as nulls, the body fails later, but never for an unknown field).
    @Test func everyDocumentedRequestBodyRefusesAnUndeclaredFieldAndKnowsItsOwn() async throws {
        let f = try await APIFixture.make()
        let before = try await f.snapshot()
        try await f.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { try JSON.parse($0.body) }
            var bodies: [(OpenAPIOperation, JSON, String)] = []
            for operation in OpenAPIOperation.all(in: document) {
                guard let schema = operation.definition["requestBody"]?["content"]?["application/json"]?["schema"]?.dereferenced(in: document)
                else { continue }
                bodies.append((operation, schema, operation.path.replacing(#/\{\w+\}/#, with: "1")))
            }
            for (operation, schema, uri) in bodies {
                #expect(schema["additionalProperties"] == .bool(false), "\(operation.key): the body's schema is not closed")
                let undeclared = try await f.send(client, operation.httpMethod, uri, as: "admin", body: ByteBuffer(string: #"{"zzUndeclared": true}"#))
                #expect(undeclared.status == .unprocessableContent, "\(operation.key): \(undeclared.status) \(String(buffer: undeclared.body).prefix(300))")
                #expect(undeclared.problemType == "urn:vledger:problem:invalid-field" && undeclared.json["field"] as? String == "zzUndeclared",
                        "\(operation.key): \(String(buffer: undeclared.body).prefix(300))")
                #expect(undeclared.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(operation.key)")
            }
            #expect(try await f.snapshot() == before, "no refused body changed anything")
            // Every declared field is known (sent as nulls, a body may fail later, or even pass, but never as unknown).
            for (operation, schema, uri) in bodies {
                let declared = (schema["properties"]?.object ?? [:]).keys.sorted()
                let nulls = "{" + declared.map { "\"\($0)\": null" }.joined(separator: ", ") + "}"
                let own = try await f.send(client, operation.httpMethod, uri, as: "admin", body: ByteBuffer(string: nulls))
                #expect(!String(buffer: own.body).contains("unknown field"),
                        "\(operation.key) refuses a field its document declares: \(String(buffer: own.body).prefix(300))")
            }
            #expect(bodies.count >= 30, "the document's JSON bodies were found")
        }
    }

    @Test func anUndeclaredFieldInANestedObjectIsNamedWithItsPlace() async throws {
        let f = try await APIFixture.make()
        let before = try await f.snapshot()
        try await f.test { client in
            let body = """
                {"entries": [{"volunteerNumber": "\(f.volunteerA.number)", "start": "\(iso(Factory.time(day: 10, hour: 13)))", "end": "\(iso(Factory.time(day: 10, hour: 14)))"},
                             {"volunteerNumber": "\(f.volunteerA.number)", "start": "\(iso(Factory.time(day: 10, hour: 15)))", "end": "\(iso(Factory.time(day: 10, hour: 16)))", "nte": "x"}]}
                """
            let response = try await f.send(client, .post, "/api/v1/activities/\(f.activityA.id)/records", as: "aStaff", body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            #expect(response.json["field"] as? String == "entries[1].nte", "\(String(buffer: response.body))")

            // The claim route reads its (larger) body itself, through the same strict decoder.
            let claim = try await f.send(client, .post, "/api/v1/hours-claims", as: "volunteerA", body: ByteBuffer(string: """
                {"activityId": \(f.activityA.id), "start": "\(iso(Factory.time(day: 10, hour: 12)))", "end": "\(iso(Factory.time(day: 10, hour: 13)))", "note": "x", "evidenceUrl": "http://example.com/a.png"}
                """))
            #expect(claim.status == .unprocessableContent && claim.json["field"] as? String == "evidenceUrl", "\(String(buffer: claim.body))")
        }
        #expect(try await f.snapshot() == before)
    }

    /// Each documented operation's valid sample body with an undeclared field added to one of its objects at a time
    /// (the body itself, and every object nested in it): refused, naming the field where it was put.
    @Test func anUndeclaredFieldAnywhereInAValidBodyIsRefusedWhereItIs() async throws {
        let f = try await APIFixture.make()
        let logoutToken = try await f.ledger.login(username: "admin", password: APIFixture.password).token
        let spotChecks = try await SpotCheckCampaigns.make(f)
        let certificates = try await CertificateOperations.make(f)
        let samples = OperationSample.successes(f, logoutToken: logoutToken).merging(spotChecks.samples(f)) { own, _ in own }
            .merging(certificates.samples(f)) { own, _ in own }
        let before = try await f.snapshot()
        try await f.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { try JSON.parse($0.body) }
            let exchange = DocumentedExchange(document: document, fixture: f, client: client)
            var nested = 0
            for operation in OpenAPIOperation.all(in: document) {
                guard let sample = samples[operation.key], case .json(let buffer) = sample.body else { continue }
                var headers = f.headers("admin")
                if let token = sample.token { headers[.authorization] = "Bearer \(token)" }
                let uri = exchange.uri(operation, sample) + (sample.query.isEmpty ? "" : "?" + sample.query)
                for (field, body) in Self.injections(try JSONSerialization.jsonObject(with: Data(buffer: buffer))) {
                    if field.contains(".") || field.contains("[") { nested += 1 }
                    let response = try await client.execute(uri: uri, method: operation.httpMethod, headers: headers,
                                                            body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
                    #expect(response.status == .unprocessableContent && response.json["field"] as? String == field,
                            "\(operation.key) with \(field): \(response.status) \(String(buffer: response.body).prefix(300))")
                }
            }
            #expect(nested >= 3, "the samples hold nested objects (a spot check's scope and sample size, a finding's checklist)")
        }
        #expect(try await f.snapshot() == before, "no refused body changed anything")
    }

    /// Every object in `value` (a parsed JSON body) with `zzUndeclared` added, one at a time: the field's place and the body.
    static func injections(_ value: Any, path: String = "", rebuild: @escaping (Any) -> Any = { $0 }) -> [(String, Any)] {
        var found: [(String, Any)] = []
        if let object = value as? [String: Any] {
            var injected = object
            injected["zzUndeclared"] = true
            found.append((path.isEmpty ? "zzUndeclared" : path + ".zzUndeclared", rebuild(injected)))
            for (key, child) in object {
                found += injections(child, path: path.isEmpty ? key : path + "." + key) { replaced in
                    var copy = object
                    copy[key] = replaced
                    return rebuild(copy)
                }
            }
        } else if let array = value as? [Any] {
            for (index, child) in array.enumerated() {
                found += injections(child, path: path + "[\(index)]") { replaced in
                    var copy = array
                    copy[index] = replaced
                    return rebuild(copy)
                }
            }
        }
        return found
    }

    func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    struct Sample: Decodable, Equatable {
        struct Inner: Decodable, Equatable { var name: String }
        var at: Date
        var counts: [String: Int]
        var inner: Inner?
        var list: [Inner]
        var tags: [String]?
    }

    @Test func theDecoderChecksEveryObjectTheTypeReadsAndLeavesDictionariesOpen() throws {
        let decoder = StrictJSONDecoder()
        let good = #"{"at": "2026-06-10T09:00:00+08:00", "counts": {"any": 1, "key": 2}, "inner": null, "list": [{"name": "a"}], "tags": ["x"]}"#
        let sample = try decoder.decode(Sample.self, from: Data(good.utf8))
        #expect(sample.counts == ["any": 1, "key": 2] && sample.list == [.init(name: "a")] && sample.inner == nil)
        #expect(sample.at == Date(timeIntervalSince1970: 1_781_053_200), "dates keep the ISO 8601 strategy")
        for (body, field) in [
            (#"{"at": "2026-06-10T09:00:00Z", "counts": {}, "list": [], "extra": 1}"#, "extra"),
            (#"{"at": "2026-06-10T09:00:00Z", "counts": {}, "inner": {"name": "a", "nam": "b"}, "list": []}"#, "inner.nam"),
            (#"{"at": "2026-06-10T09:00:00Z", "counts": {}, "list": [{"name": "a"}, {"name": "b", "x": 0}]}"#, "list[1].x"),
        ] {
            #expect(throws: LedgerError.invalidField(field: field, reason: "未定义的字段 / unknown field: the API document does not declare it")) {
                try decoder.decode(Sample.self, from: Data(body.utf8))
            }
        }
    }
}
