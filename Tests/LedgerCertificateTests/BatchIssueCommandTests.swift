import Foundation
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Testing

/// `vledger issue --org CODE --all-members --out DIR`: one PDF per member with records, reused on a second run;
/// the flags that do not go together are refused before anything is issued.
@Suite(.serialized)
struct BatchIssueCommandTests {
    /// The certificate commands' scene with two more members: one with a record, one without any.
    static func scene() async throws -> CertificateCommandTests.Scene {
        let s = try await CertificateCommandTests.scene()
        let store = try SQLiteLedgerStore(path: String(s.database.dropFirst("sqlite:".count)))
        let now = Sample.issuedAt
        var ledger = Ledger(store: store, clock: { now })
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        let activity = try #require(try await ledger.activities(organizationId: s.organization.id, after: nil, limit: 10,
                                                                by: .localOperator).items.first)
        for (n, name) in [(21, "卓文君"), (22, "王昭君")] {
            let idBody = "330105199003070\(n)"
            let volunteer = try await ledger.registerVolunteer(
                VolunteerRegistration(name: name, documentNumber: idBody + String(ResidentIDNumber.checkCharacter(for: idBody)!),
                                      phone: "139000022\(n)"), organizationId: s.organization.id, by: .localOperator).volunteer
            if n == 21 {
                let start = activity.startAt.addingTimeInterval(8 * 3600)
                _ = try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start,
                                                               end: start.addingTimeInterval(2 * 3600)), by: .localOperator)
            }
        }
        try await store.close()
        return s
    }

    static func pdfs(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pdf") }.sorted()
    }

    @Test func allMembersWritesOnePDFPerMemberWithRecordsAndASecondRunReusesThem() async throws {
        let s = try await Self.scene()
        let folder = s.file("batch")
        let first = try s.run(["issue", "--org", s.organization.creditCode, "--all-members", "--from", "2026-06-01", "--to", "2026-06-30",
                               "--out", folder] + s.common)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("新出具 issued 2, 沿用 reused 0, 无记录跳过 skipped with no records 1"), "\(first.output)")
        let files = try Self.pdfs(in: folder)
        #expect(files.count == 2)
        #expect(files.contains { $0.hasPrefix(s.volunteer.number + "-") })
        for file in files {
            #expect(file.wholeMatch(of: #/V[0-9A-Z]+-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\.pdf/#) != nil, "\(file)")
            let head = try FileHandle(forReadingFrom: URL(fileURLWithPath: folder + "/" + file)).read(upToCount: 5)
            #expect(head == Data("%PDF-".utf8))
        }
        // Each one verifies on its own, by the serial in its name.
        for file in files {
            let serial = String(file.dropFirst(s.volunteer.number.count + 1).dropLast(4))
            let verified = try s.run(["verify", serial] + s.common)
            #expect(verified.status == 0, "\(verified.output)")
        }

        let second = try s.run(["issue", "--org", s.organization.creditCode, "--all-members", "--from", "2026-06-01", "--to", "2026-06-30",
                                "--out", folder] + s.common)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("新出具 issued 0, 沿用 reused 2"), "\(second.output)")
        #expect(try Self.pdfs(in: folder) == files, "the same serials, so the same files")
        let listed = try s.run(["certificates", "list"] + s.common)
        #expect(listed.output.split(separator: "\n").count == 1 + 2, "two certificates in the ledger, not four")
    }

    @Test func flagsThatDoNotGoTogetherAreRefusedByNameAndNothingIsIssued() async throws {
        let s = try await Self.scene()
        let noOrg = try s.run(["issue", "--all-members", "--out", s.file("a")] + s.common)
        #expect(noOrg.status != 0)
        #expect(noOrg.error.contains("--all-members needs --org"), "\(noOrg.error)")
        let both = try s.run(["issue", "--all-members", "--org", s.organization.creditCode, "--volunteer", s.volunteer.number,
                              "--out", s.file("b")] + s.common)
        #expect(both.status != 0)
        #expect(both.error.contains("--volunteer"), "\(both.error)")
        try Data("x".utf8).write(to: URL(fileURLWithPath: s.file("plain.txt")))
        let notFolder = try s.run(["issue", "--all-members", "--org", s.organization.creditCode, "--out", s.file("plain.txt")] + s.common)
        #expect(notFolder.status != 0)
        #expect(notFolder.error.contains("--out") && notFolder.error.contains("not a directory"), "\(notFolder.error)")
        let badLanguage = try s.run(["issue", "--volunteer", s.volunteer.number, "--lang", "fr", "--out", s.file("c.pdf")] + s.common)
        #expect(badLanguage.status != 0 && badLanguage.error.contains("--lang"))
        #expect(!FileManager.default.fileExists(atPath: s.file("a")) && !FileManager.default.fileExists(atPath: s.file("b")))
        let listed = try s.run(["certificates", "list"] + s.common)
        #expect(listed.output.split(separator: "\n").count == 1, "no certificate issued: \(listed.output)")
    }

    @Test func theSingleFormTakesTheLanguage() async throws {
        let s = try await Self.scene()
        let chinese = try s.run(["issue", "--volunteer", s.volunteer.number, "--out", s.file("zh.pdf")] + s.common)
        let english = try s.run(["issue", "--volunteer", s.volunteer.number, "--lang", "en", "--out", s.file("en.pdf")] + s.common)
        #expect(chinese.status == 0 && english.status == 0, "\(chinese.error) \(english.error)")
        let zh = try Data(contentsOf: URL(fileURLWithPath: s.file("zh.pdf")))
        let en = try Data(contentsOf: URL(fileURLWithPath: s.file("en.pdf")))
        #expect(zh.starts(with: Data("%PDF-".utf8)) && en.starts(with: Data("%PDF-".utf8)))
        if let pdftotext = Tool.path("pdftotext") {
            try Tool.run(pdftotext, [s.file("en.pdf"), s.file("en.txt")])
            let text = try String(contentsOfFile: s.file("en.txt"), encoding: .utf8)
            #expect(text.contains("Certificate") || text.contains("CERTIFICATE"), "\(text.prefix(300))")
        }
    }
}
