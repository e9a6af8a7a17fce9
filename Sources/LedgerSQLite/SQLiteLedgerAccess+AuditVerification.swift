import Foundation
import GRDB
import LedgerCore

/// Verified chain positions and verification results on SQLite (tables of migration `v33-audit-verification`).
extension SQLiteLedgerAccess {
    func verifiedChainPositions(organizationIds ids: [Int64]) throws -> [Int64: ChainHead] {
        var positions: [Int64: ChainHead] = [:]
        for row in try rows("SELECT organization_id, chain_sequence, digest FROM audit_verified_chains WHERE organization_id IN", ids: ids) {
            positions[row[0]] = ChainHead(sequence: row[1], digest: row[2])
        }
        return positions
    }

    func latestAuditVerification() throws -> AuditReport? {
        try row("SELECT report FROM audit_verifications ORDER BY id DESC LIMIT 1").map {
            try AuditReport.stored($0[0], column: "audit_verifications.report")
        }
    }

    func saveVerifiedChainPositions(_ positions: [Int64: ChainHead], at: Date) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO audit_verified_chains (organization_id, chain_sequence, digest, verified_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (organization_id) DO UPDATE SET chain_sequence = excluded.chain_sequence, digest = excluded.digest,
                verified_at = excluded.verified_at
            """)
        for (organizationId, head) in positions.sorted(by: { $0.key < $1.key }) {
            try statement.execute(arguments: [organizationId, head.sequence, head.digest, Self.seconds(at)])
        }
    }

    func saveAuditVerification(_ report: AuditReport) throws {
        try execute("INSERT INTO audit_verifications (finished_at, report) VALUES (?, ?)",
                    [Self.seconds(report.finishedAt ?? Date()), try report.storedText()])
    }
}
