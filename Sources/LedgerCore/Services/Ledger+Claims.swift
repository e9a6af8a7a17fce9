import Foundation

/// What a volunteer claims: the activity, the span and minutes of service, a note, and optionally an image of the
/// paper sign-in sheet.
public struct HoursClaimInput: Sendable {
    public var activityId: Int64
    public var start: Date
    public var end: Date
    /// Actual minutes when less than the span; default: the span.
    public var minutes: Int?
    public var note: String
    public var evidence: [UInt8]?

    public init(activityId: Int64, start: Date, end: Date, minutes: Int? = nil, note: String, evidence: [UInt8]? = nil) {
        self.activityId = activityId
        self.start = start
        self.end = end
        self.minutes = minutes
        self.note = note
        self.evidence = evidence
    }
}

extension Ledger {
    /// Submits the principal volunteer's claim for hours on an activity they may take part in. Every record rule is
    /// checked at once (the activity's window, no overlap with their records or pending claims, the daily cap), but
    /// the claim counts nowhere until staff approve it.
    public func submitHoursClaim(_ input: HoursClaimInput, by principal: Principal) async throws -> HoursClaim {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("补录申请由志愿者本人提交 / volunteers submit hour claims for themselves")
        }
        let note = try InputCheck.optional(input.note, field: "note", maxLength: 500)
        guard !note.isEmpty else {
            throw LedgerError.invalidField(field: "note", reason: "请说明为何未登记（如忘记签到、纸质签到表） / say why nothing was recorded (a forgotten sign-in, a paper sheet)")
        }
        try LedgerDates.check(input.start, field: "start")
        try LedgerDates.check(input.end, field: "end")
        let evidence = try input.evidence.map { try ClaimEvidence.checked($0) }
        let start = input.start.wholeSeconds, end = input.end.wholeSeconds
        let minutes = input.minutes ?? ServiceTimeRules.spanMinutes(start: start, end: end)
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            guard let activity = try w.activity(id: input.activityId) else {
                throw LedgerError.notFound(entity: "activity", key: String(input.activityId))
            }
            try Self.checkMayTakePart(volunteerId: volunteerId, in: activity, w)
            try w.lockVolunteer(id: volunteerId)
            let context = try RecordContext.load(in: w, organizationId: activity.organizationId, now: now, deadlineDays: deadlineDays,
                                                 organizations: organizations)
            try Self.checkNewRecord(in: w, context: context, volunteerId: volunteerId, activity: activity, start: start, end: end, minutes: minutes)
            if let other = try w.claims(organizationId: nil, volunteerId: volunteerId, state: .pending, after: nil, limit: 500)
                .first(where: { $0.startAt < end && start < $0.endAt }) {
                throw LedgerError.invalidField(field: "end", reason:
                    "与待审核的补录申请 #\(other.id) 时间重叠 / overlaps the pending hours claim #\(other.id)")
            }
            if let evidence { try w.save(evidence) }
            return try w.insert(HoursClaim(
                id: 0, activityId: activity.id, organizationId: activity.organizationId, volunteerId: volunteerId, startAt: start,
                endAt: end, minutes: minutes, note: note, evidenceHash: evidence?.hash,
                isLate: context.isLate(recordedAt: now, activity: activity), submittedAt: now))
        }
    }

    /// Claims: of the principal's organization for its staff (and all for the platform and inspectors), the
    /// principal's own for a volunteer; in one state when given.
    public func hoursClaims(state: HoursClaimState?, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<HoursClaim> {
        let limit = try InputCheck.limit(limit)
        let organizationId: Int64?, volunteerId: Int64?
        switch principal.role {
        case .volunteer:
            guard let id = principal.volunteerId else { throw LedgerError.forbidden("no volunteer behind this account") }
            (organizationId, volunteerId) = (nil, id)
        case .organizationAdmin, .organizationStaff:
            (organizationId, volunteerId) = (principal.organizationId, nil)
        case .platformAdmin, .inspector:
            (organizationId, volunteerId) = (nil, nil)
        }
        return try await store.readAllowingLag { r in
            Page(fetched: try r.claims(organizationId: organizationId, volunteerId: volunteerId, state: state, after: after, limit: limit + 1),
                 limit: limit, id: \.id)
        }
    }

    /// One claim, for its volunteer and whoever may read its organization's data.
    public func hoursClaim(id: Int64, by principal: Principal) async throws -> HoursClaim {
        let found = try await store.read { try $0.claim(id: id) }
        guard let found, Self.mayRead(found, principal) else { throw LedgerError.notFound(entity: "hours claim", key: String(id)) }
        return found
    }

    /// The image attached to a claim, for the same readers as the claim.
    public func claimEvidence(claimId: Int64, by principal: Principal) async throws -> ClaimEvidence {
        let claim = try await hoursClaim(id: claimId, by: principal)
        guard let hash = claim.evidenceHash, let evidence = try await store.read({ try $0.evidence(hash: hash) }) else {
            throw LedgerError.notFound(entity: "evidence", key: String(claimId))
        }
        return evidence
    }

    /// Approves a pending claim of the principal's organization, storing its record (source `claim`) under every rule,
    /// with `minutes` of actual service when staff adjust it (at most the claim's span), or rejects it with a reason.
    /// Deciding the same way again changes nothing, but an approval asking for other minutes than the first is refused
    /// naming both; deciding the other way is refused.
    public func decideHoursClaim(id: Int64, _ decision: ClaimDecision, reason: String?, minutes: Int? = nil,
                                 by principal: Principal) async throws -> HoursClaim {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 500)
        if minutes != nil, decision == .reject {
            throw LedgerError.invalidField(field: "minutes", reason: "只有批准时可以调整时长 / minutes adjust an approval only")
        }
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            guard let found = try w.claim(id: id), Self.mayRead(found, principal), principal.role != .volunteer else {
                throw LedgerError.notFound(entity: "hours claim", key: String(id))
            }
            guard AccessPolicy.canWriteOrganizationData(principal, organizationId: found.organizationId) else {
                throw LedgerError.forbidden("只能审核本组织活动的补录申请 / you can only decide hour claims on your own organization's activities")
            }
            // Locks in the order every writer takes them: the organization's chain, then the volunteer.
            var head = try w.lockChain(organizationId: found.organizationId)
            try w.lockVolunteer(id: found.volunteerId)
            var claim = try w.claim(id: id) ?? found
            let target: HoursClaimState = decision == .approve ? .approved : .rejected
            if claim.state == target {
                // The same approval again (say, a retried request) changes nothing; one asking for other minutes is refused.
                if decision == .approve, let recordId = claim.recordId, let record = try w.record(id: recordId) {
                    let asked = minutes ?? claim.minutes
                    guard asked == record.minutes else {
                        throw LedgerError.claimApprovedWithOtherMinutes(claimId: id, approvedMinutes: record.minutes, askedMinutes: asked)
                    }
                }
                return claim
            }
            guard claim.state == .pending else { throw LedgerError.claimDecided(claimId: id, state: claim.state) }
            if decision == .approve {
                guard let activity = try w.activity(id: claim.activityId) else {
                    throw LedgerError.notFound(entity: "activity", key: String(claim.activityId))
                }
                let context = try RecordContext.load(in: w, organizationId: claim.organizationId, now: now, deadlineDays: deadlineDays,
                                                     organizations: organizations)
                let record = try Self.insertRecord(in: w, context: context, volunteerId: claim.volunteerId, activity: activity,
                                                   start: claim.startAt, end: claim.endAt, minutes: minutes ?? claim.minutes,
                                                   note: Self.recordNote(of: claim),
                                                   source: .claim, actorId: principal.userId, recordedAt: now, chain: &head)
                try w.advanceChain(organizationId: claim.organizationId, to: head)
                claim.recordId = record.id
            } else {
                guard !reason.isEmpty else { throw LedgerError.reasonRequired }
                claim.reason = reason
            }
            claim.state = target
            claim.decidedAt = now
            claim.decidedBy = principal.userId
            try w.decide(claim)
            return claim
        }
    }

    /// Asks staff to correct the principal volunteer's pending claim (e.g. the time they really left an activity whose
    /// check-out they forgot); the latest ask replaces an earlier one and staff see it beside the claim.
    public func requestClaimCorrection(id: Int64, note: String, by principal: Principal) async throws -> HoursClaim {
        let note = try InputCheck.optional(note, field: "note", maxLength: 500)
        guard !note.isEmpty else {
            throw LedgerError.invalidField(field: "note", reason: "请说明要更正什么（如实际离开时间） / say what to correct (such as when you really left)")
        }
        return try await store.write { w in
            guard let found = try w.claim(id: id), principal.role == .volunteer, principal.volunteerId == found.volunteerId else {
                throw LedgerError.notFound(entity: "hours claim", key: String(id))
            }
            var claim = found
            guard claim.state == .pending else { throw LedgerError.claimDecided(claimId: id, state: claim.state) }
            claim.correction = note
            try w.saveCorrection(claim)
            return claim
        }
    }

    /// The note of an approved claim's record: the claim's, with the volunteer's correction when they asked for one.
    static func recordNote(of claim: HoursClaim) -> String {
        guard let correction = claim.correction, !correction.isEmpty else { return claim.note }
        return String((claim.note + " / " + correction).prefix(500))
    }

    private static func mayRead(_ claim: HoursClaim, _ principal: Principal) -> Bool {
        principal.role == .volunteer ? principal.volunteerId == claim.volunteerId
            : AccessPolicy.canReadOrganizationData(principal, organizationId: claim.organizationId)
    }
}

