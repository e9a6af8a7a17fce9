import Foundation
import LedgerCore
import PostgresNIO

/// Verified chain positions and verification results on PostgreSQL (tables of migration 33,
/// `PostgresSchema.auditVerificationStatements`).
extension PostgresLedgerAccess {
    func verifiedChainPositions(organizationIds ids: [Int64]) throws -> [Int64: ChainHead] {
        guard !ids.isEmpty else { return [:] }
        var positions: [Int64: ChainHead] = [:]
        for (id, head) in try rows("""
            SELECT organization_id, chain_sequence, digest FROM audit_verified_chains WHERE organization_id = ANY(\(ids))
            """, { c in (try c.next(Int64.self), ChainHead(sequence: try c.next(Int64.self), digest: try c.next(String.self))) }) {
            positions[id] = head
        }
        return positions
    }

    func latestAuditVerification() throws -> AuditReport? {
        try row("SELECT report FROM audit_verifications ORDER BY id DESC LIMIT 1") { try $0.next(String.self) }.map {
            try AuditReport.stored($0, column: "audit_verifications.report")
        }
    }

    func saveVerifiedChainPositions(_ positions: [Int64: ChainHead], at: Date) throws {
        guard !positions.isEmpty else { return }
        let sorted = positions.sorted { $0.key < $1.key }
        try run("""
            INSERT INTO audit_verified_chains (organization_id, chain_sequence, digest, verified_at)
            SELECT id, sequence, digest, \(Self.stored(at))
            FROM unnest(\(sorted.map(\.key))::bigint[], \(sorted.map(\.value.sequence))::bigint[], \(sorted.map(\.value.digest))::text[])
                AS t(id, sequence, digest)
            ON CONFLICT (organization_id) DO UPDATE SET chain_sequence = excluded.chain_sequence, digest = excluded.digest,
                verified_at = excluded.verified_at
            """)
    }

    func saveAuditVerification(_ report: AuditReport) throws {
        try run("""
            INSERT INTO audit_verifications (finished_at, report) VALUES (\(Self.stored(report.finishedAt ?? Date())), \(try report.storedText()))
            """)
    }
}
