import Foundation

/// What staff enter to record hours by hand. `minutes` defaults to the whole span.
public struct RecordInput: Codable, Sendable {
    public var volunteerNumber: String
    public var activityId: Int64
    public var start: Date
    public var end: Date
    public var minutes: Int?
    public var note: String?

    public init(volunteerNumber: String, activityId: Int64, start: Date, end: Date, minutes: Int? = nil, note: String? = nil) {
        self.volunteerNumber = volunteerNumber
        self.activityId = activityId
        self.start = start
        self.end = end
        self.minutes = minutes
        self.note = note
    }
}

/// A correction: the fields that change, and why.
public struct RecordCorrection: Codable, Sendable {
    public var start: Date?
    public var end: Date?
    public var minutes: Int?
    public var note: String?
    public var reason: String

    public init(start: Date? = nil, end: Date? = nil, minutes: Int? = nil, note: String? = nil, reason: String) {
        self.start = start
        self.end = end
        self.minutes = minutes
        self.note = note
        self.reason = reason
    }
}

/// The ledger state a record check needs, resolved once per transaction (or once per import).
struct RecordContext {
    var organization: Organization
    var calendar: WorkingDayCalendar
    var deadlineWorkingDays: Int
    var now: Date
    /// Recording deadlines by activity, so an import computes each once.
    let deadlines = DeadlineCache()

    /// Whether a record of `activity` entered at `recordedAt` is late.
    func isLate(recordedAt: Date, activity: Activity) -> Bool {
        let timeZone = organization.timeZone
        let deadline = deadlines.deadline(for: activity.id) {
            calendar.deadline(after: LocalDate(activity.endAt, in: timeZone), workingDays: deadlineWorkingDays)
        }
        return LocalDate(recordedAt, in: timeZone) > deadline
    }
}

/// Memoized deadlines, used within one transaction.
final class DeadlineCache {
    private var byActivity: [Int64: LocalDate] = [:]

    func deadline(for activityId: Int64, compute: () -> LocalDate) -> LocalDate {
        if let known = byActivity[activityId] { return known }
        let value = compute()
        byActivity[activityId] = value
        return value
    }
}

