import Foundation
import GRDB
import LedgerCore

/// Hour claims, their evidence and organizations' settings on SQLite (tables of migration `v9-hours-claims`).
extension SQLiteLedgerAccess {
    private static let claimColumns = """
        id, activity_id, organization_id, volunteer_id, start_at, end_at, minutes, note, evidence_hash, is_late, state, submitted_at,
        decided_at, decided_by, reason, record_id, origin, check_in_id, correction
        """

    private static func claim(_ row: Row) throws -> HoursClaim {
        try HoursClaim(id: row[0], activityId: row[1], organizationId: row[2], volunteerId: row[3], startAt: date(row[4]),
                       endAt: date(row[5]), minutes: row[6], note: row[7], evidenceHash: row[8], isLate: row[9],
                       state: StoredValue.decode(row[10], column: "hours_claims.state"), submittedAt: date(row[11]),
                       decidedAt: (row[12] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }, decidedBy: row[13],
                       reason: row[14], recordId: row[15], origin: StoredValue.decode(row[16], column: "hours_claims.origin"),
                       checkInId: row[17], correction: row[18])
    }

    func claim(id: Int64) throws -> HoursClaim? {
        try row("SELECT \(Self.claimColumns) FROM hours_claims WHERE id = ?", [id]).map(Self.claim)
    }

    func claims(organizationId: Int64?, volunteerId: Int64?, state: HoursClaimState?, after: Int64?, limit: Int) throws -> [HoursClaim] {
        try rows("""
            SELECT \(Self.claimColumns) FROM hours_claims
            WHERE (?1 IS NULL OR organization_id = ?1) AND (?2 IS NULL OR volunteer_id = ?2) AND (?3 IS NULL OR state = ?3) AND id > ?4
            ORDER BY id LIMIT ?5
            """, [organizationId, volunteerId, state?.rawValue, after ?? 0, limit]).map(Self.claim)
    }

    func evidence(hash: String) throws -> ClaimEvidence? {
        try row("SELECT hash, content_type, bytes FROM claim_evidence WHERE hash = ?", [hash]).map {
            ClaimEvidence(hash: $0[0], contentType: $0[1], bytes: [UInt8]($0[2] as Data))
        }
    }

    func evidence(after hash: String?, limit: Int) throws -> [ClaimEvidence] {
        try rows("SELECT hash, content_type, bytes FROM claim_evidence WHERE hash > ? ORDER BY hash LIMIT ?", [hash ?? "", limit]).map {
            ClaimEvidence(hash: $0[0], contentType: $0[1], bytes: [UInt8]($0[2] as Data))
        }
    }

    func insert(_ claim: HoursClaim) throws -> HoursClaim {
        try storeClaim(claim, id: nil)
    }

    func restore(_ claim: HoursClaim) throws {
        _ = try storeClaim(claim, id: claim.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id, with its decision).
    private func storeClaim(_ claim: HoursClaim, id: Int64?) throws -> HoursClaim {
        try execute("""
            INSERT INTO hours_claims (id, activity_id, organization_id, volunteer_id, start_at, end_at, minutes, note, evidence_hash,
                                      is_late, state, submitted_at, decided_at, decided_by, reason, record_id, origin, check_in_id,
                                      correction)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, claim.activityId, claim.organizationId, claim.volunteerId, Self.seconds(claim.startAt), Self.seconds(claim.endAt),
                  claim.minutes, claim.note, claim.evidenceHash, claim.isLate, claim.state.rawValue, Self.seconds(claim.submittedAt),
                  claim.decidedAt.map(Self.seconds), claim.decidedBy, claim.reason, claim.recordId, claim.origin.rawValue,
                  claim.checkInId, claim.correction])
        var stored = claim
        stored.id = db.lastInsertedRowID
        return stored
    }

    func decide(_ claim: HoursClaim) throws {
        try execute("""
            UPDATE hours_claims SET state = ?, decided_at = ?, decided_by = ?, reason = ?, record_id = ? WHERE id = ? AND state = 'pending'
            """, [claim.state.rawValue, claim.decidedAt.map(Self.seconds), claim.decidedBy, claim.reason, claim.recordId, claim.id])
        if db.changesCount != 1 {
            throw LedgerError.claimDecided(claimId: claim.id, state: try self.claim(id: claim.id)?.state ?? claim.state)
        }
    }

    func saveCorrection(_ claim: HoursClaim) throws {
        try execute("UPDATE hours_claims SET correction = ? WHERE id = ? AND state = 'pending'", [claim.correction, claim.id])
        if db.changesCount != 1 {
            throw LedgerError.claimDecided(claimId: claim.id, state: try self.claim(id: claim.id)?.state ?? claim.state)
        }
    }

    func organizationSettings(organizationId: Int64) throws -> OrganizationSettings? {
        try row("SELECT organization_id, check_out_grace_minutes, accepts_join_requests FROM organization_settings WHERE organization_id = ?",
                [organizationId])
            .map { OrganizationSettings(organizationId: $0[0], checkOutGraceMinutes: $0[1], acceptsJoinRequests: $0[2]) }
    }

    func save(_ settings: OrganizationSettings) throws {
        try execute("""
            INSERT INTO organization_settings (organization_id, check_out_grace_minutes, accepts_join_requests) VALUES (?, ?, ?)
            ON CONFLICT (organization_id) DO UPDATE SET check_out_grace_minutes = excluded.check_out_grace_minutes,
                accepts_join_requests = excluded.accepts_join_requests
            """, [settings.organizationId, settings.checkOutGraceMinutes, settings.acceptsJoinRequests])
    }

    func save(_ evidence: ClaimEvidence) throws {
        try execute("INSERT INTO claim_evidence (hash, content_type, bytes) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    [evidence.hash, evidence.contentType, Data(evidence.bytes)])
    }
}
