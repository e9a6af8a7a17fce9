import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct CertificateIssuingTests {
    @Test func anOrganizationCertifiesItsOwnRecordsAndFreezesWhatItStates() async throws {
        let t = try await CertifyingTestbed()
        let (first, volunteer, activity) = try await t.scene(1)
        let second = try await t.bed.organization(2)
        _ = try await t.ledger.addMember(volunteerNumber: volunteer.number, organizationId: second.id, by: .localOperator)
        let otherActivity = try await t.bed.activity(second, title: "敬老院陪伴")
        let a = try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let b = try await t.bed.record(volunteer, activity, from: At.june(10, 13), to: At.june(10, 16, 30), minutes: 200)
        try await t.bed.record(volunteer, otherActivity, from: At.june(10, 17), to: At.june(10, 18))

        let issued = try await t.issue(volunteer, by: first)
        let c = issued.certificate
        #expect(c.organizationId == first.id)
        #expect(c.issuerName == first.name && c.issuerCode == first.creditCode)
        #expect(c.volunteerName == volunteer.name && c.volunteerNumber == volunteer.number)
        #expect(c.maskedDocumentNumber == Masking.documentNumber(volunteer.documentNumber))
        #expect(c.maskedDocumentNumber != volunteer.documentNumber)
        #expect(c.minutes == 120 + 200 && c.recordCount == 2, "only the issuing organization's records")
        #expect(issued.records.map(\.recordId) == [a.id, b.id])
        #expect(issued.records.map(\.revision) == [1, 1])
        #expect(issued.records.allSatisfy { $0.activityTitle == "社区服务日" })
        #expect(c.coverageDigest == CertificateCoverage.digest(issued.records))
        #expect(c.periodFrom == nil && c.periodTo == nil)
        #expect(c.issuedAt == At.june(15, 12))
        #expect(c.keyId == (try await t.keyring.activeKeyId))
        #expect(CertificateSerial(c.serial)?.value == c.serial)
        #expect(issued.verificationURL == "\(CertifyingTestbed.base)/v/\(c.token)")
        #expect(issued.serialURL == "\(CertifyingTestbed.base)/v/\(c.groupedSerial)")
        // The token says what the stored certificate says.
        guard case .verified(let claims, let kid) = await t.keyring.check(c.token) else {
            Issue.record("the issued token does not verify")
            return
        }
        #expect(claims == CertificateClaims(c))
        #expect(kid == c.keyId)
        // Stored as issued.
        let stored = try await t.ledger.certificate(serial: c.groupedSerial, by: .localOperator)
        #expect(stored.certificate == c)
        #expect(stored.records == issued.records)
    }

    @Test func thePlatformCertifiesEveryOrganizationsRecords() async throws {
        let t = try await CertifyingTestbed()
        let (first, volunteer, activity) = try await t.scene(1)
        let second = try await t.bed.organization(2)
        _ = try await t.ledger.addMember(volunteerNumber: volunteer.number, organizationId: second.id, by: .localOperator)
        let otherActivity = try await t.bed.activity(second, title: "敬老院陪伴")
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        try await t.bed.record(volunteer, otherActivity, from: At.june(10, 13), to: At.june(10, 14))

        let c = try await t.issue(volunteer, by: nil)
        #expect(c.certificate.organizationId == nil)
        #expect(c.certificate.issuerName == "杭州市志愿服务信息平台")
        #expect(c.certificate.issuerCode == Make.creditCode(900))
        #expect(c.certificate.minutes == 180 && c.certificate.recordCount == 2)
        #expect(Set(c.records.map(\.organizationName)) == [first.name, second.name])
    }

    @Test func aPeriodCoversTheRecordsStartingOnThoseDaysInTheIssuersZone() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, _) = try await t.scene(1)
        let long = try await t.bed.activity(organization, from: At.june(1, 0), to: At.june(14, 0), title: "两周服务")
        // 23:30 on June 4 in Shanghai is still June 4 there, though June 4 15:30 in UTC.
        try await t.bed.record(volunteer, long, from: At.june(4, 23, 0), to: At.june(4, 23, 30))
        try await t.bed.record(volunteer, long, from: At.june(5, 0, 30), to: At.june(5, 2))
        try await t.bed.record(volunteer, long, from: At.june(8, 9), to: At.june(8, 10))
        let day = { LocalDate(year: 2026, month: 6, day: $0)! }
        let c = try await t.issue(volunteer, by: organization, from: day(5), to: day(7)).certificate
        #expect(c.minutes == 90 && c.recordCount == 1)
        #expect(c.periodFrom == day(5) && c.periodTo == day(7))
        guard case .verified(let claims, _) = await t.keyring.check(c.token) else {
            Issue.record("does not verify")
            return
        }
        #expect(claims.period == "20260605/20260607")
        await expectLedgerError(.invalidField(field: "to", reason: "结束日期早于开始日期 / the end date is before the start date")) {
            _ = try await t.issue(volunteer, by: organization, from: day(7), to: day(5))
        }
    }

    @Test func aVolunteerWithNoRecordsGetsAClearErrorAndNoCertificate() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        await expectLedgerError(.noRecordsToCertify) { _ = try await t.issue(volunteer, by: organization) }
        await expectLedgerError(.noRecordsToCertify) { _ = try await t.issue(volunteer, by: nil) }
        // Void records do not count either.
        let record = try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        _ = try await t.ledger.voidRecord(id: record.id, reason: "重复登记", by: .localOperator)
        await expectLedgerError(.noRecordsToCertify) { _ = try await t.issue(volunteer, by: organization) }
        #expect(try await t.ledger.store.read { try $0.certificateCount() } == 0)
        #expect(LedgerError.noRecordsToCertify.message.hasPrefix("所选范围内没有该志愿者的服务记录"))
    }

    @Test func volunteersCertifyThemselvesAndStaffTheirMembers() async throws {
        let t = try await CertifyingTestbed()
        let (first, volunteer, activity) = try await t.scene(1, volunteer: 1)
        let (second, stranger, otherActivity) = try await t.scene(2, volunteer: 2)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        try await t.bed.record(stranger, otherActivity, from: At.june(10, 9), to: At.june(10, 11))

        #expect(try await t.issue(volunteer, by: first, as: .person(volunteer)).certificate.volunteerId == volunteer.id)
        #expect(try await t.issue(volunteer, by: nil, as: .person(volunteer)).certificate.organizationId == nil)
        await expectLedgerError(.notFound(entity: "volunteer", key: String(stranger.id))) {
            _ = try await t.issue(stranger, by: nil, as: .person(volunteer))
        }
        // Staff leave the organization out and get their own; members of other organizations are not theirs.
        let byStaff = try await t.ledger.issueCertificate(CertificateRequest(volunteerNumber: volunteer.number.lowercased()),
                                                          by: .staff(of: first))
        #expect(byStaff.certificate.organizationId == first.id)
        await expectLedgerError(.notFound(entity: "volunteer", key: String(stranger.id))) {
            _ = try await t.issue(stranger, by: first, as: .staff(of: first))
        }
        await expectLedgerError(.forbidden("只能以本组织名义出具证明 / you can only issue certificates for your own organization's records")) {
            _ = try await t.issue(volunteer, by: second, as: .staff(of: first))
        }
        await expectLedgerError(.forbidden("检查人员不能出具证明 / inspectors cannot issue certificates")) {
            _ = try await t.issue(volunteer, by: first, as: .inspector)
        }
    }

    @Test func serialsAndStatusIndexesNeverRepeat() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        var serials: Set<String> = []
        var indexes: Set<Int64> = []
        for _ in 0..<40 {
            let c = try await t.issue(volunteer, by: organization).certificate
            serials.insert(c.serial)
            indexes.insert(c.statusIndex)
            #expect((0..<StatusListIndex.listSize).contains(c.statusIndex))
        }
        #expect(serials.count == 40 && indexes.count == 40)
    }

    @Test func anUnusuallyLongNameIsShortenedInTheTokenSoTheQRCodeStaysSmall() async throws {
        let t = try await CertifyingTestbed()
        let organization = try await t.bed.organization(1)
        var registration = Make.volunteer(1)
        registration.name = String(repeating: "阿依古丽·买买提", count: 6)
        let volunteer = try await t.ledger.registerVolunteer(registration, organizationId: organization.id, by: .localOperator).volunteer
        let activity = try await t.bed.activity(organization)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let issued = try await t.issue(volunteer, by: organization, from: LocalDate(year: 2026, month: 1, day: 1),
                                       to: LocalDate(year: 2026, month: 12, day: 31))
        #expect(issued.verificationURL.utf8.count <= QRCodeBudget.maxURLBytes)
        #expect(issued.certificate.volunteerName == registration.name, "the certificate keeps the full name")
        guard case .verified(let claims, _) = await t.keyring.check(issued.certificate.token) else {
            Issue.record("does not verify")
            return
        }
        #expect(claims.volunteerName.hasSuffix("…"))
        #expect(registration.name.hasPrefix(String(claims.volunteerName.dropLast())))
        #expect(try await t.verify(issued.certificate.token).status == .valid)
    }
}
