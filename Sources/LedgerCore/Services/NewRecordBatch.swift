import Foundation

/// New records of one organization checked against the ledger and stored together, a bulk import's chunk.
/// The rules that need the ledger (overlap, the daily limit) run for the whole batch in a few store
/// requests, and against the batch's own earlier rows in memory, so they give the answers the one-record
/// path gives row by row. The rules that need no ledger are checked by the caller before `add`.
struct NewRecordBatch {
    /// A record that passed the rules that need no ledger; `tag` is the caller's (an import's line).
    struct Candidate {
        var tag: Int
        var volunteerId: Int64
        var activity: Activity
        var start: Date
        var end: Date
        var minutes: Int
        var note: String
        var recordedAt: Date
    }

    struct Failure {
        var tag: Int
        var error: LedgerError
    }

    private(set) var candidates: [Candidate] = []

    var count: Int { candidates.count }

    mutating func add(_ candidate: Candidate) {
        candidates.append(candidate)
    }

    /// A span the batch accepted, as later candidates of the same volunteer see it.
    private struct Accepted {
        var id: Int64
        var start: Date
        var end: Date
        var minutes: Int
        var dayStart: Date
    }

    /// Checks the candidates in order against the ledger and the candidates accepted before them, stores
    /// those that pass with their first revisions linked onto `head`, and empties the batch.
    mutating func store(in w: any LedgerWriter, context: RecordContext, source: RecordSource, actorId: Int64?,
                        chain head: inout ChainHead) throws -> (stored: [ServiceRecord], failures: [Failure]) {
        defer { candidates.removeAll(keepingCapacity: true) }
        guard !candidates.isEmpty else { return ([], []) }
        let timeZone = context.organization.timeZone
        try w.lockVolunteers(ids: Array(Set(candidates.map(\.volunteerId))).sorted())
        let spans = candidates.map { candidate -> ServiceSpan in
            let day = LocalDate(candidate.start, in: timeZone)
            return ServiceSpan(volunteerId: candidate.volunteerId, start: candidate.start, end: candidate.end,
                               dayStart: day.startOfDay(in: timeZone), dayEnd: day.adding(days: 1).startOfDay(in: timeZone))
        }
        let existing = try w.existingServices(spans)
        let ids = try w.newRecordIds(count: candidates.count)
        var accepted: [Int64: [Accepted]] = [:]
        var records: [ServiceRecord] = []
        var revisions: [RecordRevision] = []
        var failures: [Failure] = []
        records.reserveCapacity(candidates.count)
        revisions.reserveCapacity(candidates.count)
        for (index, candidate) in candidates.enumerated() {
            let span = spans[index]
            let earlier = accepted[candidate.volunteerId] ?? []
            // The earliest-starting overlap, as the one-record check reports it.
            let inBatch = earlier.filter { $0.start < candidate.end && $0.end > candidate.start }.min { $0.start < $1.start }
            if let ledger = existing[index].overlapping, inBatch.map({ ledger.startAt <= $0.start }) ?? true {
                let otherZone = try w.organization(id: ledger.organizationId)?.timeZone ?? timeZone
                failures.append(Failure(tag: candidate.tag, error: .overlapsRecord(
                    recordId: ledger.id, start: LocalDateTime(ledger.startAt, in: otherZone).description,
                    end: LocalDateTime(ledger.endAt, in: otherZone).description)))
                continue
            }
            if let other = inBatch {
                failures.append(Failure(tag: candidate.tag, error: .overlapsRecord(
                    recordId: other.id, start: LocalDateTime(other.start, in: timeZone).description,
                    end: LocalDateTime(other.end, in: timeZone).description)))
                continue
            }
            let onDay = existing[index].minutesOnDay + earlier.reduce(0) { $0 + ($1.dayStart == span.dayStart ? $1.minutes : 0) }
            if onDay + candidate.minutes > ServiceTimeRules.dailyLimitMinutes {
                failures.append(Failure(tag: candidate.tag, error: .dailyLimitExceeded(
                    day: LocalDate(candidate.start, in: timeZone).description, alreadyMinutes: onDay)))
                continue
            }
            let id = ids[index]
            accepted[candidate.volunteerId, default: []].append(
                Accepted(id: id, start: candidate.start, end: candidate.end, minutes: candidate.minutes, dayStart: span.dayStart))
            let activity = candidate.activity
            records.append(ServiceRecord(
                id: id, volunteerId: candidate.volunteerId, activityId: activity.id, organizationId: activity.organizationId,
                startAt: candidate.start, endAt: candidate.end, minutes: candidate.minutes, source: source, note: candidate.note,
                recordedBy: actorId, recordedAt: candidate.recordedAt,
                isLate: context.isLate(recordedAt: candidate.recordedAt, activity: activity), isVoid: false, revision: 1))
            var revision = RecordRevision(recordId: id, revision: 1, kind: .created, startAt: candidate.start, endAt: candidate.end,
                                          minutes: candidate.minutes, note: candidate.note, reason: "", actorId: actorId,
                                          at: candidate.recordedAt, chainSequence: 0, digest: "")
            head = AuditChain.link(&revision, after: head, organizationId: activity.organizationId,
                                   volunteerId: candidate.volunteerId, activityId: activity.id)
            revisions.append(revision)
        }
        try w.insert(records, revisions: revisions)
        try w.enqueueLogEntries(zip(records, revisions).map { LogEntry.revision($1, organizationId: $0.organizationId, late: $0.isLate).bytes })
        return (records, failures)
    }
}
