import Foundation
import LedgerCore
import Synchronization
import Testing

/// Year-end issuance: one certificate per member with records, each standing on its own, and a batch run
/// again issues only where the records changed.
struct CertificateBatchTests {
    struct Run {
        var summary: CertificateBatchSummary
        var items: [CertificateBatchItem]
        var total: Int

        /// Serial by volunteer id.
        var serials: [Int64: String] {
            Dictionary(uniqueKeysWithValues: items.map { ($0.certificate.certificate.volunteerId, $0.certificate.certificate.serial) })
        }
    }

    static func run(_ t: CertifyingTestbed, _ scope: CertificateBatchScope, by principal: Principal = .localOperator) async throws -> Run {
        let items = Mutex<[CertificateBatchItem]>([])
        let total = Mutex(-1)
        let summary = try await t.ledger.issueCertificateBatch(scope, by: principal, started: { count in total.withLock { $0 = count } },
                                                               each: { item in items.withLock { $0.append(item) } })
        return Run(summary: summary, items: items.withLock { $0 }, total: total.withLock { $0 })
    }

    static let june = CertificateBatchScope(organizationId: 0, from: LocalDate(year: 2026, month: 6, day: 1),
                                            to: LocalDate(year: 2026, month: 6, day: 30))

    /// Organization 1 with three members: two records of the first, one of the second, none of the third;
    /// organization 2 with a member and a record of its own.
    static func scene() async throws -> (CertifyingTestbed, Organization, [Volunteer], ServiceRecord) {
        let t = try await CertifyingTestbed()
        let (organization, first, activity) = try await t.scene(1, volunteer: 1)
        let second = try await t.bed.volunteer(2, in: organization)
        let third = try await t.bed.volunteer(3, in: organization)
        let corrected = try await t.bed.record(first, activity, from: At.june(10, 9), to: At.june(10, 11))
        try await t.bed.record(first, activity, from: At.june(10, 13), to: At.june(10, 14))
        try await t.bed.record(second, activity, from: At.june(10, 9), to: At.june(10, 12))
        let (_, stranger, otherActivity) = try await t.scene(2, volunteer: 4)
        try await t.bed.record(stranger, otherActivity, from: At.june(10, 9), to: At.june(10, 10))
        return (t, organization, [first, second, third], corrected)
    }

    @Test func aBatchIssuesOnePerMemberWithRecordsReusesThemAndReissuesOnlyWhereRecordsChanged() async throws {
        let (t, organization, members, corrected) = try await Self.scene()
        var scope = Self.june
        scope.organizationId = organization.id

        let first = try await Self.run(t, scope, by: .staff(of: organization))
        #expect(first.summary == CertificateBatchSummary(issued: 2, reused: 0, skipped: 1))
        #expect(first.total == 2)
        #expect(first.items.map(\.outcome) == [.issued, .issued])
        #expect(first.items.map(\.certificate.certificate.volunteerId) == [members[0].id, members[1].id])
        #expect(first.items.map(\.certificate.certificate.minutes) == [180, 180])
        for item in first.items {
            let certificate = item.certificate.certificate
            #expect(certificate.organizationId == organization.id && certificate.issuerCode == organization.creditCode)
            #expect(certificate.periodFrom == scope.from && certificate.periodTo == scope.to)
            let verification = try await t.verify(certificate.token)
            #expect(verification.status == .valid, "each certificate verifies on its own")
            #expect(verification.certificate?.serial == certificate.serial)
        }
        #expect(Set(first.items.map(\.certificate.certificate.serial)).count == 2)

        let second = try await Self.run(t, scope)
        #expect(second.summary == CertificateBatchSummary(issued: 0, reused: 2, skipped: 1), "nothing changed: nothing issued")
        #expect(second.serials == first.serials)
        #expect(second.items.map(\.outcome) == [.reused, .reused])
        #expect(second.items.map(\.certificate.records.count) == [2, 1])
        #expect(try await t.ledger.store.read { try $0.certificateCount() } == 2)

        _ = try await t.ledger.correctRecord(id: corrected.id, RecordCorrection(minutes: 90, reason: "扣除休息时间"), by: .localOperator)
        let third = try await Self.run(t, scope)
        #expect(third.summary == CertificateBatchSummary(issued: 1, reused: 1, skipped: 1))
        #expect(third.serials[members[1].id] == first.serials[members[1].id])
        let reissued = try #require(third.items.first { $0.outcome == .issued }).certificate.certificate
        #expect(reissued.volunteerId == members[0].id && reissued.minutes == 150)
        #expect(reissued.serial != first.serials[members[0].id])
        #expect(try await t.verify(reissued.token).status == .valid)
        let old = try #require(first.items.first).certificate.certificate
        #expect(try await t.verify(old.token).status == .superseded)
        #expect(try await t.ledger.store.read { try $0.certificateCount() } == 3)
    }

    @Test func aRevokedCertificateOrANewRecordInTheScopeIsIssuedAgainAndAnotherScopeIsItsOwn() async throws {
        let (t, organization, members, _) = try await Self.scene()
        var scope = Self.june
        scope.organizationId = organization.id
        let first = try await Self.run(t, scope)
        let secondSerial = try #require(first.serials[members[1].id])
        _ = try await t.ledger.revokeCertificate(serial: secondSerial, reason: "出具有误", by: .localOperator)
        let activity = try await t.bed.activity(organization, from: At.june(12, 8), to: At.june(12, 18), title: "图书馆整理")
        try await t.bed.record(members[2], activity, from: At.june(12, 9), to: At.june(12, 10))

        let again = try await Self.run(t, scope)
        #expect(again.summary == CertificateBatchSummary(issued: 2, reused: 1, skipped: 0))
        #expect(again.serials[members[0].id] == first.serials[members[0].id])
        #expect(again.serials[members[1].id] != secondSerial)
        #expect(again.serials[members[2].id] != nil)

        let allTime = try await Self.run(t, CertificateBatchScope(organizationId: organization.id))
        #expect(allTime.summary == CertificateBatchSummary(issued: 3, reused: 0, skipped: 0), "another period, other certificates")
        #expect(allTime.items.allSatisfy { $0.certificate.certificate.periodFrom == nil })
    }

    @Test func onlyTheOrganizationsStaffAndThePlatformMayRunIt() async throws {
        let (t, organization, members, _) = try await Self.scene()
        let other = try #require(try await t.ledger.store.read { try $0.organization(creditCode: Make.creditCode(2)) })
        let scope = CertificateBatchScope(organizationId: organization.id)
        for principal in [Principal.staff(of: other), .staff(of: other, admin: true), .person(members[0]), .inspector] {
            await #expect(throws: LedgerError.self, "\(principal.role)") {
                _ = try await Self.run(t, scope, by: principal)
            }
        }
        #expect(try await t.ledger.store.read { try $0.certificateCount() } == 0, "nothing issued when refused")
        let byAdmin = try await Self.run(t, scope, by: .staff(of: organization, admin: true))
        #expect(byAdmin.summary.issued == 2)
        await #expect(throws: LedgerError.self) {
            _ = try await Self.run(t, CertificateBatchScope(organizationId: organization.id + 100))
        }
    }
}
