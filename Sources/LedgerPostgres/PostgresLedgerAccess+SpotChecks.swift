import Foundation
import LedgerCore
import PostgresNIO

/// Spot checks on PostgreSQL (tables of migration 3, `PostgresSchema.spotCheckStatements`).
extension PostgresLedgerAccess {
    private static func wholeSeconds(_ date: Date?) -> Date? {
        date.map { Date(timeIntervalSince1970: TimeInterval(Int64($0.timeIntervalSince1970))) }
    }

    /// Rows per multi-row insert.
    private static let batchSize = 5000

    // MARK: Campaigns

    private static let campaignColumns = """
        id, title, unit, scope, size_rule, stratified, weighting, records_per_organization, inspectors_per_unit, status,
        population_size, second_stage_size, population_digest, sample_size, size_method, seed, inspector_pool, created_by, created_at,
        frozen_at, drawn_at, assigned_at, published_at
        """

    private static func campaign(_ c: inout Columns) throws -> SpotCheckCampaign {
        SpotCheckCampaign(
            id: try c.next(), title: try c.next(), unit: try StoredValue.decode(try c.next(), column: "spot_check_campaigns.unit"),
            scope: try StoredValue.json(try c.next(), column: "spot_check_campaigns.scope"),
            sizeRule: try StoredValue.json(try c.next(), column: "spot_check_campaigns.size_rule"),
            stratified: try c.next(), weighting: try StoredValue.decode(try c.next(), column: "spot_check_campaigns.weighting"),
            recordsPerOrganization: try c.next(), inspectorsPerUnit: try c.next(),
            status: try StoredValue.decode(try c.next(), column: "spot_check_campaigns.status"), populationSize: try c.next(),
            secondStageSize: try c.next(), populationDigest: try c.next(), sampleSize: try c.next(),
            sizeMethod: try StoredValue.decodeIfPresent(try c.next(), column: "spot_check_campaigns.size_method"), seed: try c.next(),
            inspectorPool: try StoredValue.jsonIfPresent(try c.next(), column: "spot_check_campaigns.inspector_pool"),
            createdBy: try c.next(), createdAt: try c.next(), frozenAt: try c.next(), drawnAt: try c.next(),
            assignedAt: try c.next(), publishedAt: try c.next())
    }

    func spotCheckCampaign(id: Int64) throws -> SpotCheckCampaign? {
        try rows("SELECT \(unescaped: Self.campaignColumns) FROM spot_check_campaigns WHERE id = \(id)", Self.campaign).first
    }

    func spotCheckCampaigns(after: Int64?, limit: Int) throws -> [SpotCheckCampaign] {
        try rows("""
            SELECT \(unescaped: Self.campaignColumns) FROM spot_check_campaigns WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.campaign)
    }

    func lockSpotCheckCampaign(id: Int64) throws -> SpotCheckCampaign? {
        try rows("""
            SELECT \(unescaped: Self.campaignColumns) FROM spot_check_campaigns WHERE id = \(id) FOR UPDATE
            """, Self.campaign).first
    }

    func insert(_ campaign: SpotCheckCampaign) throws -> SpotCheckCampaign {
        try store(campaign, id: nil)
    }

    func restore(_ campaign: SpotCheckCampaign) throws {
        try update(try store(campaign, id: campaign.id))
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); `update` stores the later fields.
    private func store(_ campaign: SpotCheckCampaign, id: Int64?) throws -> SpotCheckCampaign {
        let id = try rows("""
            INSERT INTO spot_check_campaigns (id, title, unit, scope, size_rule, stratified, weighting, records_per_organization,
                                              inspectors_per_unit, status, created_by, created_at)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('spot_check_campaigns', 'id'))), \(campaign.title), \(campaign.unit.rawValue), \(SpotCheckJSON.encode(campaign.scope)),
                    \(SpotCheckJSON.encode(campaign.sizeRule)), \(campaign.stratified), \(campaign.weighting.rawValue),
                    \(campaign.recordsPerOrganization), \(campaign.inspectorsPerUnit), \(campaign.status.rawValue),
                    \(campaign.createdBy), \(Self.wholeSeconds(campaign.createdAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }.first
        var stored = campaign
        stored.id = id ?? 0
        return stored
    }

    func update(_ campaign: SpotCheckCampaign) throws {
        try run("""
            UPDATE spot_check_campaigns SET status = \(campaign.status.rawValue), population_size = \(campaign.populationSize),
                second_stage_size = \(campaign.secondStageSize), population_digest = \(campaign.populationDigest),
                sample_size = \(campaign.sampleSize), size_method = \(campaign.sizeMethod?.rawValue), seed = \(campaign.seed),
                inspector_pool = \(campaign.inspectorPool.map { SpotCheckJSON.encode($0) }),
                frozen_at = \(Self.wholeSeconds(campaign.frozenAt)), drawn_at = \(Self.wholeSeconds(campaign.drawnAt)),
                assigned_at = \(Self.wholeSeconds(campaign.assignedAt)), published_at = \(Self.wholeSeconds(campaign.publishedAt))
            WHERE id = \(campaign.id)
            """)
    }

