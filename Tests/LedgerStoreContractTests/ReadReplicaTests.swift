import Foundation
import LedgerCore
@testable import LedgerPostgres
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `vledger serve` on one PostgreSQL primary, both reading from its hot standby (`--read-database`):
/// verification answers from the standby, but never older than the caller's own write, and a standby whose
/// replay stopped is caught by the write position, whichever server took the write.
@Suite("Reads from a PostgreSQL hot standby", .serialized)
struct ReadReplicaTests {
    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(5)))
    func aStandbyAnswersVerificationButNeverBeforeTheCallersOwnWrite() async throws {
        guard let replicaPort = try TestPostgres.replicaPort() else { return }
        let (databaseURL, dropDatabase) = try await TestPostgres.freshDatabase()
        let replicaURL = try TestPostgres.url(databaseURL, port: replicaPort)
        // The standby replays the database's creation a moment after the primary made it.
        var opened: PostgresLedgerStore?
        try await Self.waitUntil("the standby has the new database") {
            opened = try? await PostgresLedgerStore(url: replicaURL, logger: TestPostgres.logger)
            return opened != nil
        }
        let standby = try #require(opened)
        let keysFolder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keysFolder, withIntermediateDirectories: true)
        let keysFile = keysFolder.appendingPathComponent("keys.json").path
        // Configured alike, as processes behind one load balancer are; one takes the writes, the other the reads.
        let arguments = ["--read-database", replicaURL, "--read-lag-limit", "60"]
        let writer = try await ServerProcess.start(database: databaseURL, keysFile: keysFile, arguments: arguments)
        var reader: ServerProcess?
        do {
            reader = try await ServerProcess.start(database: databaseURL, keysFile: keysFile, arguments: arguments)
            try await run(writer: writer, reader: try #require(reader), standby: standby, databaseURL: databaseURL)
        } catch {
            Issue.record(error)
        }
        // Replay runs again whatever happened, or the standby would hold back every later test's database.
        try? await Self.setReplay(paused: false, on: standby)
        try? await standby.close()
        await writer.stop()
        await reader?.stop()
        try? FileManager.default.removeItem(at: keysFolder)
        await dropDatabase()
    }

    /// A standby that is down when the server starts does not keep it from serving: the primary answers.
    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(3)))
    func aStandbyThatCannotBeReachedLeavesItsReadsToThePrimary() async throws {
        let (databaseURL, dropDatabase) = try await TestPostgres.freshDatabase()
        // Port 1 (tcpmux) is refused on loopback.
        let downURL = try TestPostgres.url(databaseURL, port: 1)
        let keysFolder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keysFolder, withIntermediateDirectories: true)
        let server = try await ServerProcess.start(database: databaseURL, keysFile: keysFolder.appendingPathComponent("keys.json").path,
                                                   arguments: ["--read-database", downURL])
        do {
            let created = try await VLedgerProcess.run(
                ["admin", "create-user", "--username", "down-admin", "--role", "platform_admin", "--password-stdin",
                 "--database", databaseURL], input: "replica-down-42\n")
            try #require(created.status == 0, "create-user: \(created.output) \(created.errorOutput)")
            let admin = try await APIClient(baseURL: server.baseURL).signedIn("down-admin", password: "replica-down-42")
            let organization = try await admin.post("organizations", Make.organizationInput(2))
            try #require(organization.status == 201, "\(organization.text)")
            // The list may lag, but with the standby down the primary answers it, new organization included.
            let listed = try await admin.get("organizations")
            #expect(listed.status == 200, "\(listed.text)")
            #expect(listed.text.contains(Make.organizationInput(2).name), "\(listed.text.prefix(300))")
            #expect(try await Self.laggingReads(server, answeredBy: "primary", reason: "replica_failed") >= 1)
            #expect(server.process.errorOutput.contains("a read database cannot be reached"))
            #expect(!server.process.errorOutput.contains(try #require(URLComponents(string: databaseURL)?.password)))
        } catch {
            Issue.record(error)
        }
        await server.stop()
        try? FileManager.default.removeItem(at: keysFolder)
        await dropDatabase()
    }

    private func run(writer: ServerProcess, reader: ServerProcess, standby: PostgresLedgerStore, databaseURL: String) async throws {
        #expect(try await standby.isInRecovery(), "the test replica is not a standby")
        let password = "replica-test-42"
        let created = try await VLedgerProcess.run(
            ["admin", "create-user", "--username", "replica-admin", "--role", "platform_admin", "--password-stdin",
             "--database", databaseURL], input: password + "\n")
        try #require(created.status == 0, "create-user: \(created.output) \(created.errorOutput)")
        let admin = try await APIClient(baseURL: writer.baseURL).signedIn("replica-admin", password: password)

        // A volunteer with two hours of service and a certificate, all through the writing server.
        let organization = try await admin.post("organizations", Make.organizationInput(1))
        try #require(organization.status == 201, "\(organization.text)")
        let organizationId = try #require(organization.int64("id"))
        let hour = (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600
        let activity = try await admin.post(
            "organizations/\(organizationId)/activities",
            ActivityInput(title: "备库读取测试", content: "证明核验走只读备库", category: .communityService, place: "测试",
                          start: Date(timeIntervalSince1970: hour - 2 * 86_400), end: Date(timeIntervalSince1970: hour - 3600), leader: "测试"))
        try #require(activity.status == 201, "\(activity.text)")
        let registered = try await admin.post("organizations/\(organizationId)/volunteers", Make.registration(1))
        try #require(registered.status == 201, "\(registered.text)")
        let volunteer = try #require(registered.object["volunteer"] as? [String: Any])
        let volunteerNumber = try #require(volunteer["number"] as? String)
        let volunteerId = try #require((volunteer["id"] as? NSNumber)?.int64Value)
        let record = try await admin.post("records", RecordInput(volunteerNumber: volunteerNumber, activityId: try #require(activity.int64("id")),
                                                                 start: Date(timeIntervalSince1970: hour - 86_400),
                                                                 end: Date(timeIntervalSince1970: hour - 86_400 + 7200)))
        try #require(record.status == 201, "\(record.text)")
        let issued = try await admin.post("certificates", CertificateRequest(volunteerId: volunteerId))
        try #require(issued.status == 201, "\(issued.text)")
        let token = try #require(issued.string("token"))
        let serial = try #require(issued.string("serial"))
        // Every write answers with its position in the primary's WAL.
        let issuedAt = try #require(issued.headers["ledger-write-position"])
        #expect(PostgresWALPosition(issuedAt) != nil, "\(issuedAt)")

        // The reading server, handed the position, sees the certificate at once: from the standby once it has
        // replayed that far, else from the primary.
        let public_ = APIClient(baseURL: reader.baseURL)
        let afterIssue = APIClient(baseURL: reader.baseURL, readAfter: issuedAt)
        #expect(try await afterIssue.get("verify?token=\(token)").string("status") == "valid")
        try await Self.waitUntil("the standby has replayed the certificate") {
            try await standby.walReplayPosition() >= PostgresWALPosition(issuedAt)!
        }
        #expect(try await public_.get("verify?token=\(token)").string("status") == "valid")
        let fromStandby = try await Self.laggingReads(reader, answeredBy: "replica", reason: "caught_up")
        #expect(fromStandby >= 1, "no verification was answered by the standby")

        // The standby stops replaying; the certificate is revoked on the writing server.
        try await Self.setReplay(paused: true, on: standby)
        let revoked = try await admin.post("certificates/\(serial)/revoke", ["reason": "备库测试撤销"])
        try #require(revoked.status == 200, "\(revoked.text)")
        let revokedAt = try #require(revoked.headers["ledger-write-position"])
        #expect(PostgresWALPosition(revokedAt)! > PostgresWALPosition(issuedAt)!)

        // A stranger reads within the lag limit from the standby: the old answer, as promised.
        #expect(try await public_.get("verify?token=\(token)").string("status") == "valid")
        // The caller who revoked reads their own write on the other server, from the primary.
        let afterRevoke = APIClient(baseURL: reader.baseURL, readAfter: revokedAt)
        #expect(try await afterRevoke.get("verify?token=\(token)").string("status") == "revoked")
        #expect(try await Self.laggingReads(reader, answeredBy: "primary", reason: "before_own_write") >= 1)
        // A position that is not one is ignored (no header echo, no error): the read still succeeds.
        let garbage = APIClient(baseURL: reader.baseURL, readAfter: "'; DROP TABLE certificates; --")
        #expect(try await garbage.get("verify?token=\(token)").status == 200)

        // Replay resumes: the stranger sees the revocation too.
        try await Self.setReplay(paused: false, on: standby)
        try await Self.waitUntil("the standby has replayed the revocation") {
            try await public_.get("verify?token=\(token)").string("status") == "revoked"
        }
        // Reads write nothing, so they hand out no position.
        #expect(try await public_.get("verify?token=\(token)").headers["ledger-write-position"] == nil)
    }

    // MARK: Helpers

    static func setReplay(paused: Bool, on standby: PostgresLedgerStore) async throws {
        try await standby.transaction(.read) { access in
            _ = try access.run(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()")
        }
        if paused {
            // Pausing takes effect between WAL records.
            try await waitUntil("replay has paused") {
                try await standby.transaction(.read) { access in
                    try access.run("SELECT pg_get_wal_replay_pause_state()").rows.first?.decode(String.self) == "paused"
                }
            }
        }
    }

    static func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }

    /// `vledger_lagging_reads_total{answered_by, reason}` on `server`'s /metrics (loopback needs no token).
    static func laggingReads(_ server: ServerProcess, answeredBy: String, reason: String) async throws -> Double {
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: "metrics", relativeTo: server.baseURL)))
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("vledger_lagging_reads_total{") && $0.contains("answered_by=\"\(answeredBy)\"") && $0.contains("reason=\"\(reason)\"")
        }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }
}

