import Foundation
import GRDB
import LedgerCore

/// Spot checks on SQLite (tables of migration `v3-spot-checks`).
extension SQLiteLedgerAccess {
    private func spotRows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func spotRow(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func spotExecute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private static func time(_ date: Date?) -> Int64? { date.map { Int64($0.timeIntervalSince1970) } }
    private static func date(_ seconds: Int64?) -> Date? { seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } }

    // MARK: Campaigns

    private static let campaignColumns = """
        id, title, unit, scope, size_rule, stratified, weighting, records_per_organization, inspectors_per_unit, status,
        population_size, second_stage_size, population_digest, sample_size, size_method, seed, inspector_pool, created_by,
        created_at, frozen_at, drawn_at, assigned_at, published_at
        """

    private static func campaign(_ row: Row) throws -> SpotCheckCampaign {
        try SpotCheckCampaign(
            id: row["id"], title: row["title"], unit: StoredValue.decode(row["unit"], column: "spot_check_campaigns.unit"),
            scope: StoredValue.json(row["scope"], column: "spot_check_campaigns.scope"),
            sizeRule: StoredValue.json(row["size_rule"], column: "spot_check_campaigns.size_rule"),
            stratified: row["stratified"], weighting: StoredValue.decode(row["weighting"], column: "spot_check_campaigns.weighting"),
            recordsPerOrganization: row["records_per_organization"], inspectorsPerUnit: row["inspectors_per_unit"],
            status: StoredValue.decode(row["status"], column: "spot_check_campaigns.status"), populationSize: row["population_size"],
            secondStageSize: row["second_stage_size"], populationDigest: row["population_digest"],
            sampleSize: row["sample_size"], sizeMethod: StoredValue.decodeIfPresent(row["size_method"], column: "spot_check_campaigns.size_method"),
            seed: row["seed"], inspectorPool: StoredValue.jsonIfPresent(row["inspector_pool"], column: "spot_check_campaigns.inspector_pool"),
            createdBy: row["created_by"], createdAt: date(row["created_at"])!,
            frozenAt: date(row["frozen_at"]), drawnAt: date(row["drawn_at"]), assignedAt: date(row["assigned_at"]),
            publishedAt: date(row["published_at"]))
    }

    func spotCheckCampaign(id: Int64) throws -> SpotCheckCampaign? {
        try spotRow("SELECT \(Self.campaignColumns) FROM spot_check_campaigns WHERE id = ?", [id]).map(Self.campaign)
    }