    // MARK: Population and sample

    func spotCheckPopulation(campaignId: Int64) throws -> [SpotCheckPopulationEntry] {
        try rows("""
            SELECT unit_id, stratum, weight, stage, entity_id, organization_id FROM spot_check_population
            WHERE campaign_id = \(campaignId) ORDER BY position
            """) { c in
            SpotCheckPopulationEntry(
                member: PopulationMember(id: try c.next(), stratum: try c.next(), weight: try c.next(), stage: try c.next()),
                entityId: try c.next(), organizationId: try c.next())
        }
    }

    func insertPopulation(_ entries: [SpotCheckPopulationEntry], campaignId: Int64) throws {
        var start = 0
        while start < entries.count {
            let batch = entries[start..<min(start + Self.batchSize, entries.count)]
            let positions = batch.indices.map(Int64.init)
            let stages = batch.map { Int64($0.member.stage) }
            let ids = batch.map(\.member.id)
            let strata = batch.map(\.member.stratum)
            let weights = batch.map { Int64($0.member.weight) }
            let entities = batch.map(\.entityId)
            // 0 stands for no organization (ids start at 1).
            let organizations = batch.map { $0.organizationId ?? 0 }
            try run("""
                INSERT INTO spot_check_population (campaign_id, position, stage, unit_id, stratum, weight, entity_id, organization_id)
                SELECT \(campaignId), p, s, u, t, w, e, NULLIF(o, 0)
                FROM unnest(\(positions)::bigint[], \(stages)::bigint[], \(ids)::text[], \(strata)::text[], \(weights)::bigint[],
                            \(entities)::bigint[], \(organizations)::bigint[]) AS x (p, s, u, t, w, e, o)
                """)
            start += Self.batchSize
        }
    }

    func spotCheckSample(campaignId: Int64) throws -> [SpotCheckSampleEntry] {
        try rows("""
            SELECT draw_order, stage, unit_id, stratum, ticket, weighted_key, entity_id, organization_id FROM spot_check_sample
            WHERE campaign_id = \(campaignId) ORDER BY position
            """) { c in
            SpotCheckSampleEntry(
                unit: DrawnUnit(order: try c.next(), stage: try c.next(), id: try c.next(), stratum: try c.next(),
                                ticket: try c.next(), weightedKey: try c.next()),
                entityId: try c.next(), organizationId: try c.next())
        }
    }

    func insertSample(_ entries: [SpotCheckSampleEntry], campaignId: Int64) throws {
        for (position, entry) in entries.enumerated() {
            try run("""
                INSERT INTO spot_check_sample (campaign_id, position, stage, draw_order, unit_id, stratum, ticket, weighted_key,
                                               entity_id, organization_id)
                VALUES (\(campaignId), \(position), \(entry.unit.stage), \(entry.unit.order), \(entry.unit.id), \(entry.unit.stratum),
                        \(entry.unit.ticket), \(entry.unit.weightedKey), \(entry.entityId), \(entry.organizationId))
                """)
        }
    }

    // MARK: Assignments and findings

    private static func assignment(_ c: inout Columns) throws -> SpotCheckAssignment {
        SpotCheckAssignment(campaignId: try c.next(), unitId: try c.next(), inspectorId: try c.next(), position: try c.next())
    }

    func spotCheckAssignments(campaignId: Int64) throws -> [SpotCheckAssignment] {
        try rows("""
            SELECT a.campaign_id, a.unit_id, a.inspector_id, a.position FROM spot_check_assignments a
            JOIN spot_check_sample s ON s.campaign_id = a.campaign_id AND s.stage = 1 AND s.unit_id = a.unit_id
            WHERE a.campaign_id = \(campaignId) ORDER BY s.position, a.position
            """, Self.assignment)
    }

    func spotCheckAssignments(inspectorId: Int64) throws -> [SpotCheckAssignment] {
        try rows("""
            SELECT a.campaign_id, a.unit_id, a.inspector_id, a.position FROM spot_check_assignments a
            JOIN spot_check_sample s ON s.campaign_id = a.campaign_id AND s.stage = 1 AND s.unit_id = a.unit_id
            WHERE a.inspector_id = \(inspectorId) ORDER BY a.campaign_id, s.position
            """, Self.assignment)
    }

    func insert(_ assignments: [SpotCheckAssignment]) throws {
        for assignment in assignments {
            try run("""
                INSERT INTO spot_check_assignments (campaign_id, unit_id, inspector_id, position)
                VALUES (\(assignment.campaignId), \(assignment.unitId), \(assignment.inspectorId), \(assignment.position))
                """)
        }
    }

