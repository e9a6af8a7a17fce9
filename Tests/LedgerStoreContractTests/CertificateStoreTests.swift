import Foundation
import LedgerCertificates
import LedgerCore
import Testing

@Suite("Certificates in the store")
struct CertificateStoreTests {
    static func certificate(_ seed: Seed, serial: String, statusIndex: Int64, minutes: Int, records: Int) -> Certificate {
        Certificate(id: 0, serial: serial, statusIndex: statusIndex, volunteerId: seed.volunteer.id,
                    organizationId: seed.organization.id, volunteerName: seed.volunteer.name,
                    volunteerNumber: seed.volunteer.number, maskedDocumentNumber: Masking.documentNumber(seed.volunteer.documentNumber),
                    issuerName: seed.organization.name, issuerCode: seed.organization.creditCode,
                    periodFrom: LocalDate(year: 2026, month: 6, day: 1), periodTo: nil, minutes: minutes, recordCount: records,
                    coverageDigest: String(repeating: "d", count: 64), timeZoneIdentifier: "Asia/Shanghai",
                    issuedAt: Make.june(15, 12), issuedBy: nil, keyId: "kid-1", token: "a.b.c", revocation: nil)
    }

    static func certified(_ record: ServiceRecord, _ seed: Seed) -> CertifiedRecord {
        CertifiedRecord(recordId: record.id, revision: record.revision, organizationId: seed.organization.id,
                        organizationName: seed.organization.name, activityId: seed.activity.id, activityTitle: seed.activity.title,
                        serviceDate: LocalDate(year: 2026, month: 6, day: 10)!, startAt: record.startAt, minutes: record.minutes)
    }

    static let serial = CertificateSerial.random(.seeded(1)).value

    @Test(arguments: Backend.all)
    func aCertificateAndItsRecordsReadBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (stored, expected, seed) = try await t.store.write { w in
                let seed = try Seed.make(w)
                let first = try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
                let second = try seed.record(w, from: Make.june(10, 13), to: Make.june(10, 14))
                let records = [Self.certified(first, seed), Self.certified(second, seed)]
                let stored = try w.insert(Self.certificate(seed, serial: Self.serial, statusIndex: 131_071, minutes: 180, records: 2),
                                          covering: records)
                return (stored, records, seed)
            }
            #expect(stored.id > 0)
            let (bySerial, records, listed, count, taken, free, max) = try await t.store.read { r in
                (try r.certificate(serial: Self.serial), try r.certifiedRecords(certificateId: stored.id),
                 try r.certificates(volunteerId: seed.volunteer.id, organizationId: nil, after: nil, limit: 10),
                 try r.certificateCount(), try r.isCertificateStatusIndexTaken(131_071), try r.isCertificateStatusIndexTaken(7),
                 try r.maxCertificateStatusIndex())
            }
            #expect(bySerial == stored)
            #expect(records == expected)
            #expect(listed == [stored])
            #expect(count == 1 && taken && !free && max == 131_071)
            #expect(try await t.store.read { try $0.certificates(volunteerId: nil, organizationId: seed.organization.id + 1,
                                                                  after: nil, limit: 10) }.isEmpty)
            #expect(try await t.store.read { try $0.changedCertifiedRecords(certificateId: stored.id) }.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func serialsAndStatusIndexesAreUniqueByConstraint(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let seed = try await t.store.write { w in
                let seed = try Seed.make(w)
                _ = try w.insert(Self.certificate(seed, serial: Self.serial, statusIndex: 5, minutes: 60, records: 1), covering: [])
                return seed
            }
            await #expect(throws: (any Error).self, "the same serial twice") {
                try await t.store.write { w in
                    _ = try w.insert(Self.certificate(seed, serial: Self.serial, statusIndex: 6, minutes: 60, records: 1), covering: [])
                }
            }
            await #expect(throws: (any Error).self, "the same status index twice") {
                try await t.store.write { w in
                    _ = try w.insert(Self.certificate(seed, serial: CertificateSerial.random(.seeded(2)).value, statusIndex: 5,
                                                      minutes: 60, records: 1), covering: [])
                }
            }
            #expect(try await t.store.read { try $0.certificateCount() } == 1)
        }
    }

    @Test(arguments: Backend.all)
    func aRevocationIsSetOnceAndIssuedCertificatesAreFrozen(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let stored = try await t.store.write { w in
                let seed = try Seed.make(w)
                return try w.insert(Self.certificate(seed, serial: Self.serial, statusIndex: 42, minutes: 60, records: 1), covering: [])
            }
            let revocation = CertificateRevocation(at: Make.june(16, 9), by: 3, reason: "重新出具")
            try await t.store.write { w in
                try w.revokeCertificate(id: stored.id, revocation)
                try w.revokeCertificate(id: stored.id, CertificateRevocation(at: Make.june(17, 9), by: 4, reason: "again"))
            }
            let (revoked, indexes, outside) = try await t.store.read { r in
                (try r.certificate(serial: Self.serial), try r.revokedCertificateStatusIndexes(from: 0, before: 131_072),
                 try r.revokedCertificateStatusIndexes(from: 43, before: 100))
            }
            #expect(revoked?.revocation == revocation, "the first revocation stays")
            #expect(indexes == [42] && outside.isEmpty)
            await #expect(throws: (any Error).self, "UPDATE of what a certificate states") {
                try await t.rawExecute("UPDATE certificates SET minutes = 6000 WHERE id = \(stored.id)")
            }
            await #expect(throws: (any Error).self, "DELETE of a certificate") {
                try await t.rawExecute("DELETE FROM certificates WHERE id = \(stored.id)")
            }
            #expect(try await t.store.read { try $0.certificate(serial: Self.serial) } == revoked)
        }
    }

    @Test(arguments: Backend.all)
    func correctedRecordsShowAsChangedAgainstTheirCertifiedRevision(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (certificate, record) = try await t.store.write { w in
                let seed = try Seed.make(w)
                let record = try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
                let certificate = try w.insert(Self.certificate(seed, serial: Self.serial, statusIndex: 1, minutes: 120, records: 1),
                                               covering: [Self.certified(record, seed)])
                return (certificate, record)
            }
            let corrected = with(record) {
                $0.minutes = 90
                $0.revision = 2
            }
            try await t.store.write { w in try w.updateCurrentState(corrected) }
            let changes = try await t.store.read { try $0.changedCertifiedRecords(certificateId: certificate.id) }
            #expect(changes.count == 1)
            #expect(changes.first?.certified.minutes == 120 && changes.first?.certified.revision == 1)
            #expect(changes.first?.current == corrected)
        }
    }
}

