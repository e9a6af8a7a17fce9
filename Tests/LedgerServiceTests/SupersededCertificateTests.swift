import Foundation
import LedgerCore
import Testing

/// A certificate states the records as they were; a later correction shows as a difference.
struct SupersededCertificateTests {
    static func scene() async throws -> (CertifyingTestbed, ServiceRecord, ServiceRecord, IssuedCertificate) {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        let first = try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let second = try await t.bed.record(volunteer, activity, from: At.june(10, 13), to: At.june(10, 14))
        return (t, first, second, try await t.issue(volunteer, by: organization))
    }

    @Test func aCorrectedRecordSupersedesTheCertificateAndTheDifferenceIsShown() async throws {
        let (t, first, _, issued) = try await Self.scene()
        _ = try await t.ledger.correctRecord(id: first.id, RecordCorrection(minutes: 90, reason: "扣除休息时间"), by: .localOperator)
        let result = try await t.verify(issued.certificate.token)
        #expect(result.status == .superseded)
        #expect(result.certificate == issued.certificate)
        #expect(result.currentMinutes == 150)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1)
        #expect(change.certified.recordId == first.id && change.certified.minutes == 120 && change.certified.revision == 1)
        #expect(change.current.minutes == 90 && change.current.revision == 2)
    }

    @Test func aVoidedRecordSupersedesTheCertificate() async throws {
        let (t, _, second, issued) = try await Self.scene()
        _ = try await t.ledger.voidRecord(id: second.id, reason: "重复登记", by: .localOperator)
        let result = try await t.verify(issued.certificate.groupedSerial)
        #expect(result.status == .superseded)
        #expect(result.currentMinutes == 120)
        #expect(result.changes.map(\.current.isVoid) == [true])
    }

    @Test func correctionsThatChangeNothingCertifiedAndNewRecordsLeaveItValid() async throws {
        let (t, first, _, issued) = try await Self.scene()
        _ = try await t.ledger.correctRecord(id: first.id, RecordCorrection(note: "补充说明", reason: "备注遗漏"), by: .localOperator)
        let volunteer = try #require(try await t.ledger.store.read { try $0.volunteer(id: first.volunteerId) })
        let activity = try #require(try await t.ledger.store.read { try $0.activity(id: first.activityId) })
        try await t.bed.record(volunteer, activity, from: At.june(10, 15), to: At.june(10, 16))
        let result = try await t.verify(issued.certificate.token)
        #expect(result.status == .valid)
        #expect(result.changes.isEmpty)
    }
}
