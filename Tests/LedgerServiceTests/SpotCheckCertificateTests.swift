import Foundation
import LedgerCertificates
import LedgerCore
import Testing

/// Certificates in spot checks: a population of certificates, and review marks when a finding shows
/// that a certified record is untrue (revoking stays a human decision).
@Suite struct SpotCheckCertificateTests {
    /// The bed's ledger with a signing key, and one certificate per volunteer of the first organization.
    static func certified(_ bed: SpotCheckBed) async throws -> (Ledger, [Certificate]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-sc-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keyring = try await CertificateKeyring(path: folder.appendingPathComponent("keys.json").path, refreshInterval: .zero)
        var ledger = bed.ledger
        ledger.certificates = CertificateSettings(authority: keyring, publicBaseURL: "https://verify.example.gov.cn")
        var certificates: [Certificate] = []
        for volunteer in bed.volunteers.prefix(4) {
            certificates.append(try await ledger.issueCertificate(
                CertificateRequest(volunteerId: volunteer.id, organizationId: bed.organizations[0].id), by: SpotCheckBed.op).certificate)
        }
        return (ledger, certificates)
    }

    @Test func certificateCampaignsSampleUnrevokedCertificatesBySerial() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 4)
        let (ledger, certificates) = try await Self.certified(bed)
        _ = try await ledger.revokeCertificate(serial: certificates[3].serial, reason: "重复出具", by: SpotCheckBed.op)
        let campaign = try await ledger.createSpotCheck(SpotCheckBed.input(size: 2, unit: .certificates), by: SpotCheckBed.op)
        let frozen = try await ledger.freezeSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        #expect(frozen.populationSize == 3)
        let text = try await ledger.spotCheckPopulationText(id: campaign.id)
        #expect(text.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == certificates.prefix(3).map(\.serial))
        let drawn = try await ledger.drawSpotCheck(id: campaign.id, seed: SpotCheckBed.seed, by: SpotCheckBed.op)
        #expect(drawn.sample.map(\.unit.id) == (try ConsistentSampler(seed: SpotCheckBed.seed).sample(certificates.prefix(3).map(\.serial), size: 2)).map(\.id))
        #expect(drawn.sample.allSatisfy { $0.unit.stratum == bed.organizations[0].creditCode })

        _ = try await ledger.assignSpotCheck(id: campaign.id, by: SpotCheckBed.op)
        let item = drawn.sample[0]
        let worklist = try await ledger.spotCheckWorklist(inspectorId: bed.inspectors[0].id, by: SpotCheckBed.op)
            + (try await ledger.spotCheckWorklist(inspectorId: bed.inspectors[1].id, by: SpotCheckBed.op))
            + (try await ledger.spotCheckWorklist(inspectorId: bed.inspectors[2].id, by: SpotCheckBed.op))
            + (try await ledger.spotCheckWorklist(inspectorId: bed.inspectors[3].id, by: SpotCheckBed.op))
        #expect(worklist.contains { $0.itemId == item.unit.id && $0.certificate?.id == item.entityId })
        _ = try await ledger.decideSpotCheckItem(
            campaignId: campaign.id,
            FindingInput(item: item.unit.id, outcome: .discrepancy, discrepancy: .other,
                         checklist: InspectionChecklist(certificateVerifiable: false)), by: SpotCheckBed.op)
        let reviews = try await ledger.store.read { try $0.certificateReviews(certificateId: item.entityId) }
        #expect(reviews.map(\.campaignId) == [campaign.id])
        // The certificate itself is untouched: revoking it is for a person to decide.
        let certificate = try await ledger.certificate(serial: item.unit.id, by: SpotCheckBed.op).certificate
        #expect(certificate.revocation == nil)
    }

    @Test func aDiscrepancyOnACertifiedRecordMarksItsCertificatesForReview() async throws {
        let bed = try await SpotCheckBed.make(recordsPerOrganization: 4)
        let (ledger, certificates) = try await Self.certified(bed)
        let detail = try await bed.assigned(SpotCheckBed.input(size: 12))
        let certifiedRecordIds = Set(bed.records.filter { record in bed.volunteers.prefix(4).contains { $0.id == record.volunteerId } }.map { String($0.id) })
        let covered = try #require(detail.sample.first { certifiedRecordIds.contains($0.unit.id) })
        let uncovered = detail.sample.first { !certifiedRecordIds.contains($0.unit.id) }
        _ = try await ledger.decideSpotCheckItem(
            campaignId: detail.campaign.id, FindingInput(item: covered.unit.id, outcome: .discrepancy, discrepancy: .activityNotHeld),
            by: SpotCheckBed.op)
        if let uncovered {
            _ = try await ledger.decideSpotCheckItem(
                campaignId: detail.campaign.id, FindingInput(item: uncovered.unit.id, outcome: .discrepancy, discrepancy: .didNotServe),
                by: SpotCheckBed.op)
        }
        let reviews = try await ledger.store.read { try $0.certificateReviews(certificateId: nil) }
        let coveringIds = try await ledger.store.read { try $0.certificateIds(coveringRecord: covered.entityId) }
        #expect(coveringIds.count == 1)
        #expect(reviews.map(\.certificateId) == coveringIds)
        #expect(reviews.first?.itemId == covered.unit.id)
        #expect(reviews.first?.reason.contains("活动未举办") == true)
        #expect(certificates.contains { $0.id == coveringIds.first })
        // The certificate now verifies as superseded, since its record was voided; it is not revoked.
        let verification = try await ledger.verifyCertificate(serial: try #require(certificates.first { $0.id == coveringIds.first }).serial)
        #expect(verification.status == .superseded)
    }
}
