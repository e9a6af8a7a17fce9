import Foundation
import LedgerCore
import Testing

/// The ledger proves that nothing was rewritten behind its back.
@Suite struct AuditChainTests {
    /// Two organizations with records, a correction and a voiding.
    static func populatedTestbed() async throws -> (Testbed, ServiceRecord) {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let volunteer = try await bed.volunteer(1, in: a)
        let other = try await bed.volunteer(2, in: b)
        let activityA = try await bed.activity(a)
        let record = try await bed.record(volunteer, activityA, from: At.june(10, 9), to: At.june(10, 11))
        let second = try await bed.record(volunteer, activityA, from: At.june(10, 12), to: At.june(10, 13))
        try await bed.record(other, try await bed.activity(b), from: At.june(10, 9), to: At.june(10, 10))
        _ = try await bed.ledger.correctRecord(id: record.id, RecordCorrection(minutes: 90, reason: "更正"), by: Testbed.op)
        _ = try await bed.ledger.voidRecord(id: second.id, reason: "作废", by: Testbed.op)
        return (bed, record)
    }

    @Test func anUntouchedLedgerVerifies() async throws {
        let (bed, _) = try await Self.populatedTestbed()
        let report = try await bed.ledger.verifyAuditChains(by: Testbed.op)
        #expect(report.isIntact)
        #expect(report.organizations == 2)
        #expect(report.revisions == 5)
    }

    @Test func theDatabaseRefusesToEditOrDeleteHistory() async throws {
        let (bed, record) = try await Self.populatedTestbed()
        await #expect(throws: (any Error).self) {
            try await bed.store.unsafeExecute("UPDATE record_revisions SET minutes = 600 WHERE record_id = ?", arguments: [record.id])
        }
        await #expect(throws: (any Error).self) {
            try await bed.store.unsafeExecute("DELETE FROM service_records WHERE id = ?", arguments: [record.id])
        }
        #expect(try await bed.ledger.verifyAuditChains(by: Testbed.op).isIntact)
    }

    @Test func editingACurrentRecordInPlaceIsDetected() async throws {
        let (bed, record) = try await Self.populatedTestbed()
        try await bed.store.unsafeExecute("UPDATE service_records SET minutes = 120 WHERE id = ?", arguments: [record.id])
        let report = try await bed.ledger.verifyAuditChains(by: Testbed.op)
        #expect(report.isIntact == false)
        #expect(report.problems.map(\.recordId) == [record.id])
        #expect(report.problems[0].message.contains("edited in place"))
    }

    @Test func rewritingHistoryWithTheTriggersDroppedIsDetected() async throws {
        let (bed, record) = try await Self.populatedTestbed()
        try await bed.store.unsafeExecute("DROP TRIGGER record_revisions_no_update")
        try await bed.store.unsafeExecute("UPDATE record_revisions SET minutes = 120 WHERE record_id = ? AND revision = 2", arguments: [record.id])
        try await bed.store.unsafeExecute("UPDATE service_records SET minutes = 120 WHERE id = ?", arguments: [record.id])
        let report = try await bed.ledger.verifyAuditChains(by: Testbed.op)
        #expect(report.isIntact == false)
        #expect(report.problems.contains { $0.recordId == record.id && $0.message.contains("does not match its digest") })
    }

    @Test func removingTheLatestRevisionIsDetectedByTheChainHead() async throws {
        let (bed, record) = try await Self.populatedTestbed()
        try await bed.store.unsafeExecute("DROP TRIGGER record_revisions_no_delete")
        try await bed.store.unsafeExecute("DELETE FROM record_revisions WHERE record_id = ? AND revision = 2", arguments: [record.id])
        try await bed.store.unsafeExecute("UPDATE service_records SET minutes = 120, revision = 1 WHERE id = ?", arguments: [record.id])
        let report = try await bed.ledger.verifyAuditChains(by: Testbed.op)
        #expect(report.isIntact == false)
        #expect(report.problems.contains { $0.message.contains("chain") })
    }

    @Test func onlyThePlatformAndInspectorsVerify() async throws {
        let (bed, _) = try await Self.populatedTestbed()
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.verifyAuditChains(by: Principal(userId: 1, role: .organizationAdmin, organizationId: 1))
        }
        #expect(try await bed.ledger.verifyAuditChains(by: Principal(userId: 1, role: .inspector)).isIntact)
    }
}

/// The canonical encoding behind the digests must not change, or every stored chain would break.
@Suite struct AuditDigestEncodingTests {
    @Test func theDigestIsSHA256OfTheDocumentedEncoding() {
        let revision = RecordRevision(recordId: 7, revision: 2, kind: .corrected, startAt: Date(timeIntervalSince1970: 1_780_000_000),
                                      endAt: Date(timeIntervalSince1970: 1_780_007_200), minutes: 90, note: "带队, 讲解",
                                      reason: "更正", actorId: nil, at: Date(timeIntervalSince1970: 1_780_100_000),
                                      chainSequence: 12, digest: "")
        let fields = ["vledger-revision-v1", String(repeating: "0", count: 64), "3", "12", "7", "2", "corrected", "-5", "9",
                      "1780000000", "1780007200", "90", "带队, 讲解", "更正", "-", "1780100000"]
        let expected = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        let digest = AuditChain.digest(previous: ChainHead.genesis.digest, organizationId: 3, volunteerId: -5, activityId: 9,
                                       revision: revision)
        #expect(digest == SHA256Reference.hex(Array(expected.utf8)))
    }

    /// Numbers are written in plain decimal, including zero, powers of ten and the extremes.
    @Test(arguments: [Int64(0), 1, 9, 10, 100, 1_000_000, 99_999, Int64.max, Int64.min, -10])
    func numbersAreEncodedInDecimal(_ number: Int64) {
        let revision = RecordRevision(recordId: number, revision: 1, kind: .created, startAt: Date(timeIntervalSince1970: 0),
                                      endAt: Date(timeIntervalSince1970: 60), minutes: 1, note: "", reason: "", actorId: number,
                                      at: Date(timeIntervalSince1970: 60), chainSequence: 1, digest: "")
        let fields = ["vledger-revision-v1", String(repeating: "0", count: 64), "\(number)", "1", "\(number)", "1", "created",
                      "\(number)", "\(number)", "0", "60", "1", "", "", "\(number)", "60"]
        let expected = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        let digest = AuditChain.digest(previous: ChainHead.genesis.digest, organizationId: number, volunteerId: number,
                                       activityId: number, revision: revision)
        #expect(digest == SHA256Reference.hex(Array(expected.utf8)))
    }
}