extension PostgresLedgerStore {
    /// How far this standby has replayed.
    func walReplayPosition() async throws -> PostgresWALPosition {
        try await transaction(.read) { access in
            let text = try access.run("SELECT pg_last_wal_replay_lsn()::text").rows.first?.decode(String?.self) ?? nil
            return PostgresWALPosition(text ?? "0/0") ?? PostgresWALPosition(0)
        }
    }
}

@Suite struct PostgresWALPositionTests {
    @Test func readsAndPrintsPositionsAsPostgreSQLDoes() throws {
        let position = try #require(PostgresWALPosition("16/B374D848"))
        #expect(position.value == 0x16_B374_D848)
        #expect(position.description == "16/B374D848")
        #expect(PostgresWALPosition("0/0")?.value == 0)
        #expect(PostgresWALPosition("FFFFFFFF/FFFFFFFF")?.value == UInt64.max)
        // Ordered by the whole 64-bit value, not as text.
        #expect(PostgresWALPosition("0/FFFFFFFF")! < PostgresWALPosition("1/0")!)
        #expect(PostgresWALPosition("9/0")! < PostgresWALPosition("A/0")!)
        for bad in ["", "0", "/0", "0/", "0/1/2", "123456789/0", "0/G", "-1/0", " 0/0", "0x1/0"] {
            #expect(PostgresWALPosition(bad) == nil, "\(bad)")
        }
    }
}
