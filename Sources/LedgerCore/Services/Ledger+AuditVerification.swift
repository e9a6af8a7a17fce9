import Foundation

/// How much of each chain a verification re-derives.
public enum AuditVerificationMode: String, Sendable, Codable, CaseIterable {
    /// Every chain from its start, and every record compared with its latest revision.
    case full
    /// Each chain from the position last verified intact (its stored digest checked first), and only the records of the
    /// revisions appended since; a chain never verified is verified in full.
    case incremental
}

/// How far a running verification is.
public struct AuditProgress: Sendable, Hashable {
    public var chainsDone = 0
    public var chainsTotal = 0
    /// Revisions re-derived and records compared so far.
    public var revisions = 0
    public var rowsRead = 0

    public init() {}
}

/// The outcome of re-deriving every organization's audit chain.
public struct AuditReport: Sendable, Codable {
    public struct Problem: Sendable, Codable, Hashable {
        public var organizationId: Int64
        public var recordId: Int64?
        public var chainSequence: Int64?
        public var message: String

        public init(organizationId: Int64, recordId: Int64?, chainSequence: Int64?, message: String) {
            self.organizationId = organizationId
            self.recordId = recordId
            self.chainSequence = chainSequence
            self.message = message
        }
    }
    public var organizations: Int
    public var revisions: Int
    public var problems: [Problem]
    public var isIntact: Bool { problems.isEmpty && (problemCount ?? 0) == 0 }
    public var mode: AuditVerificationMode?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Revisions and records read: an incremental verification reads what changed since the last.
    public var rowsRead: Int?
    /// How many problems were found, where `problems` keeps only the first `keptProblems` of a stored report.
    public var problemCount: Int?

    /// The most problems a stored report keeps.
    public static let keptProblems = 1000

    public init(organizations: Int, revisions: Int, problems: [Problem], mode: AuditVerificationMode? = nil, startedAt: Date? = nil,
                finishedAt: Date? = nil, rowsRead: Int? = nil, problemCount: Int? = nil) {
        self.organizations = organizations
        self.revisions = revisions
        self.problems = problems
        self.mode = mode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.rowsRead = rowsRead
        self.problemCount = problemCount
    }
}

extension Ledger {
    /// Only the platform and inspectors verify the chains.
    public func checkAuditVerification(by principal: Principal) throws {
        guard principal.role == .platformAdmin || principal.role == .inspector else {
            throw LedgerError.forbidden("只有平台和检查人员可以核验审计链 / only the platform and inspectors verify the audit chain")
        }
    }

    /// Re-derives each organization's chain of record revisions in full and checks that every record's current state
    /// equals its latest revision, so that a change made behind the ledger's back shows.
    public func verifyAuditChains(by principal: Principal) async throws -> AuditReport {
        try await verifyAuditChains(.full, by: principal)
    }

    /// Verifies the chains (`mode`), a page of organizations at a time, reporting progress after each chain; keeps the
    /// position of every chain found intact and the result as the latest verification.
    public func verifyAuditChains(_ mode: AuditVerificationMode, by principal: Principal,
                                  progress: @Sendable (AuditProgress) -> Void = { _ in }) async throws -> AuditReport {
        try checkAuditVerification(by: principal)
        let startedAt = now
        // The organizations' ids first (9,000 numbers for a city), for the progress's total.
        var organizationIds: [Int64] = []
        var after: Int64?
        while true {
            let page = try await store.read { [after] in try $0.organizations(after: after, limit: 1000).map(\.id) }
            organizationIds += page
            guard let last = page.last, page.count == 1000 else { break }
            after = last
        }
        var state = AuditProgress()
        state.chainsTotal = organizationIds.count
        progress(state)
        var problems: [AuditReport.Problem] = []
        for start in stride(from: 0, to: organizationIds.count, by: 1000) {
            let ids = Array(organizationIds[start..<min(organizationIds.count, start + 1000)])
            let page = try await store.read { r -> [(id: Int64, head: ChainHead, verified: ChainHead?)] in
                let verified = mode == .incremental ? try r.verifiedChainPositions(organizationIds: ids) : [:]
                return try ids.map { ($0, try r.chainHead(organizationId: $0), verified[$0]) }
            }
            var intact: [Int64: ChainHead] = [:]
            for chain in page {
                try Task.checkCancellation()
                if chain.verified != chain.head {
                    let found = try await verifyChain(chain.id, from: chain.verified, mode: mode, progress: &state)
                    problems += found.problems
                    if found.problems.isEmpty { intact[chain.id] = found.head }
                }
                state.chainsDone += 1
                progress(state)
            }
            if !intact.isEmpty {
                let at = now
                try await store.write { [intact] in try $0.saveVerifiedChainPositions(intact, at: at) }
            }
        }
        let report = AuditReport(organizations: state.chainsDone, revisions: state.revisions, problems: problems, mode: mode,
                                 startedAt: startedAt, finishedAt: now, rowsRead: state.rowsRead, problemCount: problems.count)
        var kept = report
        kept.problems = Array(problems.prefix(AuditReport.keptProblems))
        try await store.write { [kept] in try $0.saveAuditVerification(kept) }
        return report
    }

    /// The latest verification's result, without verifying; nil before the first.
    public func latestAuditVerification(by principal: Principal) async throws -> AuditReport? {
        try checkAuditVerification(by: principal)
        return try await store.read { try $0.latestAuditVerification() }
    }

