import Foundation
import LedgerCore
import Testing

/// CSV exports open correctly in Excel and never show full ID numbers.
@Suite struct ExportTests {
    static func exportText(_ bed: Testbed, by principal: Principal = Testbed.op, _ filter: RecordFilter = RecordFilter(),
                           totals: Bool = false) async throws -> [UInt8] {
        let collected = ByteCollector()
        if totals {
            try await bed.ledger.exportVolunteerTotals(filter, by: principal) { collected.append($0) }
        } else {
            try await bed.ledger.exportRecords(filter, by: principal) { collected.append($0) }
        }
        return collected.bytes
    }

    @Test func recordsExportHasABOMMaskedIDsAndLocalTimes() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        try await bed.record(volunteer, try await bed.activity(org), from: At.june(10, 9), to: At.june(10, 11, 30))
        let bytes = try await Self.exportText(bed)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains("2026-06-10 09:00"))
        #expect(lines[1].contains("2.50"))
        #expect(lines[1].contains(volunteer.number))
        #expect(!text.contains(Make.residentID(1)))
        #expect(lines[1].contains(Masking.documentNumber(Make.residentID(1))))
    }

    @Test func totalsExportSumsCurrentRecordsPerVolunteer() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let activity = try await bed.activity(org)
        let first = try await bed.volunteer(1, in: org)
        try await bed.record(first, activity, from: At.june(10, 9), to: At.june(10, 10))
        try await bed.record(first, activity, from: At.june(10, 11), to: At.june(10, 12, 30))
        try await bed.record(try await bed.volunteer(2, in: org), activity, from: At.june(10, 9), to: At.june(10, 10))
        let text = String(decoding: try await Self.exportText(bed, totals: true).dropFirst(3), as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("\(first.number),志愿者1,"))
        #expect(lines[1].contains(",2.50,2,"))
    }

    @Test func staffExportOnlyTheirOrganization() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        try await bed.record(try await bed.volunteer(1, in: a), try await bed.activity(a), from: At.june(10, 9), to: At.june(10, 10))
        try await bed.record(try await bed.volunteer(2, in: b), try await bed.activity(b), from: At.june(10, 9), to: At.june(10, 10))
        let staffOfA = Principal(userId: 5, role: .organizationStaff, organizationId: a.id)
        let text = String(decoding: try await Self.exportText(bed, by: staffOfA), as: UTF8.self)
        #expect(text.contains("志愿者1"))
        #expect(!text.contains("志愿者2"))
        await #expect(throws: LedgerError.self) {
            _ = try await Self.exportText(bed, by: staffOfA, RecordFilter(organizationId: b.id))
        }
    }
}

/// Collects exported chunks.
final class ByteCollector: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    func append(_ chunk: [UInt8]) { bytes += chunk }
}
