import Foundation
import LedgerCore
import Testing

/// Issuing and revoking a certificate each queue a log entry in the same transaction: its serial and the digest of the
/// signed token, never the holder's name.
struct CertificateLogEntryTests {
    @Test func issuingAndRevokingACertificateAreLogged() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let issued = try await t.issue(volunteer, by: organization)
        #expect(try await t.ledger.verifyCertificate(serial: issued.certificate.serial).logIndex == nil, "not sequenced yet")
        _ = try await t.ledger.sequenceLog()
        // Sequenced: the verification names its log index, and whether a signed checkpoint covers it.
        var published = t.ledger
        published.transparencyLog = LogPublisher(store: t.ledger.store, signer: try NoteSigner.generate(name: "vledger.test/log"))
        let logged = try await published.verifyCertificate(token: issued.certificate.token)
        #expect(logged.status == .valid && logged.logIndex == 2 && logged.inSignedCheckpoint == true)
        _ = try await t.ledger.revokeCertificate(serial: issued.certificate.serial, reason: "信息有误", by: .localOperator)
        _ = try await t.ledger.sequenceLog()
        let entries = try await t.ledger.store.read { try $0.logEntries(from: 0, limit: 100) }.map { try LogEntry(bytes: $0) }
        #expect(entries.map(\.event) == [.organizationCreated, .recordRevision, .certificateIssued, .certificateRevoked])
        let certificateEntries = entries.filter { $0.serial != nil }
        #expect(certificateEntries.allSatisfy { $0.serial == issued.certificate.serial && $0.organization == organization.id })
        #expect(Set(certificateEntries.map(\.digest)).count == 1 && certificateEntries[0].digest.count == 64)
        let text = String(decoding: try await t.ledger.store.read { try $0.logEntries(from: 0, limit: 100) }.joined(), as: UTF8.self)
        #expect(!text.contains(volunteer.name) && !text.contains("信息有误"))
        // The log's head is the tree of exactly these entries.
        let head = try await t.ledger.logHead()
        #expect(head.size == 4)
    }
}