extension Ledger {
    /// How far back a volunteer may claim hours.
    public static let claimWindow: TimeInterval = 90 * 24 * 3600

    /// The activities the principal volunteer may claim hours on: of their organizations, or with their confirmed
    /// sign-up, that started before now and ended at most 90 days ago; latest first.
    public func claimableActivities(by principal: Principal) async throws -> [Activity] {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("补录申请由志愿者本人提交 / volunteers submit hour claims for themselves")
        }
        let now = self.now
        return try await store.readAllowingLag { r in
            var found: [Int64: Activity] = [:]
            for membership in try r.memberships(volunteerId: volunteerId) {
                var after: Int64?
                repeat {
                    let page = try r.activities(organizationId: membership.organizationId, after: after, limit: 500)
                    for activity in page where activity.startAt < now && activity.endAt > now.addingTimeInterval(-Self.claimWindow) {
                        found[activity.id] = activity
                    }
                    after = page.count == 500 ? page.last?.id : nil
                } while after != nil
            }
            for signUp in try r.signUps(volunteerId: volunteerId, after: nil, limit: 500) where signUp.state == .confirmed {
                if let activity = try r.activity(id: signUp.activityId), activity.startAt < now,
                   activity.endAt > now.addingTimeInterval(-Self.claimWindow) {
                    found[activity.id] = activity
                }
            }
            return found.values.sorted { ($0.startAt, $0.id) > ($1.startAt, $1.id) }
        }
    }
}
