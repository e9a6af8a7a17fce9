import Foundation

/// The outcome of re-deriving every organization's audit chain.
public struct AuditReport: Sendable, Codable {
    public struct Problem: Sendable, Codable, Hashable {
        public var organizationId: Int64
        public var recordId: Int64?
        public var chainSequence: Int64?
        public var message: String
    }
    public var organizations: Int
    public var revisions: Int
    public var problems: [Problem]
    public var isIntact: Bool { problems.isEmpty }
}

extension Ledger {
    /// Re-derives each organization's chain of record revisions and checks that every record's current
    /// state equals its latest revision, so that a change made behind the ledger's back shows.
    public func verifyAuditChains(by principal: Principal) async throws -> AuditReport {
        guard principal.role == .platformAdmin || principal.role == .inspector else {
            throw LedgerError.forbidden("只有平台和检查人员可以核验审计链 / only the platform and inspectors verify the audit chain")
        }
        var organizationIds: [Int64] = []
        var after: Int64?
        while true {
            let page = try await store.read { [after] in try $0.organizations(after: after, limit: 1000) }
            organizationIds += page.map(\.id)
            guard let last = page.last, page.count == 1000 else { break }
            after = last.id
        }
        var problems: [AuditReport.Problem] = []
        var revisions = 0
        for organizationId in organizationIds {
            var head = ChainHead.genesis
            var latest: [Int64: RecordRevision] = [:]
            while true {
                let entries = try await store.read { [head] in
                    try $0.chainEntries(organizationId: organizationId, after: head.sequence, limit: 5000)
                }
                for entry in entries {
                    revisions += 1
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
            let storedHead = try await store.read { try $0.chainHead(organizationId: organizationId) }
            if storedHead != head {
                problems.append(.init(organizationId: organizationId, recordId: nil, chainSequence: storedHead.sequence,
                                      message: "the stored chain head (\(storedHead.sequence)) differs from the re-derived one (\(head.sequence)): revisions were removed or added outside the ledger"))
            }
            problems += try await compareCurrentStates(organizationId: organizationId, latest: latest)
        }
        return AuditReport(organizations: organizationIds.count, revisions: revisions, problems: problems)
    }

    private func compareCurrentStates(organizationId: Int64, latest: [Int64: RecordRevision]) async throws -> [AuditReport.Problem] {
        var problems: [AuditReport.Problem] = []
        var seen = Set<Int64>()
        var after: Int64?
        while true {
            let page = try await store.read { [after] in
                try $0.records(RecordFilter(organizationId: organizationId, includeVoid: true), after: after, limit: 5000)
            }
            for record in page {
                seen.insert(record.id)
                guard let revision = latest[record.id] else {
                    problems.append(.init(organizationId: organizationId, recordId: record.id, chainSequence: nil,
                                          message: "record #\(record.id) has no revision in the chain"))
                    continue
                }
                let matches = revision.revision == record.revision && revision.startAt == record.startAt
                    && revision.endAt == record.endAt && revision.minutes == record.minutes && revision.note == record.note
                    && (revision.kind == .voided) == record.isVoid
                if !matches {
                    problems.append(.init(organizationId: organizationId, recordId: record.id, chainSequence: revision.chainSequence,
                                          message: "record #\(record.id) differs from its latest revision \(revision.revision): it was edited in place"))
                }
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
}
