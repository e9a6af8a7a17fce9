import Foundation

/// One row of hours recorded for many volunteers at once on one activity.
public struct BatchRecordEntry: Codable, Sendable {
    public var volunteerNumber: String
    public var start: Date
    public var end: Date
    public var minutes: Int?
    public var note: String?

    public init(volunteerNumber: String, start: Date, end: Date, minutes: Int? = nil, note: String? = nil) {
        self.volunteerNumber = volunteerNumber
        self.start = start
        self.end = end
        self.minutes = minutes
        self.note = note
    }
}

/// A batch that was refused: every row that breaks a rule, by its position (0-based); nothing was stored.
public struct BatchRecordingRejected: Error, Sendable {
    public struct RowError: Sendable {
        public var index: Int
        public var error: LedgerError
    }
    public var rows: [RowError]
}

extension Ledger {
    /// The most rows one batch may carry.
    public static let maxBatchEntries = 500

    /// Records hours for many volunteers on one activity (thirty volunteers served the same morning) in one
    /// transaction: each row is checked against every rule and against the rows before it; when any row
    /// fails, nothing is stored and every failing row is reported.
    public func recordServices(activityId: Int64, _ entries: [BatchRecordEntry], by principal: Principal) async throws -> [ServiceRecord] {
        guard !entries.isEmpty else {
            throw LedgerError.invalidField(field: "entries", reason: "至少填写一行 / add at least one row")
        }
        guard entries.count <= Self.maxBatchEntries else {
            throw LedgerError.invalidField(field: "entries", reason: "一次最多 \(Self.maxBatchEntries) 行 / at most \(Self.maxBatchEntries) rows at once")
        }
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            // Access to the activity is checked once, before any row, so a stranger learns nothing row by row.
            let activity = try Self.writableActivity(id: activityId, in: w, by: principal, refusal: Self.hoursRefusal)
            let context = try RecordContext.load(in: w, organizationId: activity.organizationId, now: now, deadlineDays: deadlineDays, organizations: organizations)
            var head = try w.lockChain(organizationId: activity.organizationId)
            var records: [ServiceRecord] = []
            var failures: [BatchRecordingRejected.RowError] = []
            for (index, entry) in entries.enumerated() {
                do {
                    let note = try InputCheck.optional(entry.note, field: "note", maxLength: 500)
                    let number = entry.volunteerNumber.trimmingCharacters(in: .whitespaces).uppercased()
                    let (_, volunteer) = try Self.recordingTarget(activityId: activityId, volunteerNumber: number, in: w, by: principal)
                    let start = entry.start.wholeSeconds, end = entry.end.wholeSeconds
                    let minutes = entry.minutes ?? ServiceTimeRules.spanMinutes(start: start, end: end)
                    // Once a row failed nothing will be stored, so later rows are checked without being written:
                    // their rules still run against the ledger and the rows written before.
                    if failures.isEmpty {
                        records.append(try Self.insertRecord(
                            in: w, context: context, volunteerId: volunteer.id, activity: activity, start: start, end: end,
                            minutes: minutes, note: note, source: .manual, actorId: principal.userId, recordedAt: now, chain: &head))
                    } else {
                        try Self.checkNewRecord(in: w, context: context, volunteerId: volunteer.id, activity: activity,
                                                start: start, end: end, minutes: minutes)
                    }
                } catch let error as LedgerError {
                    failures.append(.init(index: index, error: error))
                }
            }
            guard failures.isEmpty else { throw BatchRecordingRejected(rows: failures) }
            try w.advanceChain(organizationId: activity.organizationId, to: head)
            return records
        }
    }
}
