import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// GET /api/v1/records.csv and /api/v1/volunteer-totals.csv: UTF-8 with a BOM for Excel, masked ID numbers,
/// and only the rows the reader may see.
@Suite struct ExportAPITests {
    static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The rows of a CSV body, header first.
    static func rows(_ response: TestResponse) throws -> [[String]] {
        var reader = try CSVReader(bytes: Array(response.body.readableBytesView))
        var rows: [[String]] = []
        while let row = try reader.next() { rows.append(row.fields) }
        return rows
    }

    @Test func recordsCSVIsExcelReadyAndMasksIDNumbers() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/records.csv", as: "admin")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("service-records.csv") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == Self.utf8ByteOrderMark)

            let rows = try Self.rows(response)
            try #require(rows.count == 3)
            #expect(rows[0].first == "记录编号 record_id")
            #expect(rows[0].contains("证件号码 id_number"))
            #expect(rows[0].contains("服务时长(小时) hours"))
            let idColumn = try #require(rows[0].firstIndex(of: "证件号码 id_number"))
            #expect(rows[1...].map { $0[0] } == [String(fixture.recordA.id), String(fixture.recordB.id)])
            #expect(rows[1][idColumn] == Masking.documentNumber(fixture.volunteerA.documentNumber))
            #expect(rows[2][idColumn] == Masking.documentNumber(fixture.volunteerB.documentNumber))
            // Even the platform's export never holds a full ID number.
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(fixture.volunteerA.documentNumber))
            #expect(!text.contains(fixture.volunteerB.documentNumber))
        }
    }

    @Test(arguments: [("aStaff", AccessMatrixTests.Side.a), ("bAdmin", .b)])
    func staffExportOnlyTheirOrganizationsRecords(_ account: String, _ side: AccessMatrixTests.Side) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/records.csv", as: account)
            #expect(response.status == .ok)
            let rows = try Self.rows(response)
            let organizationColumn = try #require(rows.first?.firstIndex(of: "组织 organization"))
            #expect(rows.dropFirst().map { $0[0] } == [String(fixture.record(side).id)])
            #expect(rows.dropFirst().allSatisfy { $0[organizationColumn] == fixture.organization(side).name })
        }
    }

    @Test func aVolunteerExportsOnlyTheirOwnRecords() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let rows = try Self.rows(try await fixture.send(client, .get, "/api/v1/records.csv", as: "volunteerB"))
            #expect(rows.dropFirst().map { $0[0] } == [String(fixture.recordB.id)])
        }
    }

    @Test func volunteerTotalsCSVListsTheOrganizationsVolunteersMasked() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/volunteer-totals.csv", as: "aStaff")
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView.prefix(3)) == Self.utf8ByteOrderMark)
            let rows = try Self.rows(response)
            #expect(rows.first?.first == "志愿者编号 volunteer_number")
            #expect(rows.dropFirst().map { $0[0] } == [fixture.volunteerA.number])
            #expect(rows.dropFirst().map { $0[2] } == [Masking.documentNumber(fixture.volunteerA.documentNumber)])
            #expect(rows.dropFirst().map { $0[3] } == ["2.00"])
        }
    }
}
