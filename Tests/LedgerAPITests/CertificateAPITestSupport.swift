import Foundation
import LedgerCore

/// Certificates the OpenAPI document test reads, revokes and verifies: one to read, one to revoke.
struct CertificateOperations: Sendable {
    let issued: IssuedCertificate
    let toRevoke: IssuedCertificate

    static func make(_ f: APIFixture) async throws -> CertificateOperations {
        let request = CertificateRequest(volunteerId: f.volunteerA.id, organizationId: f.organizationA.id)
        let operations = CertificateOperations(issued: try await f.ledger.issueCertificate(request, by: .localOperator),
                                               toRevoke: try await f.ledger.issueCertificate(request, by: .localOperator))
        // Their issuance in a signed checkpoint, for their log proofs.
        try await f.ledger.transparencyLog?.refresh()
        return operations
    }

    /// A request per documented certificate operation that succeeds as the platform admin (or anonymously).
    func samples(_ f: APIFixture) -> [String: OperationSample] {
        let serial = issued.certificate.groupedSerial
        return [
            "GET /.well-known/jwks.json": .init(),
            "GET /v/{token}": .init(pathId: issued.certificate.token),
            "POST /api/v1/certificates": .init(body: OperationSample.json(
                CertificateRequest(volunteerNumber: f.volunteerA.number, organizationId: f.organizationA.id,
                                   from: LocalDate(year: 2026, month: 6, day: 1), to: LocalDate(year: 2026, month: 6, day: 30)))),
            "GET /api/v1/certificates": .init(query: "volunteer=\(f.volunteerA.id)&organization=\(f.organizationA.id)&limit=5"),
            "GET /api/v1/certificates/{serial}": .init(pathId: serial),
            "GET /api/v1/certificates/{serial}/pdf": .init(pathId: serial),
            "GET /api/v1/certificates/{serial}/html": .init(pathId: serial),
            "GET /api/v1/certificates/{serial}/qr.svg": .init(pathId: serial),
            "GET /api/v1/certificates/{serial}/qr.png": .init(pathId: serial),
            "POST /api/v1/certificates/{serial}/revoke": .init(body: OperationSample.json(["reason": "重复出具"]),
                                                              pathId: toRevoke.certificate.groupedSerial),
            "GET /api/v1/verify": .init(query: "serial=\(issued.certificate.serial.lowercased())"),
            "GET /api/v1/log/certificate-proofs/{serial}": .init(pathId: serial),
            "GET /api/v1/status-lists/{id}": .init(pathId: String(StatusListIndex.list(of: issued.certificate.statusIndex))),
        ]
    }

    /// Requests that fail in documented ways; sent after the samples.
    func failures(_ f: APIFixture) -> [(key: String, sample: OperationSample, account: String?, status: Int)] {
        let serial = issued.certificate.groupedSerial
        return [
            ("POST /api/v1/certificates", .init(body: OperationSample.json(CertificateRequest(organizationId: f.organizationB.id))),
             "volunteerA", 422),
            ("POST /api/v1/certificates", .init(body: OperationSample.json(CertificateRequest(volunteerId: f.volunteerA.id))),
             "inspector", 403),
            ("GET /api/v1/certificates/{serial}", .init(pathId: serial), "bStaff", 404),
            ("GET /api/v1/certificates/{serial}/pdf", .init(pathId: "not-a-serial"), "admin", 404),
            ("POST /api/v1/certificates/{serial}/revoke", .init(body: OperationSample.json(["reason": "再次撤销"]),
                                                              pathId: toRevoke.certificate.groupedSerial), "admin", 409),
            ("POST /api/v1/certificates/{serial}/revoke", .init(body: OperationSample.json(["reason": "越权"]), pathId: serial),
             "aStaff", 403),
            ("GET /api/v1/verify", .init(), nil, 422),
            ("GET /api/v1/log/certificate-proofs/{serial}", .init(pathId: "0000-0000-0000-0000"), nil, 404),
            ("GET /api/v1/status-lists/{id}", .init(pathId: "9"), nil, 404),
        ]
    }
}
