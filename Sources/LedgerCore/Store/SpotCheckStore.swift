import Foundation

/// Spot-check queries every backend answers (part of `LedgerReader`).
public protocol SpotCheckReader {
    func spotCheckCampaign(id: Int64) throws -> SpotCheckCampaign?
    /// Campaigns by id.
    func spotCheckCampaigns(after: Int64?, limit: Int) throws -> [SpotCheckCampaign]
    /// The frozen population in its published order.
    func spotCheckPopulation(campaignId: Int64) throws -> [SpotCheckPopulationEntry]
    /// The sample: stage 1 in draw order, then stage 2 in the order it was drawn.
    func spotCheckSample(campaignId: Int64) throws -> [SpotCheckSampleEntry]
    /// Teams in draw order, each in pick order.
    func spotCheckAssignments(campaignId: Int64) throws -> [SpotCheckAssignment]
    /// An inspector's assignments in every campaign, by campaign.
    func spotCheckAssignments(inspectorId: Int64) throws -> [SpotCheckAssignment]
    func spotCheckFindings(campaignId: Int64) throws -> [SpotCheckFinding]
    /// Affiliations and declared conflicts of one inspector, or of all (nil), by inspector and organization.
    func inspectorExclusions(inspectorId: Int64?) throws -> [InspectorExclusion]
    /// Certificates marked for review, of one certificate or of all (nil).
    func certificateReviews(certificateId: Int64?) throws -> [CertificateReview]
    /// Ids of the certificates that cover a record.
    func certificateIds(coveringRecord recordId: Int64) throws -> [Int64]
}

/// Spot-check writes (part of `LedgerWriter`).
public protocol SpotCheckWriter {
    func insert(_ campaign: SpotCheckCampaign) throws -> SpotCheckCampaign
    /// Stores a campaign with its id and every field, for copying a ledger between backends.
    func restore(_ campaign: SpotCheckCampaign) throws
    /// Locks the campaign row until the transaction ends (status changes are serialized) and returns it.
    func lockSpotCheckCampaign(id: Int64) throws -> SpotCheckCampaign?
    /// Stores a campaign's new status, counts, digest, seed and dates.
    func update(_ campaign: SpotCheckCampaign) throws
    func insertPopulation(_ entries: [SpotCheckPopulationEntry], campaignId: Int64) throws
    func insertSample(_ entries: [SpotCheckSampleEntry], campaignId: Int64) throws
    func insert(_ assignments: [SpotCheckAssignment]) throws
    /// One finding per item, by key constraint.
    func insert(_ finding: SpotCheckFinding) throws
    /// Adds the exclusion unless one of that kind exists; returns whether it was added.
    @discardableResult func insert(_ exclusion: InspectorExclusion) throws -> Bool
    @discardableResult func removeInspectorExclusion(inspectorId: Int64, organizationId: Int64, kind: ExclusionKind) throws -> Bool
    func insert(_ review: CertificateReview) throws
}

/// How stores keep a campaign's scope and size rule and a finding's checklist: one JSON text column each, read back with `StoredValue.json`.
public enum SpotCheckJSON {
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
