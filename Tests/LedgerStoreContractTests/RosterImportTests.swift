import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import Synchronization
import Testing

/// Roster import (花名册导入), on every backend: all or nothing, people already on the platform join, members
/// already are noted, a name that does not match is refused without showing the name on file; and on SQLite, the
/// work grows with the file (statements counted, no statement scans a table).
@Suite("Roster import")
struct RosterImportTests {
    /// A valid resident ID, unique for n below a few million: birth date and sequence number from n.
    static func residentID(_ n: Int) -> String {
        let birth = LocalDate(year: 1960, month: 1, day: 1)!.adding(days: n / 1000)
        let digits = birth.description.replacingOccurrences(of: "-", with: "")
        let body = "330106" + digits + String(format: "%03d", n % 1000)
        return body + String(ResidentIDNumber.checkCharacter(for: body)!)
    }

    static let header = "姓名,证件类型,证件号码,性别,出生日期,手机号码,居住区域,技能特长,服务类别\n"

    static func row(_ n: Int, name: String? = nil) -> String {
        "\(name ?? "花名册\(n)"),居民身份证,\(residentID(n)),,,1380000\(String(format: "%04d", n % 10000)),西湖区,急救、摄影,社区服务\n"
    }

    static func csv(_ rows: String) -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array((header + rows).utf8)
    }

    static func importRoster(_ ledger: Ledger, _ bytes: [UInt8], into organization: Organization,
                             batchRows: Int = 5_000) async throws -> ImportReport {
        try await ledger.importVolunteers(openFile: { try CSVReader(bytes: bytes) },
                                          options: ImportOptions(organizationId: organization.id, batchRows: batchRows),
                                          by: Principal(userId: nil, role: .organizationStaff, organizationId: organization.id))
    }

    static func members(_ t: TestStore, _ organization: Organization) async throws -> [Volunteer] {
        try await t.store.read { try $0.members(organizationId: organization.id, after: nil, limit: 100_000) }
    }

    @Test(arguments: Backend.all)
    func aRosterImportsWholeAndEveryoneBecomesAMember(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await t.store.write { try $0.insert(Make.organization(1)) }
            // A passport holder gives sex and birth date; several rows over small batches.
            let rows = (1...7).map { Self.row($0) }.joined() + "王小明,护照,E1234567,男,1988/5/6,13900001111,,,\n"
            let report = try await Self.importRoster(ledger, Self.csv(rows), into: organization, batchRows: 3)
            #expect(report.errors == [])
            #expect(report.committed)
            #expect(report.volunteersRegistered == 8 && report.imported == 8 && report.membershipsAdded == 0 && report.alreadyMembers == 0)
            let members = try await Self.members(t, organization)
            #expect(members.count == 8)
            let first = try #require(members.first { $0.documentNumber == Self.residentID(1) })
            #expect(first.name == "花名册1" && first.birthDate == LocalDate(year: 1960, month: 1, day: 1) && first.phone == "13800000001")
            #expect(first.skills == ["急救", "摄影"] && first.serviceCategories == [.communityService] && first.residenceArea == "西湖区")
            let passport = try #require(members.first { $0.documentType == .passport })
            #expect(passport.sex == .male && passport.birthDate == LocalDate(year: 1988, month: 5, day: 6))
            #expect(Set(members.map(\.number)).count == 8)
        }
    }

    @Test(arguments: Backend.all)
    func oneBadRowRefusesTheWholeFileAndEveryBadRowIsNamed(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await t.store.write { try $0.insert(Make.organization(1)) }
            let badCheck = String(Self.residentID(3).dropLast()) + (Self.residentID(3).hasSuffix("0") ? "1" : "0")
            let rows = Self.row(1) + Self.row(2)
                + "坏校验,居民身份证,\(badCheck),,,13800000003,,,\n"          // line 4
                + "坏电话,居民身份证,\(Self.residentID(4)),,,电话号码,,,\n"    // line 5
                + "坏性别,护照,E7654321,未知,1990-01-01,13800000005,,,\n"      // line 6
                + Self.row(2, name: "花名册2")                                   // line 7: the same person as line 3
                + "科学计数,居民身份证,3.30106E+17,,,13800000007,,,\n"           // line 8
                + "缺出生日期,护照,E2222222,女,,13800000008,,,\n"                 // line 9
                + "坏类别,居民身份证,\(Self.residentID(9)),,,13800000009,,,跳舞\n" // line 10
            let report = try await Self.importRoster(ledger, Self.csv(rows), into: organization, batchRows: 4)
            #expect(report.committed == false)
            #expect(report.imported == 0 && report.volunteersRegistered == 0)
            #expect(report.rowsRead == 9 && report.validRows == 2)
            #expect(report.errors.map(\.line) == [4, 5, 6, 7, 8, 9, 10])
            #expect(report.errors.map(\.column) == ["证件号码", "手机号码", "性别", "证件号码", "证件号码", "出生日期", "服务类别"])
            #expect(report.errors[0].message.components(separatedBy: badCheck).count == 3, "quoted in both languages: \(report.errors[0].message)")
            #expect(report.errors[1].message.contains("电话号码"))
            #expect(report.errors[2].message.contains("未知"))
            #expect(report.errors[3].message.contains("line 3") && report.errors[3].message.contains("第 3 行"))
            #expect(report.errors[4].message.contains("Excel"))
            #expect(report.errors[6].message.contains("跳舞"))
            #expect(try await Self.members(t, organization).isEmpty)
            #expect(try await t.store.read { try $0.volunteers(after: nil, limit: 10) }.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func aPersonOnThePlatformJoinsAndAMemberIsOnlyNoted(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let (first, second) = try await t.store.write { (try $0.insert(Make.organization(1)), try $0.insert(Make.organization(2))) }
            let registeredElsewhere = try await Self.importRoster(ledger, Self.csv(Self.row(1) + Self.row(2)), into: first)
            #expect(registeredElsewhere.committed)
            let report = try await Self.importRoster(ledger, Self.csv(Self.row(1) + Self.row(3)), into: second)
            #expect(report.errors == [])
            #expect(report.volunteersRegistered == 1 && report.membershipsAdded == 1 && report.imported == 2)
            #expect(try await t.store.read { try $0.volunteers(after: nil, limit: 10) }.count == 3)
            let person = try #require(try await Self.members(t, first).first { $0.documentNumber == Self.residentID(1) })
            #expect(try await Self.members(t, second).map(\.id).contains(person.id))

            let again = try await Self.importRoster(ledger, Self.csv(Self.row(1) + Self.row(3) + Self.row(4)), into: second)
            #expect(again.errors == [])
            #expect(again.committed && again.volunteersRegistered == 1 && again.alreadyMembers == 2)
            #expect(again.notices?.map(\.line) == [2, 3])
            #expect(again.notices?.first?.message.contains(person.number) == true)
            let nothingNew = try await Self.importRoster(ledger, Self.csv(Self.row(1)), into: second)
            #expect(nothingNew.committed == false && nothingNew.errorCount == 0 && nothingNew.alreadyMembers == 1)
        }
    }

    @Test(arguments: Backend.all)
    func aNameThatDoesNotMatchThePersonOnFileIsRefusedWithoutShowingIt(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let (first, second) = try await t.store.write { (try $0.insert(Make.organization(1)), try $0.insert(Make.organization(2))) }
            _ = try await Self.importRoster(ledger, Self.csv(Self.row(1, name: "李真名")), into: first)
            let report = try await Self.importRoster(ledger, Self.csv(Self.row(1, name: "张冒名") + Self.row(2)), into: second)
            #expect(report.committed == false)
            #expect(report.errors.count == 1)
            let error = try #require(report.errors.first)
            #expect(error.line == 2 && error.column == "姓名" && error.code == "name-mismatch")
            #expect(error.message.contains("张冒名"))
            #expect(!error.message.contains("李真名"))
            #expect(try await Self.members(t, second).isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func theCommandNamesEachBadRowAndThenImportsTheFixedFile(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let organization = try await t.store.write { try $0.insert(Make.organization(1)) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-roster-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let bad = folder.appendingPathComponent("bad.csv"), good = folder.appendingPathComponent("good.csv")
            try Data(Self.csv(Self.row(1) + "无电话,居民身份证,\(Self.residentID(2)),,,,,,\n" + Self.row(1))).write(to: bad)
            try Data(Self.csv(Self.row(1) + Self.row(2))).write(to: good)

            let refused = try await VLedgerProcess.run(["import", "volunteers", bad.path, "--org", organization.creditCode,
                                                        "--database", t.url, "--quiet"])
            #expect(refused.status == 1)
            #expect(refused.output.contains("\(bad.path):3: [手机号码]"), "\(refused.output)")
            #expect(refused.output.contains("\(bad.path):4: [证件号码]"))
            #expect(refused.output.contains("未导入任何志愿者"))
            #expect(try await Self.members(t, organization).isEmpty)

            let imported = try await VLedgerProcess.run(["import", "volunteers", good.path, "--org", organization.creditCode,
                                                         "--database", t.url, "--json"])
            #expect(imported.status == 0, "\(imported.errorOutput)")
            let report = try JSONSerialization.jsonObject(with: Data(imported.output.utf8)) as? [String: Any]
            #expect(report?["volunteersRegistered"] as? Int == 2)
            #expect(try await Self.members(t, organization).count == 2)
        }
    }

    /// Statements of one import, and the distinct SQL texts they ran, on the SQLite writer connection.
    final class StatementLog: Sendable {
        let texts = Mutex<[String: Int]>([:])
        var count: Int { texts.withLock { $0.values.reduce(0, +) } }
    }

    /// The statements among `texts` whose query plan reads a table whole.
    static func scans(_ sqlite: SQLiteLedgerStore, _ texts: [String]) async throws -> [String] {
        try await sqlite.unsafeWrite { db -> [String] in
            var scans: [String] = []
            for sql in Set(texts) where sql.hasPrefix("SELECT") {
                let parameters = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
                // A list of values given with the statement (`(VALUES ...) AS d`) is read whole, as it should be.
                let lists = Set(sql.matches(of: #/\) AS (\w+)/#).map { "SCAN " + $0.output.1 })
                for row in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: parameters) {
                    let detail: String = row["detail"]
                    guard detail.hasPrefix("SCAN"), !detail.contains("CONSTANT ROW"), !detail.contains("VALUES CLAUSE"),
                          !lists.contains(detail) else { continue }
                    scans.append("\(detail): \(sql.prefix(120))")
                }
            }
            return scans
        }
    }

    @Test func theWorkGrowsWithTheFileNotTheLedger() async throws {
        try await withStore(.sqlite) { t in
            let sqlite = try #require(t.store as? SQLiteLedgerStore)
            let ledger = t.ledger()
            let (first, second) = try await t.store.write { (try $0.insert(Make.organization(1)), try $0.insert(Make.organization(2))) }
            // A ledger with people on it already: half of each file below is on the platform.
            _ = try await Self.importRoster(ledger, Self.csv((0..<3_000).map { Self.row(100_000 + $0) }.joined()), into: first)

            func statements(rows: Int, offset: Int) async throws -> (count: Int, texts: [String]) {
                let log = StatementLog()
                try await sqlite.unsafeWrite { db in
                    db.trace(options: .statement) { event in
                        if case .statement(let statement) = event {
                            let sql = statement.sql
                            log.texts.withLock { $0[sql, default: 0] += 1 }
                        }
                    }
                }
                let text = (0..<rows).map { $0 % 2 == 0 ? Self.row(offset + $0) : Self.row(100_000 + offset / 10 + $0) }.joined()
                let report = try await Self.importRoster(ledger, Self.csv(text), into: second, batchRows: 500)
                try await sqlite.unsafeWrite { db in db.trace(options: .statement, nil) }
                #expect(report.committed && report.imported == rows, "\(report.errors.prefix(3))")
                return (log.count, log.texts.withLock { Array($0.keys) })
            }
            let small = try await statements(rows: 200, offset: 0)
            let large = try await statements(rows: 2_000, offset: 10_000)
            // Linear: ten times the rows, about ten times the statements (and never a statement per row per row).
            #expect(large.count <= small.count * 12, "200 rows: \(small.count) statements, 2000 rows: \(large.count)")
            #expect(large.count >= small.count * 5)
            // And no statement reads a table whole: each is a search of an index (the check itself sees a scan).
            #expect(try await Self.scans(sqlite, ["SELECT id FROM volunteers WHERE name = ?"]).count == 1)
            let plans = try await Self.scans(sqlite, small.texts + large.texts)
            #expect(plans == [])
        }
    }
}
