import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct KeyRotationTests {
    @Test func rotationKeepsEarlierCertificatesValidAndCompromiseInvalidatesThem() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let before = try await t.issue(volunteer, by: organization)

        let newKey = try CertificateKeyFile.rotate(path: t.keyPath)
        let after = try await t.issue(volunteer, by: organization)
        #expect(after.certificate.keyId == newKey.kid)
        #expect(before.certificate.keyId != newKey.kid)
        #expect(try await t.verify(before.certificate.token).status == .valid)
        #expect(try await t.verify(after.certificate.token).status == .valid)

        try CertificateKeyFile.markCompromised(path: t.keyPath, kid: before.certificate.keyId, note: "backup leaked")
        let result = try await t.verify(before.certificate.token)
        #expect(result.status == .invalid && result.reason == .compromisedKey)
        #expect(result.keyCompromisedAt != nil)
        #expect(try await t.ledger.verifyCertificate(serial: before.certificate.serial).reason == .compromisedKey,
                "a typed serial finds the same")
        #expect(try await t.verify(after.certificate.token).status == .valid)
    }
}
