import Foundation
import LedgerTestSupport
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Testing

/// The `vledger` commands around certificates, run as a user would: issue a PDF, export the public keys,
/// verify the QR code image offline, revoke, rotate and compromise keys.
@Suite(.serialized)
struct CertificateCommandTests {
    struct Scene {
        var directory: URL
        var database: String
        var keys: String
        var volunteer: Volunteer
        var organization: Organization

        func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try Tool.runAllowingFailure(try VLedgerBinary.path(), arguments)
        }

        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

        var common: [String] { ["--database", database, "--keys", keys, "--public-base-url", "https://verify.example.gov.cn"] }
    }

    /// A SQLite ledger with one organization, one volunteer and two records, made through the ledger itself.
    static func scene() async throws -> Scene {
        let directory = try Sample.directory()
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let store = try SQLiteLedgerStore(path: path)
        try await store.migrate()
        let now = Sample.issuedAt
        var ledger = Ledger(store: store, clock: { now })
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        let body = "51330106MA0000777"
        let organization = try await ledger.createOrganization(
            OrganizationInput(creditCode: body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!), name: "拱墅区助老志愿者协会",
                              regionCode: "330105", contactName: "周老师", contactPhone: "13800001111"), by: .localOperator)
        let idBody = "33010519880512004"
        let volunteer = try await ledger.registerVolunteer(
            VolunteerRegistration(name: "司马相如", documentNumber: idBody + String(ResidentIDNumber.checkCharacter(for: idBody)!),
                                  phone: "13900002222"), organizationId: organization.id, by: .localOperator).volunteer
        let day = LocalDate(year: 2026, month: 6, day: 10)!
        let activity = try await ledger.createActivity(
            ActivityInput(title: "重阳节敬老院陪伴", content: "陪伴老人", category: .communityService, place: "敬老院",
                          start: day.startOfDay(in: .ledgerDefault), end: day.adding(days: 1).startOfDay(in: .ledgerDefault),
                          leader: "周老师"), organizationId: organization.id, by: .localOperator)
        for (from, to) in [(9, 11), (14, 17)] {
            let start = day.startOfDay(in: .ledgerDefault).addingTimeInterval(Double(from) * 3600)
            _ = try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start,
                                                           end: start.addingTimeInterval(Double(to - from) * 3600)), by: .localOperator)
        }
        try await store.close()
        return Scene(directory: directory, database: "sqlite:\(path)", keys: directory.appendingPathComponent("keys.json").path,
                     volunteer: volunteer, organization: organization)
    }

    @Test func issueVerifyOfflineRevokeAndUseACachedStatusList() async throws {
        let s = try await Self.scene()
        let issued = try s.run(["issue", "--volunteer", s.volunteer.number, "--org", s.organization.creditCode,
                                "--out", s.file("cert.pdf"), "--png", s.file("qr.png")] + s.common)
        #expect(issued.status == 0, "\(issued.error)")
        let serial = try #require(issued.output.firstMatch(of: #/serial ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/#)).1
        #expect(issued.output.contains("5.00 小时"))
        let mode = try FileManager.default.attributesOfItem(atPath: s.keys)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "the key file is created readable by its owner only")
        #expect(try s.run(["keys", "jwks", "--out", s.file("jwks.json")] + s.common).status == 0)

        // Offline, from the PNG: no database (a missing one), no network.
        let offline = try s.run(["verify", s.file("qr.png"), "--jwks", s.file("jwks.json"), "--database", "sqlite:/nonexistent/x.sqlite"])
        #expect(offline.status == 0, "\(offline.output) \(offline.error)")
        #expect(offline.output.contains("签名有效 / Valid signature"))
        #expect(offline.output.contains(String(serial)))
        #expect(offline.output.contains("司**"), "the name is shown masked")
        #expect(offline.output.contains("未检查 not checked"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/x.sqlite"))

        // From the printed PDF, rasterized by poppler: the QR code on the page.
        if let pdftoppm = Tool.path("pdftoppm") {
            try Tool.run(pdftoppm, ["-r", "150", "-png", "-f", "1", "-l", "1", s.file("cert.pdf"), s.file("page")])
            let page = try #require(try FileManager.default.contentsOfDirectory(atPath: s.directory.path).first { $0.hasPrefix("page") })
            let fromPage = try s.run(["verify", s.file(page), "--jwks", s.file("jwks.json")])
            #expect(fromPage.status == 0 && fromPage.output.contains(String(serial)))
        }

        // A cached status list: not revoked, and how old it is.
        #expect(try s.run(["certificates", "status-list", "--out", s.file("list-before.jwt")] + s.common).status == 0)
        let fresh = try s.run(["verify", s.file("qr.png"), "--jwks", s.file("jwks.json"), "--status-list", s.file("list-before.jwt")])
        #expect(fresh.status == 0)
        #expect(fresh.output.contains("未撤销 not revoked") && fresh.output.contains("0 min old"))

        let revoked = try s.run(["certificates", "revoke", String(serial), "--reason", "信息有误"] + s.common)
        #expect(revoked.status == 0, "\(revoked.error)")
        #expect(try s.run(["certificates", "status-list", "--out", s.file("list-after.jwt")] + s.common).status == 0)
        let stale = try s.run(["verify", s.file("qr.png"), "--jwks", s.file("jwks.json"), "--status-list", s.file("list-before.jwt")])
        #expect(stale.status == 0, "the old list does not know yet")
        let after = try s.run(["verify", s.file("qr.png"), "--jwks", s.file("jwks.json"), "--status-list", s.file("list-after.jwt")])
        #expect(after.status == 1)
        #expect(after.output.contains("已撤销 REVOKED"))

        // Online, with the database: by serial, with the reason.
        let online = try s.run(["verify", String(serial).lowercased()] + s.common)
        #expect(online.status == 1)
        #expect(online.output.contains("已撤销 / Revoked") && online.output.contains("信息有误"))
    }

    @Test func rotatingAndCompromisingKeysFromTheCommandLine() async throws {
        let s = try await Self.scene()
        let first = try s.run(["issue", "--volunteer", s.volunteer.number, "--out", s.file("a.pdf"), "--png", s.file("a.png")] + s.common)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("issued by 志愿服务信息平台"), "without --org the platform issues it")
        let oldKid = try #require(try s.run(["keys", "list"] + s.common).output.firstMatch(of: #/  ([A-Za-z0-9_-]{43}) active/#)).1

        let rotated = try s.run(["keys", "rotate"] + s.common)
        #expect(rotated.status == 0)
        let listing = try s.run(["keys", "list"] + s.common).output
        #expect(listing.contains("\(oldKid) retired"))
        let privateKey = try #require(try String(contentsOfFile: s.keys, encoding: .utf8).firstMatch(of: #/"d" : "([^"]+)"/#)).1
        #expect(!listing.contains(privateKey), "never printed")

        #expect(try s.run(["keys", "jwks", "--out", s.file("jwks.json")] + s.common).status == 0)
        #expect(try s.run(["verify", s.file("a.png"), "--jwks", s.file("jwks.json")]).status == 0, "old keys keep verifying")

        #expect(try s.run(["keys", "compromise", String(oldKid), "--note", "备份泄露"] + s.common).status == 0)
        #expect(try s.run(["keys", "jwks", "--out", s.file("jwks2.json")] + s.common).status == 0)
        let refused = try s.run(["verify", s.file("a.png"), "--jwks", s.file("jwks2.json")])
        #expect(refused.status == 1)
        #expect(refused.output.contains("compromised-key"))
        let online = try s.run(["verify", s.file("a.png")] + s.common)
        #expect(online.status == 1 && online.output.contains("compromised-key"))
    }

    @Test func serveCreatesTheKeyFileAndPrintsNothingSecret() async throws {
        let s = try await Self.scene()
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try VLedgerBinary.path())
        process.arguments = ["serve", "--port", "0"] + s.common
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var printed = ""
        let deadline = Date().addingTimeInterval(30)
        while !printed.contains("public keys:"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        process.waitUntilExit()
        #expect(printed.contains("serving"), "\(printed)")
        #expect(printed.contains("https://verify.example.gov.cn/v/"))
        let keyFile = try String(contentsOfFile: s.keys, encoding: .utf8)
        let privateKey = try #require(keyFile.firstMatch(of: #/"d" : "([^"]+)"/#)).1
        #expect(!printed.contains(privateKey))
        #expect(!printed.contains("\"d\""))
    }
}

/// The `vledger` executable built next to the test bundle, or `$VLEDGER_BINARY`.
enum VLedgerBinary {
    struct NotBuilt: Error, CustomStringConvertible {
        var description: String { "no vledger executable next to the tests: run `swift build --build-tests` or set VLEDGER_BINARY" }
    }

    static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["VLEDGER_BINARY"], !path.isEmpty { return path }
        let folders = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent(),
                       URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()].compactMap { $0 }
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("vledger").path) {
            return folder.appendingPathComponent("vledger").path
        }
        throw NotBuilt()
    }
}
