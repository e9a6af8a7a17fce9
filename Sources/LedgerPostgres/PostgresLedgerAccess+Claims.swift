import Foundation
import LedgerCore
import PostgresNIO

/// Hour claims, their evidence and organizations' settings on PostgreSQL (tables of migration 10, `PostgresSchema.claimStatements`).
extension PostgresLedgerAccess {
    private static let claimColumns = """
        id, activity_id, organization_id, volunteer_id, start_at, end_at, minutes, note, evidence_hash, is_late, state, submitted_at,
        decided_at, decided_by, reason, record_id, origin, check_in_id, correction
        """

    private static func claim(_ c: inout Columns) throws -> HoursClaim {
        HoursClaim(id: try c.next(), activityId: try c.next(), organizationId: try c.next(), volunteerId: try c.next(),
                   startAt: try c.next(), endAt: try c.next(), minutes: try c.next(), note: try c.next(), evidenceHash: try c.next(),
                   isLate: try c.next(), state: try StoredValue.decode(try c.next(), column: "hours_claims.state"),
                   submittedAt: try c.next(), decidedAt: try c.next(), decidedBy: try c.next(), reason: try c.next(),
                   recordId: try c.next(), origin: try StoredValue.decode(try c.next(), column: "hours_claims.origin"),
                   checkInId: try c.next(), correction: try c.next())
    }

    private static func evidence(_ c: inout Columns) throws -> ClaimEvidence {
        ClaimEvidence(hash: try c.next(), contentType: try c.next(), bytes: Array(try c.next(ByteBuffer.self).readableBytesView))
    }

    func claim(id: Int64) throws -> HoursClaim? {
        try row("SELECT \(unescaped: Self.claimColumns) FROM hours_claims WHERE id = \(id)", Self.claim)
    }

    func claims(organizationId: Int64?, volunteerId: Int64?, state: HoursClaimState?, after: Int64?, limit: Int) throws -> [HoursClaim] {
        try rows("""
            SELECT \(unescaped: Self.claimColumns) FROM hours_claims
            WHERE (\(organizationId)::bigint IS NULL OR organization_id = \(organizationId))
              AND (\(volunteerId)::bigint IS NULL OR volunteer_id = \(volunteerId))
              AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.claim)
    }

    func evidence(hash: String) throws -> ClaimEvidence? {
        try row("SELECT hash, content_type, bytes FROM claim_evidence WHERE hash = \(hash)", Self.evidence)
    }

    func evidence(after hash: String?, limit: Int) throws -> [ClaimEvidence] {
        try rows("SELECT hash, content_type, bytes FROM claim_evidence WHERE hash > \(hash ?? "") ORDER BY hash LIMIT \(limit)",
                 Self.evidence)
    }

    func insert(_ claim: HoursClaim) throws -> HoursClaim {
        try storeClaim(claim, id: nil)
    }

    func restore(_ claim: HoursClaim) throws {
        _ = try storeClaim(claim, id: claim.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id, with its decision).
    private func storeClaim(_ claim: HoursClaim, id: Int64?) throws -> HoursClaim {
        let id = try row("""
            INSERT INTO hours_claims (id, activity_id, organization_id, volunteer_id, start_at, end_at, minutes, note, evidence_hash,
                                      is_late, state, submitted_at, decided_at, decided_by, reason, record_id, origin, check_in_id,
                                      correction)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('hours_claims', 'id'))), \(claim.activityId),
                    \(claim.organizationId), \(claim.volunteerId), \(Self.stored(claim.startAt)), \(Self.stored(claim.endAt)),
                    \(claim.minutes), \(claim.note), \(claim.evidenceHash), \(claim.isLate), \(claim.state.rawValue),
                    \(Self.stored(claim.submittedAt)), \(claim.decidedAt.map(Self.stored)), \(claim.decidedBy), \(claim.reason),
                    \(claim.recordId), \(claim.origin.rawValue), \(claim.checkInId), \(claim.correction))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = claim
        stored.id = try Self.require(id)
        return stored
    }

    func decide(_ claim: HoursClaim) throws {
        let decided = try row("""
            UPDATE hours_claims SET state = \(claim.state.rawValue), decided_at = \(claim.decidedAt.map(Self.stored)),
                decided_by = \(claim.decidedBy), reason = \(claim.reason), record_id = \(claim.recordId)
            WHERE id = \(claim.id) AND state = 'pending' RETURNING id
            """) { try $0.next(Int64.self) }
        if decided == nil {
            throw LedgerError.claimDecided(claimId: claim.id, state: try self.claim(id: claim.id)?.state ?? claim.state)
        }
    }

    func saveCorrection(_ claim: HoursClaim) throws {
        let saved = try row("""
            UPDATE hours_claims SET correction = \(claim.correction) WHERE id = \(claim.id) AND state = 'pending' RETURNING id
            """) { try $0.next(Int64.self) }
        if saved == nil {
            throw LedgerError.claimDecided(claimId: claim.id, state: try self.claim(id: claim.id)?.state ?? claim.state)
        }
    }

    func organizationSettings(organizationId: Int64) throws -> OrganizationSettings? {
        try row("""
            SELECT organization_id, check_out_grace_minutes, accepts_join_requests FROM organization_settings
            WHERE organization_id = \(organizationId)
            """) { OrganizationSettings(organizationId: try $0.next(), checkOutGraceMinutes: try $0.next(), acceptsJoinRequests: try $0.next()) }
    }

    func save(_ settings: OrganizationSettings) throws {
        try run("""
            INSERT INTO organization_settings (organization_id, check_out_grace_minutes, accepts_join_requests)
            VALUES (\(settings.organizationId), \(settings.checkOutGraceMinutes), \(settings.acceptsJoinRequests))
            ON CONFLICT (organization_id) DO UPDATE SET check_out_grace_minutes = EXCLUDED.check_out_grace_minutes,
                accepts_join_requests = EXCLUDED.accepts_join_requests
            """)
    }

    func save(_ evidence: ClaimEvidence) throws {
        try run("""
            INSERT INTO claim_evidence (hash, content_type, bytes) VALUES (\(evidence.hash), \(evidence.contentType),
                \(ByteBuffer(bytes: evidence.bytes))) ON CONFLICT (hash) DO NOTHING
            """)
    }
}
