import Foundation

/// What staff set when they open an activity for sign-up.
public struct RecruitmentInput: Sendable, Hashable {
    public var audience: RecruitmentAudience
    public var capacity: Int
    public var deadline: Date
    public var requiredSkills: [String]

    public init(audience: RecruitmentAudience, capacity: Int, deadline: Date, requiredSkills: [String] = []) {
        self.audience = audience
        self.capacity = capacity
        self.deadline = deadline
        self.requiredSkills = requiredSkills
    }
}

/// A line of an activity's roster: the sign-up and who it is.
public struct RosterEntry: Sendable, Hashable {
    public var signUp: SignUp
    public var volunteerNumber: String
    public var volunteerName: String
}

/// How staff decide a sign-up.
public enum SignUpDecision: String, Codable, Sendable, CaseIterable {
    case confirm, decline
}

extension Ledger {
    /// At most this many places per activity.
    public static let maximumCapacity = 100_000

    /// Opens an activity of the principal's organization for sign-up (招募), or changes its recruitment. The
    /// deadline falls before the activity ends. A larger capacity moves waiting sign-ups up at once; a smaller one
    /// keeps the places already taken.
    public func openForSignUp(activityId: Int64, _ input: RecruitmentInput, by principal: Principal) async throws -> Recruitment {
        guard (1...Self.maximumCapacity).contains(input.capacity) else {
            throw LedgerError.invalidField(field: "capacity", reason: "必须在 1 到 \(Self.maximumCapacity) 之间 / must be between 1 and \(Self.maximumCapacity)")
        }
        guard input.requiredSkills.count <= 20 else {
            throw LedgerError.invalidField(field: "requiredSkills", reason: "最多 20 项 / at most 20 skills")
        }
        var checked: [String] = []
        for skill in input.requiredSkills {
            let text = try InputCheck.required(skill, field: "requiredSkills", maxLength: 50)
            if !checked.contains(text) { checked.append(text) }
        }
        let skills = checked
        try LedgerDates.check(input.deadline, field: "deadline")
        let now = self.now.wholeSeconds
        return try await store.write { w in
            let activity = try Self.writableActivity(id: activityId, in: w, by: principal,
                                                     refusal: "只能管理本组织的活动 / you can only manage your own organization's activities")
            guard input.deadline <= activity.endAt else {
                let zone = try w.organization(id: activity.organizationId)?.timeZone ?? .ledgerDefault
                throw LedgerError.invalidField(field: "deadline", reason:
                    "报名截止时间不能晚于活动结束时间 \(LocalDateTime(activity.endAt, in: zone)) / the deadline must not be after the activity ends (\(LocalDateTime(activity.endAt, in: zone)))")
            }
            try w.lockActivity(id: activity.id)
            let previous = try w.recruitment(activityId: activity.id)
            let recruitment = Recruitment(activityId: activity.id, organizationId: activity.organizationId, audience: input.audience,
                                          capacity: input.capacity, deadline: input.deadline.wholeSeconds, requiredSkills: skills,
                                          openedAt: previous?.openedAt ?? now, openedBy: previous?.openedBy ?? principal.userId)
            try w.save(recruitment)
            try Self.fillPlaces(of: recruitment, in: w, now: now)
            return recruitment
        }
    }

    /// Activities taking sign-ups, for a volunteer (members-only ones of their organizations included) or anyone
    /// signed in (those open to every volunteer).
    public func openActivities(_ filter: OpenActivityFilter, after: Int64?, limit: Int?,
                               by principal: Principal) async throws -> Page<OpenActivity> {
        let limit = try InputCheck.limit(limit)
        if let prefix = filter.regionPrefix, prefix.isEmpty || prefix.count > 12 || !prefix.allSatisfy(\.isASCII) || !prefix.allSatisfy(\.isNumber) {
            throw LedgerError.invalidField(field: "region", reason: "须为 1 到 12 位数字的行政区划代码前缀 / must be 1 to 12 digits of a region code")
        }
        var filter = filter
        filter.now = now
        filter.volunteerId = principal.role == .volunteer ? principal.volunteerId : nil
        let selected = filter
        return try await store.readAllowingLag { r in
            let found = try r.openRecruitments(selected, after: after, limit: limit + 1)
            let page = Page(fetched: found, limit: limit, id: \.activityId)
            return Page(items: try page.items.compactMap { recruitment in
                try r.activity(id: recruitment.activityId).map { try Self.openActivity($0, recruitment, in: r) }
            }, nextAfter: page.nextAfter)
        }
    }

