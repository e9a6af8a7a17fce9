import Foundation

/// Where each organization's audit chain was last verified intact, and the latest verification's result (part of
/// `LedgerReader` and `LedgerWriter`): an incremental verification re-derives each chain from its verified position, so a
/// daily check reads what changed since, not the whole ledger.
public protocol AuditVerificationReader {
    /// The chain positions last verified intact of the organizations `ids`, for those verified before (at most 1000 ids).
    func verifiedChainPositions(organizationIds ids: [Int64]) throws -> [Int64: ChainHead]
    /// The result of the latest audit verification; nil before the first.
    func latestAuditVerification() throws -> AuditReport?
}

public protocol AuditVerificationWriter {
    /// Keeps the positions verified intact at `at`, replacing the earlier ones of these organizations.
    func saveVerifiedChainPositions(_ positions: [Int64: ChainHead], at: Date) throws
    /// Keeps a verification's result as the latest (its problems cut to `AuditReport.keptProblems`).
    func saveAuditVerification(_ report: AuditReport) throws
}

extension AuditReport {
    /// The report as a store keeps it: JSON with ISO 8601 times.
    public func storedText() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A stored report; anything else is a `StoredValueError` naming the column.
    public static func stored(_ text: String, column: String) throws -> AuditReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(AuditReport.self, from: Data(text.utf8)) } catch {
            throw StoredValueError(column: column, value: String(text.prefix(40)))
        }
    }
}