    func spotCheckFindings(campaignId: Int64) throws -> [SpotCheckFinding] {
        try rows("""
            SELECT campaign_id, item_id, outcome, discrepancy, corrected_minutes, notes, checklist, decided_by, decided_at,
                   correction_revision, correction_note
            FROM spot_check_findings WHERE campaign_id = \(campaignId) ORDER BY decided_at, item_id COLLATE "C"
            """) { c in
            SpotCheckFinding(
                campaignId: try c.next(), itemId: try c.next(),
                outcome: try StoredValue.decode(try c.next(), column: "spot_check_findings.outcome"),
                discrepancy: try StoredValue.decodeIfPresent(try c.next(), column: "spot_check_findings.discrepancy"),
                correctedMinutes: try c.next(), notes: try c.next(),
                checklist: try StoredValue.json(try c.next(), column: "spot_check_findings.checklist"),
                decidedBy: try c.next(), decidedAt: try c.next(), correctionRevision: try c.next(), correctionNote: try c.next())
        }
    }

    func insert(_ finding: SpotCheckFinding) throws {
        try run("""
            INSERT INTO spot_check_findings (campaign_id, item_id, outcome, discrepancy, corrected_minutes, notes, checklist,
                                             decided_by, decided_at, correction_revision, correction_note)
            VALUES (\(finding.campaignId), \(finding.itemId), \(finding.outcome.rawValue), \(finding.discrepancy?.rawValue),
                    \(finding.correctedMinutes), \(finding.notes), \(SpotCheckJSON.encode(finding.checklist)), \(finding.decidedBy),
                    \(Self.wholeSeconds(finding.decidedAt)), \(finding.correctionRevision), \(finding.correctionNote))
            """)
    }

    // MARK: Inspectors' exclusions

    func inspectorExclusions(inspectorId: Int64?) throws -> [InspectorExclusion] {
        try rows("""
            SELECT inspector_id, organization_id, kind, reason, declared_at, declared_by FROM inspector_exclusions
            WHERE (\(inspectorId)::bigint IS NULL OR inspector_id = \(inspectorId))
            ORDER BY inspector_id, organization_id, kind COLLATE "C"
            """) { c in
            InspectorExclusion(inspectorId: try c.next(), organizationId: try c.next(),
                               kind: try StoredValue.decode(try c.next(), column: "inspector_exclusions.kind"), reason: try c.next(),
                               declaredAt: try c.next(), declaredBy: try c.next())
        }
    }

    func insert(_ exclusion: InspectorExclusion) throws -> Bool {
        try !rows("""
            INSERT INTO inspector_exclusions (inspector_id, organization_id, kind, reason, declared_at, declared_by)
            VALUES (\(exclusion.inspectorId), \(exclusion.organizationId), \(exclusion.kind.rawValue), \(exclusion.reason),
                    \(Self.wholeSeconds(exclusion.declaredAt)), \(exclusion.declaredBy))
            ON CONFLICT DO NOTHING RETURNING 1
            """) { try $0.next(Int.self) }.isEmpty
    }

    func removeInspectorExclusion(inspectorId: Int64, organizationId: Int64, kind: ExclusionKind) throws -> Bool {
        try !rows("""
            DELETE FROM inspector_exclusions
            WHERE inspector_id = \(inspectorId) AND organization_id = \(organizationId) AND kind = \(kind.rawValue)
            RETURNING 1
            """) { try $0.next(Int.self) }.isEmpty
    }

    // MARK: Certificates

    func certificateReviews(certificateId: Int64?) throws -> [CertificateReview] {
        try rows("""
            SELECT certificate_id, campaign_id, item_id, reason, flagged_at FROM certificate_reviews
            WHERE (\(certificateId)::bigint IS NULL OR certificate_id = \(certificateId))
            ORDER BY certificate_id, flagged_at, campaign_id
            """) { c in
            CertificateReview(certificateId: try c.next(), campaignId: try c.next(), itemId: try c.next(),
                              reason: try c.next(), flaggedAt: try c.next())
        }
    }

    func insert(_ review: CertificateReview) throws {
        try run("""
            INSERT INTO certificate_reviews (certificate_id, campaign_id, item_id, reason, flagged_at)
            VALUES (\(review.certificateId), \(review.campaignId), \(review.itemId), \(review.reason),
                    \(Self.wholeSeconds(review.flaggedAt)))
            ON CONFLICT DO NOTHING
            """)
    }

    func certificateIds(coveringRecord recordId: Int64) throws -> [Int64] {
        try rows("""
            SELECT certificate_id FROM certificate_records WHERE record_id = \(recordId) ORDER BY certificate_id
            """) { try $0.next(Int64.self) }
    }
}
