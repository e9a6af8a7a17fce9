import Foundation
import LedgerCore
import Testing

/// CSV import: encodings, all-or-nothing, and a report that names every bad row and column.
@Suite struct RecordImportTests {
    /// A testbed loaded with samples/ as of 2026-11-25.
    static func loadedTestbed() async throws -> Testbed {
        let bed = try await Testbed()
        bed.clock.set(At.on(2026, 11, 25, 12))
        let loaded = try await SampleDataLoader(ledger: bed.ledger, folder: Testbed.samplesFolder).loadIfEmpty()
        #expect(loaded?.contains("2002 records") == true)
        return bed
    }

    static func sampleOrganizations(_ bed: Testbed) async throws -> [Organization] {
        try await bed.store.read { try $0.organizations(after: nil, limit: 10) }
    }

    func importFile(_ bed: Testbed, _ name: String, into organization: Organization) async throws -> ImportReport {
        let path = Testbed.samplesFolder + "/" + name
        return try await bed.ledger.importRecords(openFile: { try CSVReader(path: path) },
                                                  options: ImportOptions(organizationId: organization.id), by: Testbed.op)
    }

    @Test func theGBKFileSavedByExcelImportsWhole() async throws {
        let bed = try await Self.loadedTestbed()
        let first = try await Self.sampleOrganizations(bed)[0]
        let before = try await bed.counts()
        let report = try await importFile(bed, "import-gbk.csv", into: first)
        #expect(report.encoding == "gb18030")
        #expect(report.errors == [])
        #expect(report.imported == 30)
        #expect(report.committed)
        #expect(try await bed.counts().records == before.records + 30)
        let imported = try await bed.ledger.records(RecordFilter(organizationId: first.id), after: nil, limit: 500, by: Testbed.op)
        #expect(imported.items.filter { $0.source == .import && $0.note.contains("老人") || $0.note.contains("社区") }.isEmpty == false)
    }

    @Test func reimportingTheSameFileIsRefusedAsOverlapping() async throws {
        let bed = try await Self.loadedTestbed()
        let first = try await Self.sampleOrganizations(bed)[0]
        _ = try await importFile(bed, "import-gbk.csv", into: first)
        let again = try await importFile(bed, "import-gbk.csv", into: first)
        #expect(again.committed == false)
        #expect(again.errorCount == 30)
        #expect(Set(again.errors.map(\.code)) == ["overlapping-record"])
    }

    @Test func aFileWithBadRowsImportsNothingAndNamesEachRowAndColumn() async throws {
        let bed = try await Self.loadedTestbed()
        let second = try await Self.sampleOrganizations(bed)[1]
        let before = try await bed.counts()
        let report = try await importFile(bed, "import-bad-rows.csv", into: second)
        #expect(report.committed == false)
        #expect(report.imported == 0)
        #expect(report.validRows == 8)
        #expect(report.rowsRead == 19)
        #expect(try await bed.counts() == before)
        let expected = try String(contentsOfFile: Testbed.samplesFolder + "/import-bad-rows.expected.txt", encoding: .utf8)
            .split(separator: "\n").map { line -> String in
                let parts = line.split(separator: "\t")
                return "\(parts[0]) \(parts[1])"
            }
        #expect(report.errors.map { "\($0.line) \($0.column ?? "-")" } == expected)
        #expect(report.errors.allSatisfy { !$0.message.isEmpty })
    }

    @Test func rowsOfOneFileAreCheckedAgainstEachOther() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        _ = try await bed.activity(org)
        let csv = """
            name,id_number,activity,start,end,hours
            志愿者1,\(Make.residentID(1)),社区服务日,2026-06-10 09:00,2026-06-10 11:00,2
            志愿者1,\(Make.residentID(1)),社区服务日,2026/6/10 10:30,2026/6/10 12:00,1.5
            """
        let report = try await bed.ledger.importRecords(openFile: { try CSVReader(bytes: Array(csv.utf8)) },
                                                        options: ImportOptions(organizationId: org.id), by: Testbed.op)
        #expect(report.errors.map(\.line) == [3])
        #expect(report.errors.first?.column == "start")
        #expect(report.errors.first?.code == "overlapping-record")
        #expect(try await bed.counts().records == 0)
        _ = volunteer
    }

    @Test func englishHeadersAndVolunteerNumbersWork() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        _ = try await bed.activity(org)
        let csv = "name,volunteer_number,activity,start,end,hours,note\r\n志愿者1,\(volunteer.number),社区服务日,2026-06-10 09:00,2026-06-10 11:00,1.75,\"带队, 讲解\"\r\n"
        let report = try await bed.ledger.importRecords(openFile: { try CSVReader(bytes: Array(csv.utf8)) },
                                                        options: ImportOptions(organizationId: org.id), by: Testbed.op)
        #expect(report.committed)
        #expect(report.minutesImported == 105)
        let record = try await bed.ledger.records(RecordFilter(organizationId: org.id), after: nil, limit: 5, by: Testbed.op).items[0]
        #expect(record.note == "带队, 讲解")
        #expect(record.source == .import)
    }

    @Test func aWrongHeaderIsRefusedBeforeAnyRow() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let csv = "姓名,证件号码,活动,开始,结束时间\n张三,1,x,y,z\n"
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.importRecords(openFile: { try CSVReader(bytes: Array(csv.utf8)) },
                                                   options: ImportOptions(organizationId: org.id), by: Testbed.op)
        }
    }

    @Test func staffCannotImportIntoAnotherOrganization() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let staff = Principal(userId: 99, role: .organizationStaff, organizationId: a.id)
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.importRecords(openFile: { try CSVReader(bytes: Array("姓名\n".utf8)) },
                                                   options: ImportOptions(organizationId: b.id), by: staff)
        }
    }
}