extension Ledger {
    /// Records hours of a member volunteer on an activity of the principal's organization.
    public func recordService(_ input: RecordInput, by principal: Principal) async throws -> ServiceRecord {
        let note = try InputCheck.optional(input.note, field: "note", maxLength: 500)
        let number = input.volunteerNumber.trimmingCharacters(in: .whitespaces).uppercased()
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            let (activity, volunteer) = try Self.recordingTarget(activityId: input.activityId, volunteerNumber: number, in: w, by: principal)
            let context = try RecordContext.load(in: w, organizationId: activity.organizationId, now: now, deadlineDays: deadlineDays, organizations: organizations)
            let start = input.start.wholeSeconds
            let end = input.end.wholeSeconds
            let minutes = input.minutes ?? ServiceTimeRules.spanMinutes(start: start, end: end)
            var head = try w.lockChain(organizationId: activity.organizationId)
            let record = try Self.insertRecord(
                in: w, context: context, volunteerId: volunteer.id, activity: activity, start: start, end: end,
                minutes: minutes, note: note, source: .manual, actorId: principal.userId, recordedAt: now, chain: &head)
            try w.advanceChain(organizationId: activity.organizationId, to: head)
            return record
        }
    }

    /// An activity the principal may change: 404 when they may not read it (so that ids reveal nothing), 403 with
    /// `refusal` when they may read but not write it.
    static func writableActivity(id: Int64, in r: any LedgerReader, by principal: Principal, refusal: String) throws -> Activity {
        guard let activity = try r.activity(id: id),
              AccessPolicy.canReadOrganizationData(principal, organizationId: activity.organizationId) else {
            throw LedgerError.notFound(entity: "activity", key: String(id))
        }
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: activity.organizationId) else {
            throw LedgerError.forbidden(refusal)
        }
        return activity
    }

    /// Why staff of another organization may not record hours on an activity they can read.
    static let hoursRefusal = "只能为本组织的活动登记时长 / hours can only be recorded on your own organization's activities"

    /// The activity and volunteer that hours (or a check-in) are recorded for: 404 when the principal may not
    /// read the activity, 403 when they may read but not write it; the volunteer must be a member of its organization.
    static func recordingTarget(activityId: Int64, volunteerNumber number: String, in w: any LedgerWriter,
                                by principal: Principal) throws -> (Activity, Volunteer) {
        let activity = try writableActivity(id: activityId, in: w, by: principal, refusal: hoursRefusal)
        guard let (volunteer, isMember) = try w.volunteer(number: number, memberOf: activity.organizationId) else {
            throw LedgerError.notFound(entity: "volunteer", key: number)
        }
        guard isMember else { throw LedgerError.notAMember(volunteerNumber: number) }
        return (activity, volunteer)
    }

    /// Checks a new record against every rule: its times against the activity and the clock, then the ledger.
    static func checkNewRecord(in w: any LedgerWriter, context: RecordContext, volunteerId: Int64, activity: Activity,
                               start: Date, end: Date, minutes: Int) throws {
        let timeZone = context.organization.timeZone
        try ServiceTimeRules.check(start: start, end: end, minutes: minutes, activity: activity, timeZone: timeZone, now: context.now)
        try checkAgainstLedger(in: w, volunteerId: volunteerId, start: start, end: end, minutes: minutes,
                               timeZone: timeZone, excluding: nil)
    }

    /// Checks a new record against every rule and stores it with its first revision.
    static func insertRecord(in w: any LedgerWriter, context: RecordContext, volunteerId: Int64, activity: Activity,
                             start: Date, end: Date, minutes: Int, note: String, source: RecordSource,
                             actorId: Int64?, recordedAt: Date, chain head: inout ChainHead) throws -> ServiceRecord {
        try checkNewRecord(in: w, context: context, volunteerId: volunteerId, activity: activity, start: start, end: end, minutes: minutes)
        let late = context.isLate(recordedAt: recordedAt, activity: activity)
        let record = try w.insert(ServiceRecord(
            id: 0, volunteerId: volunteerId, activityId: activity.id, organizationId: activity.organizationId,
            startAt: start, endAt: end, minutes: minutes, source: source, note: note, recordedBy: actorId,
            recordedAt: recordedAt, isLate: late, isVoid: false, revision: 1))
        var revision = RecordRevision(recordId: record.id, revision: 1, kind: .created, startAt: start, endAt: end,
                                      minutes: minutes, note: note, reason: "", actorId: actorId, at: recordedAt,
                                      chainSequence: 0, digest: "")
        head = AuditChain.link(&revision, after: head, organizationId: activity.organizationId,
                               volunteerId: volunteerId, activityId: activity.id)
        try w.append(revision, organizationId: activity.organizationId)
        try w.enqueueLogEntries([LogEntry.revision(revision, organizationId: activity.organizationId, late: late).bytes])
        return record
    }

    /// The rules that need the ledger: no overlap with the volunteer's other records (in any
    /// organization) and at most 24 hours on the calendar day the service starts.
    static func checkAgainstLedger(in w: any LedgerWriter, volunteerId: Int64, start: Date, end: Date, minutes: Int,
                                   timeZone: TimeZone, excluding recordId: Int64?) throws {
        try w.lockVolunteer(id: volunteerId)
        let day = LocalDate(start, in: timeZone)
        let existing = try w.existingService(volunteerId: volunteerId, start: start, end: end, dayStart: day.startOfDay(in: timeZone),
                                             dayEnd: day.adding(days: 1).startOfDay(in: timeZone), excluding: recordId)
        if let other = existing.overlapping {
            let otherZone = try w.organization(id: other.organizationId)?.timeZone ?? timeZone
            throw LedgerError.overlapsRecord(recordId: other.id,
                                             start: LocalDateTime(other.startAt, in: otherZone).description,
                                             end: LocalDateTime(other.endAt, in: otherZone).description)
        }
        if existing.minutesOnDay + minutes > ServiceTimeRules.dailyLimitMinutes {
            throw LedgerError.dailyLimitExceeded(day: day.description, alreadyMinutes: existing.minutesOnDay)
        }
    }

    /// Corrects a record by appending a revision; the earlier revisions stay in its history.
    public func correctRecord(id: Int64, _ correction: RecordCorrection, by principal: Principal) async throws -> ServiceRecord {
        let reason = try InputCheck.optional(correction.reason, field: "reason", maxLength: 500)
        guard !reason.isEmpty else { throw LedgerError.reasonRequired }
        let note = try correction.note.map { try InputCheck.optional($0, field: "note", maxLength: 500) }
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            var record = try Self.writableRecord(id: id, in: w, by: principal, requireAdmin: false)
            guard !record.isVoid else { throw LedgerError.recordVoided(recordId: id) }
            // Locks in the order every writer takes them: the organization's chain, then the volunteer.
            _ = try w.lockChain(organizationId: record.organizationId)
            guard let activity = try w.activity(id: record.activityId) else {
                throw LedgerError.notFound(entity: "activity", key: String(record.activityId))
            }
            let context = try RecordContext.load(in: w, organizationId: record.organizationId, now: now, deadlineDays: deadlineDays, organizations: organizations)
            let start = correction.start?.wholeSeconds ?? record.startAt
            let end = correction.end?.wholeSeconds ?? record.endAt
            let timesChanged = start != record.startAt || end != record.endAt
            let minutes = correction.minutes
                ?? (timesChanged ? min(record.minutes, ServiceTimeRules.spanMinutes(start: start, end: end)) : record.minutes)
            let newNote = note ?? record.note
            guard timesChanged || minutes != record.minutes || newNote != record.note else {
                throw LedgerError.nothingChanged
            }
            try ServiceTimeRules.check(start: start, end: end, minutes: minutes, activity: activity,
                                       timeZone: context.organization.timeZone, now: now)
            try Self.checkAgainstLedger(in: w, volunteerId: record.volunteerId, start: start, end: end, minutes: minutes,
                                        timeZone: context.organization.timeZone, excluding: record.id)
            record.startAt = start
            record.endAt = end
            record.minutes = minutes
            record.note = newNote
            return try Self.appendRevision(.corrected, to: record, reason: reason, actorId: principal.userId, at: now, in: w)
        }
    }

    /// Voids a record (organization admins and the platform); voiding is a revision too.
    public func voidRecord(id: Int64, reason: String, by principal: Principal) async throws -> ServiceRecord {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 500)
        guard !reason.isEmpty else { throw LedgerError.reasonRequired }
        let now = self.now
        return try await store.write { w in
            var record = try Self.writableRecord(id: id, in: w, by: principal, requireAdmin: true)
            guard !record.isVoid else { throw LedgerError.recordVoided(recordId: id) }
            record.isVoid = true
            return try Self.appendRevision(.voided, to: record, reason: reason, actorId: principal.userId, at: now, in: w)
        }
    }

    private static func writableRecord(id: Int64, in w: any LedgerWriter, by principal: Principal,
                                       requireAdmin: Bool) throws -> ServiceRecord {
        // Those who may read the record (its volunteer too) learn that they may not change it; others, that it is not there.
        guard let record = try w.record(id: id), canRead(record, principal) else {
            throw LedgerError.notFound(entity: "record", key: String(id))
        }
        let allowed = requireAdmin
            ? AccessPolicy.canAdministerOrganization(principal, organizationId: record.organizationId)
            : AccessPolicy.canWriteOrganizationData(principal, organizationId: record.organizationId)
        guard allowed else {
            throw LedgerError.forbidden(requireAdmin
                ? "只有本组织管理员可以作废记录 / only the organization's admins can void records"
                : "只能更正本组织的记录 / you can only correct your own organization's records")
        }
        return record
    }

    /// Appends a correction or voiding revision to the audit chain and stores the record's new current state.
    static func appendRevision(_ kind: RevisionKind, to updated: ServiceRecord, reason: String, actorId: Int64?,
                                       at: Date, in w: any LedgerWriter) throws -> ServiceRecord {
        var record = updated
        record.revision += 1
        var head = try w.lockChain(organizationId: record.organizationId)
        var revision = RecordRevision(recordId: record.id, revision: record.revision, kind: kind, startAt: record.startAt,
                                      endAt: record.endAt, minutes: record.minutes, note: record.note, reason: reason,
                                      actorId: actorId, at: at, chainSequence: 0, digest: "")
        head = AuditChain.link(&revision, after: head, organizationId: record.organizationId,
                               volunteerId: record.volunteerId, activityId: record.activityId)
        try w.append(revision, organizationId: record.organizationId)
        try w.enqueueLogEntries([LogEntry.revision(revision, organizationId: record.organizationId).bytes])
        try w.advanceChain(organizationId: record.organizationId, to: head)
        try w.updateCurrentState(record)
        return record
    }

    /// A record, for staff of its organization, the platform, inspectors and the volunteer themselves.
    public func record(id: Int64, by principal: Principal) async throws -> ServiceRecord {
        let record = try await store.read { try $0.record(id: id) }
        guard let record, Self.canRead(record, principal) else {
            throw LedgerError.notFound(entity: "record", key: String(id))
        }
        return record
    }

    /// The full history of a record, oldest revision first.
    public func history(recordId: Int64, by principal: Principal) async throws -> [RecordRevision] {
        _ = try await record(id: recordId, by: principal)
        return try await store.readAllowingLag { try $0.revisions(recordId: recordId) }
    }

    /// Records matching `filter`, narrowed to what `principal` may read.
    public func records(_ filter: RecordFilter, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<ServiceRecord> {
        let filter = try recordFilter(filter, visibleTo: principal)
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.records(filter, after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    static func canRead(_ record: ServiceRecord, _ principal: Principal) -> Bool {
        if principal.role == .volunteer { return principal.volunteerId == record.volunteerId }
        return AccessPolicy.canReadOrganizationData(principal, organizationId: record.organizationId)
    }

    /// Restricts a filter to the principal's own organization or own records.
    public func recordFilter(_ filter: RecordFilter, visibleTo principal: Principal) throws -> RecordFilter {
        var filter = filter
        switch principal.role {
        case .platformAdmin, .inspector:
            break
        case .organizationAdmin, .organizationStaff:
            if let requested = filter.organizationId, requested != principal.organizationId {
                throw LedgerError.forbidden("只能查看本组织的记录 / you can only read your own organization's records")
            }
            filter.organizationId = principal.organizationId ?? -1
        case .volunteer:
            if let requested = filter.volunteerId, requested != principal.volunteerId {
                throw LedgerError.forbidden("只能查看自己的记录 / you can only read your own records")
            }
            filter.volunteerId = principal.volunteerId ?? -1
        }
        return filter
    }
}

extension RecordContext {
    static func load(in r: any LedgerReader, organizationId: Int64, now: Date, deadlineDays: Int,
                     organizations: OrganizationCache) throws -> RecordContext {
        guard let organization = try organizations.organization(id: organizationId, in: r) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        let entries = try r.holidays()
        let calendar = WorkingDayCalendar(holidays: Set(entries.filter { !$0.isWorkday }.map(\.date)),
                                          adjustedWorkdays: Set(entries.filter(\.isWorkday).map(\.date)))
        return RecordContext(organization: organization, calendar: calendar, deadlineWorkingDays: deadlineDays, now: now)
    }
}
