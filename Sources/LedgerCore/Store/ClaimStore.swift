import Foundation

/// Hour claims and their evidence in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol ClaimReader {
    func claim(id: Int64) throws -> HoursClaim?
    /// Claims by id, of one organization and/or one volunteer (nil: all), in one state (nil: all).
    func claims(organizationId: Int64?, volunteerId: Int64?, state: HoursClaimState?, after: Int64?, limit: Int) throws -> [HoursClaim]
    func evidence(hash: String) throws -> ClaimEvidence?
    /// Every piece of evidence, by hash.
    func evidence(after hash: String?, limit: Int) throws -> [ClaimEvidence]
}

public protocol ClaimWriter {
    func insert(_ claim: HoursClaim) throws -> HoursClaim
    /// Stores the decision of a pending claim (state, time, actor, reason, record); a decided one is a conflict.
    func decide(_ claim: HoursClaim) throws
    /// Stores the volunteer's correction of a pending claim; a decided one is a conflict.
    func saveCorrection(_ claim: HoursClaim) throws
    /// Keeps the evidence under its hash; the same bytes again change nothing.
    func save(_ evidence: ClaimEvidence) throws
    /// Keeps the id and the decision, for copying a ledger between backends.
    func restore(_ claim: HoursClaim) throws
}