@Suite("Certificate use cases on every backend")
struct CertificateUseCaseStoreTests {
    @Test(arguments: Backend.all)
    func issueVerifySupersedeAndRevoke(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            var ledger = t.ledger()
            ledger.certificates = CertificateSettings(
                authority: try await CertificateKeyring(path: directory.appendingPathComponent("keys.json").path),
                publicBaseURL: "https://verify.example.gov.cn")
            let (seed, record) = try await t.store.write { w in
                let seed = try Seed.make(w)
                return (seed, try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11)))
            }
            let issued = try await ledger.issueCertificate(
                CertificateRequest(volunteerNumber: seed.volunteer.number, organizationId: seed.organization.id), by: .localOperator)
            #expect(issued.certificate.minutes == 120 && issued.records.map(\.recordId) == [record.id])
            #expect(try await ledger.verifyCertificate(token: issued.certificate.token).status == .valid)

            _ = try await ledger.correctRecord(id: record.id, RecordCorrection(minutes: 100, reason: "核减"), by: .localOperator)
            let superseded = try await ledger.verifyCertificate(serial: issued.certificate.groupedSerial)
            #expect(superseded.status == .superseded && superseded.currentMinutes == 100)

            _ = try await ledger.revokeCertificate(serial: issued.certificate.serial, reason: "时长已更正", by: .localOperator)
            #expect(try await ledger.verifyCertificate(token: issued.certificate.token).status == .revoked)
            let list = try await ledger.statusListCredential(list: 0)
            let verifier = try await OfflineVerifier(jwks: Data(try await ledger.certificates!.authority.publicKeySet()))
            #expect(try await verifier.revocation(of: CertificateClaims(issued.certificate), statusList: list).revoked)
        }
    }
}