    func spotCheckCampaigns(after: Int64?, limit: Int) throws -> [SpotCheckCampaign] {
        try spotRows("SELECT \(Self.campaignColumns) FROM spot_check_campaigns WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.campaign)
    }

    func lockSpotCheckCampaign(id: Int64) throws -> SpotCheckCampaign? {
        // SQLite write transactions are serialized by the database lock (taken IMMEDIATE).
        try spotCheckCampaign(id: id)
    }

    func insert(_ campaign: SpotCheckCampaign) throws -> SpotCheckCampaign {
        try store(campaign, id: nil)
    }

    func restore(_ campaign: SpotCheckCampaign) throws {
        try update(try store(campaign, id: campaign.id))
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); `update` stores the later fields.
    private func store(_ campaign: SpotCheckCampaign, id: Int64?) throws -> SpotCheckCampaign {
        try spotExecute("""
            INSERT INTO spot_check_campaigns (id, title, unit, scope, size_rule, stratified, weighting, records_per_organization,
                                              inspectors_per_unit, status, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, campaign.title, campaign.unit.rawValue, SpotCheckJSON.encode(campaign.scope),
                  SpotCheckJSON.encode(campaign.sizeRule), campaign.stratified, campaign.weighting.rawValue,
                  campaign.recordsPerOrganization, campaign.inspectorsPerUnit, campaign.status.rawValue,
                  campaign.createdBy, Self.time(campaign.createdAt)])
        var stored = campaign
        stored.id = db.lastInsertedRowID
        return stored
    }

    func update(_ campaign: SpotCheckCampaign) throws {
        try spotExecute("""
            UPDATE spot_check_campaigns SET status = ?, population_size = ?, second_stage_size = ?, population_digest = ?,
                sample_size = ?, size_method = ?, seed = ?, inspector_pool = ?, frozen_at = ?, drawn_at = ?, assigned_at = ?, published_at = ?
            WHERE id = ?
            """, [campaign.status.rawValue, campaign.populationSize, campaign.secondStageSize, campaign.populationDigest,
                  campaign.sampleSize, campaign.sizeMethod?.rawValue, campaign.seed,
                  campaign.inspectorPool.map { SpotCheckJSON.encode($0) }, Self.time(campaign.frozenAt),
                  Self.time(campaign.drawnAt), Self.time(campaign.assignedAt), Self.time(campaign.publishedAt), campaign.id])
    }

    // MARK: Population and sample

    func spotCheckPopulation(campaignId: Int64) throws -> [SpotCheckPopulationEntry] {
        try spotRows("SELECT campaign_id, position, stage, unit_id, stratum, weight, entity_id, organization_id FROM spot_check_population WHERE campaign_id = ? ORDER BY position", [campaignId]).map {
            SpotCheckPopulationEntry(
                member: PopulationMember(id: $0["unit_id"], stratum: $0["stratum"], weight: $0["weight"], stage: $0["stage"]),
                entityId: $0["entity_id"], organizationId: $0["organization_id"])
        }
    }

    func insertPopulation(_ entries: [SpotCheckPopulationEntry], campaignId: Int64) throws {
        for (position, entry) in entries.enumerated() {
            try spotExecute("""
                INSERT INTO spot_check_population (campaign_id, position, stage, unit_id, stratum, weight, entity_id, organization_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [campaignId, position, entry.member.stage, entry.member.id, entry.member.stratum, entry.member.weight,
                      entry.entityId, entry.organizationId])
        }
    }

    func spotCheckSample(campaignId: Int64) throws -> [SpotCheckSampleEntry] {
        try spotRows("""
            SELECT campaign_id, position, stage, draw_order, unit_id, stratum, ticket, weighted_key, entity_id, organization_id
            FROM spot_check_sample WHERE campaign_id = ? ORDER BY position
            """, [campaignId]).map {
            SpotCheckSampleEntry(
                unit: DrawnUnit(order: $0["draw_order"], stage: $0["stage"], id: $0["unit_id"], stratum: $0["stratum"],
                                ticket: $0["ticket"], weightedKey: $0["weighted_key"]),
                entityId: $0["entity_id"], organizationId: $0["organization_id"])
        }
    }

    func insertSample(_ entries: [SpotCheckSampleEntry], campaignId: Int64) throws {
        for (position, entry) in entries.enumerated() {
            try spotExecute("""
                INSERT INTO spot_check_sample (campaign_id, position, stage, draw_order, unit_id, stratum, ticket, weighted_key,
                                               entity_id, organization_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [campaignId, position, entry.unit.stage, entry.unit.order, entry.unit.id, entry.unit.stratum,
                      entry.unit.ticket, entry.unit.weightedKey, entry.entityId, entry.organizationId])
        }
    }

    // MARK: Assignments and findings

    private static func assignment(_ row: Row) -> SpotCheckAssignment {
        SpotCheckAssignment(campaignId: row["campaign_id"], unitId: row["unit_id"], inspectorId: row["inspector_id"],
                            position: row["position"])
    }

    func spotCheckAssignments(campaignId: Int64) throws -> [SpotCheckAssignment] {
        try spotRows("""
            SELECT a.* FROM spot_check_assignments a
            JOIN spot_check_sample s ON s.campaign_id = a.campaign_id AND s.stage = 1 AND s.unit_id = a.unit_id
            WHERE a.campaign_id = ? ORDER BY s.position, a.position
            """, [campaignId]).map(Self.assignment)
    }

    func spotCheckAssignments(inspectorId: Int64) throws -> [SpotCheckAssignment] {
        try spotRows("""
            SELECT a.* FROM spot_check_assignments a
            JOIN spot_check_sample s ON s.campaign_id = a.campaign_id AND s.stage = 1 AND s.unit_id = a.unit_id
            WHERE a.inspector_id = ? ORDER BY a.campaign_id, s.position
            """, [inspectorId]).map(Self.assignment)
    }

    func insert(_ assignments: [SpotCheckAssignment]) throws {
        for assignment in assignments {
            try spotExecute("""
                INSERT INTO spot_check_assignments (campaign_id, unit_id, inspector_id, position) VALUES (?, ?, ?, ?)
                """, [assignment.campaignId, assignment.unitId, assignment.inspectorId, assignment.position])
        }
    }

    func spotCheckFindings(campaignId: Int64) throws -> [SpotCheckFinding] {
        try spotRows("""
            SELECT campaign_id, item_id, outcome, discrepancy, corrected_minutes, notes, checklist, decided_by, decided_at,
                   correction_revision, correction_note
            FROM spot_check_findings WHERE campaign_id = ? ORDER BY decided_at, item_id
            """, [campaignId]).map {
            try SpotCheckFinding(
                campaignId: $0["campaign_id"], itemId: $0["item_id"],
                outcome: StoredValue.decode($0["outcome"], column: "spot_check_findings.outcome"),
                discrepancy: StoredValue.decodeIfPresent($0["discrepancy"], column: "spot_check_findings.discrepancy"),
                correctedMinutes: $0["corrected_minutes"], notes: $0["notes"],
                checklist: StoredValue.json($0["checklist"], column: "spot_check_findings.checklist"), decidedBy: $0["decided_by"],
                decidedAt: Self.date($0["decided_at"])!, correctionRevision: $0["correction_revision"],
                correctionNote: $0["correction_note"])
        }
    }

    func insert(_ finding: SpotCheckFinding) throws {
        try spotExecute("""
            INSERT INTO spot_check_findings (campaign_id, item_id, outcome, discrepancy, corrected_minutes, notes, checklist,
                                             decided_by, decided_at, correction_revision, correction_note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [finding.campaignId, finding.itemId, finding.outcome.rawValue, finding.discrepancy?.rawValue,
                  finding.correctedMinutes, finding.notes, SpotCheckJSON.encode(finding.checklist), finding.decidedBy,
                  Self.time(finding.decidedAt), finding.correctionRevision, finding.correctionNote])
    }

    // MARK: Inspectors' exclusions

    func inspectorExclusions(inspectorId: Int64?) throws -> [InspectorExclusion] {
        try spotRows("""
            SELECT inspector_id, organization_id, kind, reason, declared_at, declared_by FROM inspector_exclusions
            WHERE (?1 IS NULL OR inspector_id = ?1) ORDER BY inspector_id, organization_id, kind
            """, [inspectorId]).map {
            try InspectorExclusion(inspectorId: $0["inspector_id"], organizationId: $0["organization_id"],
                               kind: StoredValue.decode($0["kind"], column: "inspector_exclusions.kind"), reason: $0["reason"],
                               declaredAt: Self.date($0["declared_at"])!, declaredBy: $0["declared_by"])
        }
    }

    func insert(_ exclusion: InspectorExclusion) throws -> Bool {
        try spotExecute("""
            INSERT OR IGNORE INTO inspector_exclusions (inspector_id, organization_id, kind, reason, declared_at, declared_by)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [exclusion.inspectorId, exclusion.organizationId, exclusion.kind.rawValue, exclusion.reason,
                  Self.time(exclusion.declaredAt), exclusion.declaredBy])
        return db.changesCount > 0
    }

    func removeInspectorExclusion(inspectorId: Int64, organizationId: Int64, kind: ExclusionKind) throws -> Bool {
        try spotExecute("DELETE FROM inspector_exclusions WHERE inspector_id = ? AND organization_id = ? AND kind = ?",
                        [inspectorId, organizationId, kind.rawValue])
        return db.changesCount > 0
    }

    // MARK: Certificates

    func certificateReviews(certificateId: Int64?) throws -> [CertificateReview] {
        try spotRows("""
            SELECT certificate_id, campaign_id, item_id, reason, flagged_at FROM certificate_reviews
            WHERE (?1 IS NULL OR certificate_id = ?1) ORDER BY certificate_id, flagged_at, campaign_id
            """, [certificateId]).map {
            CertificateReview(certificateId: $0["certificate_id"], campaignId: $0["campaign_id"], itemId: $0["item_id"],
                              reason: $0["reason"], flaggedAt: Self.date($0["flagged_at"])!)
        }
    }

    func insert(_ review: CertificateReview) throws {
        try spotExecute("""
            INSERT OR IGNORE INTO certificate_reviews (certificate_id, campaign_id, item_id, reason, flagged_at) VALUES (?, ?, ?, ?, ?)
            """, [review.certificateId, review.campaignId, review.itemId, review.reason, Self.time(review.flaggedAt)])
    }

    func certificateIds(coveringRecord recordId: Int64) throws -> [Int64] {
        try spotRows("SELECT certificate_id FROM certificate_records WHERE record_id = ? ORDER BY certificate_id", [recordId])
            .map { $0["certificate_id"] }
    }
}