    /// An activity's recruitment with its counts, for whoever may see the activity's sign-ups or sign up for it.
    public func recruitment(activityId: Int64, by principal: Principal) async throws -> OpenActivity {
        try await store.readAllowingLag { r in
            guard let activity = try r.activity(id: activityId), let recruitment = try r.recruitment(activityId: activityId),
                  AccessPolicy.canReadOrganizationData(principal, organizationId: activity.organizationId)
                    || principal.role == .volunteer else {
                throw LedgerError.notFound(entity: "recruitment", key: String(activityId))
            }
            return try Self.openActivity(activity, recruitment, in: r)
        }
    }

    /// The activity with its recruitment and the counts of its sign-ups.
    private static func openActivity(_ activity: Activity, _ recruitment: Recruitment, in r: any LedgerReader) throws -> OpenActivity {
        let counts = try r.signUpCounts(activityId: activity.id)
        return OpenActivity(activity: activity, recruitment: recruitment, placesTaken: counts.placesTaken, waiting: counts.waiting)
    }

    /// Signs the principal's volunteer up for an activity before its deadline: a place while there is one, else
    /// the waiting list. Members-only activities take their organization's members; required skills must be held.
    public func signUp(activityId: Int64, by principal: Principal) async throws -> SignUp {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以报名 / only volunteers sign up, for themselves")
        }
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard let recruitment = try w.recruitment(activityId: activityId), recruitment.isOpen(at: now) else {
                guard try w.activity(id: activityId) != nil else { throw LedgerError.notFound(entity: "activity", key: String(activityId)) }
                throw LedgerError.signUpClosed(activityId: activityId)
            }
            guard let volunteer = try w.volunteer(id: volunteerId) else {
                throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
            }
            guard try recruitment.audience == .everyone || w.isMember(volunteerId: volunteerId, of: recruitment.organizationId) else {
                throw LedgerError.forbidden("该活动仅限本组织成员报名 / this activity takes sign-ups from the organization's members only")
            }
            let missing = recruitment.missingSkills(of: volunteer)
            guard missing.isEmpty else { throw LedgerError.missingSkills(missing) }
            try w.lockActivity(id: activityId)
            if let existing = try w.activeSignUp(activityId: activityId, volunteerId: volunteerId) {
                throw LedgerError.alreadySignedUp(signUpId: existing.id, state: existing.state)
            }
            let taken = try w.signUpCounts(activityId: activityId).placesTaken
            return try w.insert(SignUp(id: 0, activityId: activityId, organizationId: recruitment.organizationId, volunteerId: volunteerId,
                                       state: taken < recruitment.capacity ? .pending : .waitlisted, signedUpAt: now, updatedAt: now))
        }
    }

    /// Withdraws the principal's own sign-up; its place goes to the first waiting sign-up.
    public func cancelSignUp(id: Int64, by principal: Principal) async throws -> SignUp {
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard let found = try w.signUp(id: id), principal.role == .volunteer, principal.volunteerId == found.volunteerId else {
                throw LedgerError.notFound(entity: "sign-up", key: String(id))
            }
            try w.lockActivity(id: found.activityId)
            var signUp = try w.signUp(id: id) ?? found
            guard signUp.state.isActive else { throw LedgerError.signUpNotActive(signUpId: id, state: signUp.state) }
            signUp.state = .canceled
            signUp.updatedAt = now
            signUp.decidedBy = nil
            try w.update(signUp)
            if let recruitment = try w.recruitment(activityId: signUp.activityId) {
                try Self.fillPlaces(of: recruitment, in: w, now: now)
            }
            return signUp
        }
    }

    /// Confirms or declines a sign-up of the principal's organization. Confirming takes a pending one (a waiting one
    /// when a place is free) and makes the volunteer a member; declining frees its place for the first waiting.
    /// Repeating a decision changes nothing; reversing one is refused, a confirmation included: declining a confirmed
    /// sign-up would leave behind the membership its confirmation created (the volunteer may still withdraw it).
    public func decideSignUp(id: Int64, _ decision: SignUpDecision, reason: String?, by principal: Principal) async throws -> SignUp {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 500)
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard let found = try w.signUp(id: id),
                  AccessPolicy.canReadOrganizationData(principal, organizationId: found.organizationId) else {
                throw LedgerError.notFound(entity: "sign-up", key: String(id))
            }
            guard AccessPolicy.canWriteOrganizationData(principal, organizationId: found.organizationId) else {
                throw LedgerError.forbidden("只能处理本组织活动的报名 / you can only decide sign-ups for your own organization's activities")
            }
            try w.lockActivity(id: found.activityId)
            var signUp = try w.signUp(id: id) ?? found
            let target: SignUpState = decision == .confirm ? .confirmed : .declined
            if signUp.state == target { return signUp }
            // A confirmation is final: it may have made the volunteer a member, which a decline could not undo.
            guard signUp.state.isUndecided else { throw LedgerError.signUpNotActive(signUpId: id, state: signUp.state) }
            let recruitment = try w.recruitment(activityId: signUp.activityId)
            if decision == .confirm {
                if signUp.state == .waitlisted {
                    let taken = try w.signUpCounts(activityId: signUp.activityId).placesTaken
                    guard taken < (recruitment?.capacity ?? 0) else {
                        throw LedgerError.invalidField(field: "decision", reason: "名额已满，候补者不能录用 / every place is taken; a waiting sign-up cannot be confirmed")
                    }
                }
                if try !w.isMember(volunteerId: signUp.volunteerId, of: signUp.organizationId) {
                    _ = try w.insert([Membership(volunteerId: signUp.volunteerId, organizationId: signUp.organizationId, joinedAt: now)])
                }
            } else {
                guard !reason.isEmpty else { throw LedgerError.reasonRequired }
            }
            signUp.state = target
            signUp.updatedAt = now
            signUp.decidedBy = principal.userId
            signUp.reason = decision == .decline ? reason : nil
            try w.update(signUp)
            if decision == .decline, let recruitment { try Self.fillPlaces(of: recruitment, in: w, now: now) }
            return signUp
        }
    }

    /// An activity's sign-ups (the roster) with each volunteer's number and name, for its organization's staff, the
    /// platform and inspectors.
    public func signUps(activityId: Int64, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<RosterEntry> {
        let limit = try InputCheck.limit(limit)
        return try await store.readAllowingLag { r in
            guard let activity = try r.activity(id: activityId),
                  AccessPolicy.canReadOrganizationData(principal, organizationId: activity.organizationId) else {
                throw LedgerError.notFound(entity: "activity", key: String(activityId))
            }
            let page = Page(fetched: try r.signUps(activityId: activityId, after: after, limit: limit + 1), limit: limit, id: \.id)
            return Page(items: try page.items.map { signUp in
                let volunteer = try r.volunteer(id: signUp.volunteerId)
                return RosterEntry(signUp: signUp, volunteerNumber: volunteer?.number ?? "", volunteerName: volunteer?.name ?? "")
            }, nextAfter: page.nextAfter)
        }
    }

    /// One sign-up, for the volunteer who made it and whoever may read its organization's data.
    public func signUp(id: Int64, by principal: Principal) async throws -> SignUp {
        let found = try await store.read { try $0.signUp(id: id) }
        guard let found, principal.role == .volunteer ? principal.volunteerId == found.volunteerId
                : AccessPolicy.canReadOrganizationData(principal, organizationId: found.organizationId) else {
            throw LedgerError.notFound(entity: "sign-up", key: String(id))
        }
        return found
    }

    /// The principal volunteer's own sign-ups.
    public func ownSignUps(after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<SignUp> {
        let limit = try InputCheck.limit(limit)
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.invalidField(field: "activity", reason: "请指定活动 / name the activity (`activity`) whose sign-ups to list")
        }
        return try await store.read { r in
            Page(fetched: try r.signUps(volunteerId: volunteerId, after: after, limit: limit + 1), limit: limit, id: \.id)
        }
    }

    /// Gives free places to waiting sign-ups, first signed up first.
    private static func fillPlaces(of recruitment: Recruitment, in w: any LedgerWriter, now: Date) throws {
        let free = recruitment.capacity - (try w.signUpCounts(activityId: recruitment.activityId).placesTaken)
        guard free > 0 else { return }
        for var waiting in try w.waitingSignUps(activityId: recruitment.activityId, limit: free) {
            waiting.state = .pending
            waiting.updatedAt = now
            try w.update(waiting)
        }
    }

}