    /// Re-derives one chain from `verified` (genesis when nil), and returns what it found and the head it re-derived.
    private func verifyChain(_ organizationId: Int64, from verified: ChainHead?, mode: AuditVerificationMode,
                             progress: inout AuditProgress) async throws -> (problems: [AuditReport.Problem], head: ChainHead) {
        var problems: [AuditReport.Problem] = []
        var head = verified ?? .genesis
        if let verified, verified.sequence > 0 {
            // The revision at the verified position still has the digest it had: the chain continues from it.
            let anchor = try await store.read { try $0.chainEntries(organizationId: organizationId, after: verified.sequence - 1, limit: 1) }
            progress.rowsRead += anchor.count
            if anchor.first?.revision.chainSequence != verified.sequence || anchor.first?.revision.digest != verified.digest {
                problems.append(.init(organizationId: organizationId, recordId: anchor.first?.revision.recordId, chainSequence: verified.sequence,
                                      message: "the revision at chain position \(verified.sequence) changed after it was verified: verify in full"))
                return (problems, head)
            }
        }
        var latest: [Int64: RecordRevision] = [:]
        var storedHead = ChainHead.genesis
        while true {
            // The last page and the stored head come from one snapshot, so a revision appended meanwhile is no problem.
            let (entries, currentHead) = try await store.read { [head] r in
                (try r.chainEntries(organizationId: organizationId, after: head.sequence, limit: 5000), try r.chainHead(organizationId: organizationId))
            }
            storedHead = currentHead
            progress.rowsRead += entries.count
            for entry in entries {
                progress.revisions += 1
                var revision = entry.revision
                if revision.chainSequence != head.sequence + 1 {
                    problems.append(.init(organizationId: organizationId, recordId: revision.recordId, chainSequence: revision.chainSequence,
                                          message: "chain sequence jumps from \(head.sequence) to \(revision.chainSequence): entries are missing"))
                }
                let stored = revision.digest
                head = AuditChain.link(&revision, after: head, organizationId: organizationId,
                                       volunteerId: entry.volunteerId, activityId: entry.activityId)
                if revision.digest != stored {
                    problems.append(.init(organizationId: organizationId, recordId: revision.recordId, chainSequence: revision.chainSequence,
                                          message: "revision \(revision.revision) of record #\(revision.recordId) does not match its digest: it was changed after it was written"))
                    head = ChainHead(sequence: revision.chainSequence, digest: stored)
                }
                latest[revision.recordId] = revision
            }
            if entries.count < 5000 { break }
        }
        if storedHead != head {
            problems.append(.init(organizationId: organizationId, recordId: nil, chainSequence: storedHead.sequence,
                                  message: "the stored chain head (\(storedHead.sequence)) differs from the re-derived one (\(head.sequence)): revisions were removed or added outside the ledger"))
        }
        if mode == .full || verified == nil {
            problems += try await compareCurrentStates(organizationId: organizationId, latest: latest, progress: &progress)
        } else {
            problems += try await compareChangedRecords(organizationId: organizationId, latest: latest, progress: &progress)
        }
        return (problems, head)
    }

    private static func mismatch(_ record: ServiceRecord, _ revision: RecordRevision, organizationId: Int64) -> AuditReport.Problem? {
        let matches = revision.revision == record.revision && revision.startAt == record.startAt
            && revision.endAt == record.endAt && revision.minutes == record.minutes && revision.note == record.note
            && (revision.kind == .voided) == record.isVoid
        return matches ? nil : .init(organizationId: organizationId, recordId: record.id, chainSequence: revision.chainSequence,
                                     message: "record #\(record.id) differs from its latest revision \(revision.revision): it was edited in place")
    }

    /// Every record of the organization against its latest revision, and every revised record still there.
    private func compareCurrentStates(organizationId: Int64, latest: [Int64: RecordRevision],
                                      progress: inout AuditProgress) async throws -> [AuditReport.Problem] {
        var problems: [AuditReport.Problem] = []
        var seen = Set<Int64>()
        var after: Int64?
        while true {
            let page = try await store.read { [after] in
                try $0.records(RecordFilter(organizationId: organizationId, includeVoid: true), after: after, limit: 5000)
            }
            progress.rowsRead += page.count
            for record in page {
                seen.insert(record.id)
                guard let revision = latest[record.id] else {
                    problems.append(.init(organizationId: organizationId, recordId: record.id, chainSequence: nil,
                                          message: "record #\(record.id) has no revision in the chain"))
                    continue
                }
                if let problem = Self.mismatch(record, revision, organizationId: organizationId) { problems.append(problem) }
            }
            guard let last = page.last, page.count == 5000 else { break }
            after = last.id
        }
        for missing in Set(latest.keys).subtracting(seen).sorted() {
            problems.append(.init(organizationId: organizationId, recordId: missing, chainSequence: latest[missing]?.chainSequence,
                                  message: "record #\(missing) has revisions but was deleted"))
        }
        return problems
    }

    /// The records of the revisions appended since the last verification, against their latest revision.
    private func compareChangedRecords(organizationId: Int64, latest: [Int64: RecordRevision],
                                       progress: inout AuditProgress) async throws -> [AuditReport.Problem] {
        var problems: [AuditReport.Problem] = []
        let ids = latest.keys.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            let records = try await store.read { r in try chunk.map { (id: $0, record: try r.record(id: $0)) } }
            progress.rowsRead += chunk.count
            for (id, record) in records {
                guard let record, record.organizationId == organizationId else {
                    problems.append(.init(organizationId: organizationId, recordId: id, chainSequence: latest[id]?.chainSequence,
                                          message: "record #\(id) has revisions but was deleted"))
                    continue
                }
                if let problem = Self.mismatch(record, latest[id]!, organizationId: organizationId) { problems.append(problem) }
            }
        }
        return problems
    }
}
