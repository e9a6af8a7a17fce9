import Foundation
import LedgerCertificates
import LedgerCore
import LedgerSQLite
import Testing

struct CertificateRevocationTests {
    @Test func theIssuersAdminRevokesWithAReasonAndItShowsAtOnce() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let issued = try await t.issue(volunteer, by: organization)
        let kept = try await t.issue(volunteer, by: organization)
        #expect(try await t.verify(issued.certificate.token).status == .valid, "verified (and remembered) before")
        t.bed.clock.set(At.june(16, 9))

        let revoked = try await t.ledger.revokeCertificate(serial: issued.certificate.groupedSerial, reason: "信息有误，已重新出具",
                                                           by: .staff(of: organization, admin: true))
        #expect(revoked.revocation == CertificateRevocation(at: At.june(16, 9), by: 900, reason: "信息有误，已重新出具"))
        let result = try await t.verify(issued.certificate.token)
        #expect(result.status == .revoked)
        #expect(result.certificate?.revocation?.reason == "信息有误，已重新出具")
        #expect(result.explanation.contains("信息有误，已重新出具"))
        #expect(try await t.verify(kept.certificate.token).status == .valid, "other certificates are untouched")

        // The published status list says so too, for offline verifiers.
        let list = StatusListIndex.list(of: issued.certificate.statusIndex)
        let credential = try await t.ledger.statusListCredential(list: list)
        let verifier = try await OfflineVerifier(jwks: Data(try await t.keyring.publicKeySet()))
        #expect(try await verifier.revocation(of: CertificateClaims(issued.certificate), statusList: credential).revoked)
        #expect(try await !verifier.revocation(of: CertificateClaims(kept.certificate), statusList: credential).revoked)
        await expectLedgerError(.notFound(entity: "status list", key: "5")) { _ = try await t.ledger.statusListCredential(list: 5) }
    }

    @Test func onlyTheIssuersAdminsAndThePlatformMayRevoke() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        let other = try await t.bed.organization(2)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let issued = try await t.issue(volunteer, by: organization)
        let platform = try await t.issue(volunteer, by: nil)
        let serial = issued.certificate.groupedSerial

        await expectLedgerError(.forbidden("只有出具单位的管理员或平台可以撤销证明 / only the issuing organization's admins or the platform can revoke a certificate")) {
            _ = try await t.ledger.revokeCertificate(serial: serial, reason: "x", by: .staff(of: organization))
        }
        await expectLedgerError(.forbidden("只有出具单位的管理员或平台可以撤销证明 / only the issuing organization's admins or the platform can revoke a certificate")) {
            _ = try await t.ledger.revokeCertificate(serial: serial, reason: "x", by: .person(volunteer))
        }
        await expectLedgerError(.notFound(entity: "certificate", key: serial)) {
            _ = try await t.ledger.revokeCertificate(serial: serial, reason: "x", by: .staff(of: other, admin: true))
        }
        // The platform's own certificates are the platform's to revoke.
        await expectLedgerError(.notFound(entity: "certificate", key: platform.certificate.groupedSerial)) {
            _ = try await t.ledger.revokeCertificate(serial: platform.certificate.serial, reason: "x",
                                                     by: .staff(of: organization, admin: true))
        }
        await expectLedgerError(.reasonRequired) {
            _ = try await t.ledger.revokeCertificate(serial: serial, reason: "  ", by: .localOperator)
        }
        #expect(try await t.verify(issued.certificate.token).status == .valid, "nothing was revoked so far")
        _ = try await t.ledger.revokeCertificate(serial: platform.certificate.serial, reason: "重复出具", by: .localOperator)
        await expectLedgerError(.certificateRevoked(serial: platform.certificate.groupedSerial)) {
            _ = try await t.ledger.revokeCertificate(serial: platform.certificate.serial, reason: "again", by: .localOperator)
        }
        #expect(try await t.verify(platform.certificate.token).status == .revoked)
    }

    @Test func aRevocationByAnotherProcessShowsAtOnceToo() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        let record = try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let issued = try await t.issue(volunteer, by: organization)
        for _ in 0..<3 { #expect(try await t.verify(issued.certificate.token).status == .valid) }

        // Another process: its own connections to the same database file.
        let other = try SQLiteLedgerStore(path: t.bed.directory.appendingPathComponent("ledger.sqlite").path)
        var elsewhere = Ledger(store: other, clock: { At.june(16, 9) })
        elsewhere.certificates = t.ledger.certificates.map {
            CertificateSettings(authority: $0.authority, publicBaseURL: $0.publicBaseURL, platformIssuer: $0.platformIssuer,
                                verificationCache: CertificateVerificationCache())
        }
        _ = try await elsewhere.correctRecord(id: record.id, RecordCorrection(minutes: 100, reason: "核减"), by: .localOperator)
        #expect(try await t.verify(issued.certificate.token).status == .superseded)
        _ = try await elsewhere.revokeCertificate(serial: issued.certificate.serial, reason: "已重新出具", by: .localOperator)
        let result = try await t.verify(issued.certificate.token)
        #expect(result.status == .revoked)
        #expect(result.certificate?.revocation?.reason == "已重新出具")
        try await other.close()
    }
}
