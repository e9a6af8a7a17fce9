import Foundation

/// Where a volunteer stands with an organization, for its "ask to join" button.
public struct JoinStanding: Sendable, Hashable {
    public var isMember: Bool
    public var pending: JoinRequest?
    public var acceptsRequests: Bool

    public init(isMember: Bool, pending: JoinRequest?, acceptsRequests: Bool) {
        self.isMember = isMember
        self.pending = pending
        self.acceptsRequests = acceptsRequests
    }

    /// Whether the volunteer may ask now.
    public var mayAsk: Bool { !isMember && pending == nil && acceptsRequests }
}

extension Ledger {
    /// The principal volunteer asks to join an organization (申请加入), with an optional note of at most 200 characters.
    /// Refused while a request is pending, for a member, or when the organization takes no requests.
    public func askToJoin(organizationId: Int64, note: String?, by principal: Principal) async throws -> JoinRequest {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以申请加入组织 / only volunteers ask to join, for themselves")
        }
        let note = try InputCheck.optional(note, field: "note", maxLength: JoinRequest.maximumNoteLength)
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard try w.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            guard try !w.isMember(volunteerId: volunteerId, of: organizationId) else {
                throw LedgerError.alreadyMember(organizationId: organizationId)
            }
            if let pending = try w.pendingJoinRequest(organizationId: organizationId, volunteerId: volunteerId) {
                throw LedgerError.joinRequestPending(requestId: pending.id)
            }
            guard try w.organizationSettings(organizationId: organizationId)?.acceptsJoinRequests ?? true else {
                throw LedgerError.joinRequestsClosed(organizationId: organizationId)
            }
            let request = JoinRequest(id: 0, organizationId: organizationId, volunteerId: volunteerId, note: note, state: .pending,
                                      requestedAt: now)
            guard let stored = try w.insert(request) else {
                // Another process stored one between the check and the insert.
                let pending = try w.pendingJoinRequest(organizationId: organizationId, volunteerId: volunteerId)
                throw LedgerError.joinRequestPending(requestId: pending?.id ?? 0)
            }
            return stored
        }
    }

    /// An organization's join requests (pending ones by default), with who asks, for its staff and the platform; other
    /// organizations' staff get not-found.
    public func joinRequests(organizationId: Int64, state: JoinRequestState? = .pending, after: Int64?, limit: Int?,
                             by principal: Principal) async throws -> Page<JoinRequestEntry> {
        let limit = try InputCheck.limit(limit)
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        return try await store.readAllowingLag { r in
            guard let organization = try r.organization(id: organizationId) else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            let page = Page(fetched: try r.joinRequests(organizationId: organizationId, state: state, after: after, limit: limit + 1),
                            limit: limit, id: \.id)
            return Page(items: try page.items.map { request in
                let volunteer = try r.volunteer(id: request.volunteerId)
                return JoinRequestEntry(request: request, volunteerNumber: volunteer?.number ?? "", volunteerName: volunteer?.name ?? "",
                                        organizationName: organization.name)
            }, nextAfter: page.nextAfter)
        }
    }

    /// The principal volunteer's own join requests, with the organizations' names.
    public func ownJoinRequests(after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<JoinRequestEntry> {
        let limit = try InputCheck.limit(limit)
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以查看自己的加入申请 / only volunteers list their own join requests")
        }
        return try await store.readAllowingLag { r in
            let page = Page(fetched: try r.joinRequests(volunteerId: volunteerId, after: after, limit: limit + 1), limit: limit, id: \.id)
            let volunteer = try r.volunteer(id: volunteerId)
            return Page(items: try page.items.map { request in
                JoinRequestEntry(request: request, volunteerNumber: volunteer?.number ?? "", volunteerName: volunteer?.name ?? "",
                                 organizationName: try r.organization(id: request.organizationId)?.name ?? "")
            }, nextAfter: page.nextAfter)
        }
    }

    /// One join request, for the volunteer who made it and the organization's staff.
    public func joinRequest(id: Int64, by principal: Principal) async throws -> JoinRequest {
        let found = try await store.read { try $0.joinRequest(id: id) }
        guard let found, principal.role == .volunteer ? principal.volunteerId == found.volunteerId
                : AccessPolicy.canWriteOrganizationData(principal, organizationId: found.organizationId) else {
            throw LedgerError.notFound(entity: "join request", key: String(id))
        }
        return found
    }

    /// Accepts (the volunteer becomes a member) or declines (a reason is required) a pending join request of the principal's
    /// organization. Repeating a decision changes nothing; another decision of a decided request is refused.
    public func decideJoinRequest(id: Int64, _ decision: JoinRequestDecision, reason: String?,
                                  by principal: Principal) async throws -> JoinRequest {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 500)
        if decision == .decline, reason.isEmpty { throw LedgerError.reasonRequired }
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard var request = try w.joinRequest(id: id),
                  AccessPolicy.canWriteOrganizationData(principal, organizationId: request.organizationId) else {
                throw LedgerError.notFound(entity: "join request", key: String(id))
            }
            let target: JoinRequestState = decision == .accept ? .accepted : .declined
            if request.state == target { return request }
            guard request.state == .pending else { throw LedgerError.joinRequestDecided(requestId: id, state: request.state) }
            request.state = target
            request.decidedAt = now
            request.decidedBy = principal.userId
            request.reason = decision == .decline ? reason : nil
            guard try w.decide(request) else {
                throw LedgerError.joinRequestDecided(requestId: id, state: try w.joinRequest(id: id)?.state ?? target)
            }
            if decision == .accept {
                try w.insert(Membership(volunteerId: request.volunteerId, organizationId: request.organizationId, joinedAt: now))
            }
            return request
        }
    }

    /// Withdraws the principal volunteer's own pending join request.
    public func withdrawJoinRequest(id: Int64, by principal: Principal) async throws -> JoinRequest {
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard var request = try w.joinRequest(id: id), principal.role == .volunteer, principal.volunteerId == request.volunteerId else {
                throw LedgerError.notFound(entity: "join request", key: String(id))
            }
            if request.state == .withdrawn { return request }
            guard request.state == .pending else { throw LedgerError.joinRequestDecided(requestId: id, state: request.state) }
            request.state = .withdrawn
            request.decidedAt = now
            request.decidedBy = nil
            guard try w.decide(request) else {
                throw LedgerError.joinRequestDecided(requestId: id, state: try w.joinRequest(id: id)?.state ?? .withdrawn)
            }
            return request
        }
    }

    /// The principal volunteer leaves an organization (退出组织): the membership ends and is kept with its times; their
    /// service records stay with the organization. Not a member: not-found.
    public func leaveOrganization(organizationId: Int64, by principal: Principal) async throws -> MembershipEnding {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以退出组织 / only volunteers leave an organization, for themselves")
        }
        let now = self.now.wholeSeconds
        return try await store.write { w in
            guard let ending = try w.endMembership(organizationId: organizationId, volunteerId: volunteerId, at: now) else {
                throw LedgerError.notFound(entity: "membership", key: String(organizationId))
            }
            return ending
        }
    }

    /// Whether the principal volunteer is a member of the organization, has a pending request, and may ask.
    public func joinStanding(organizationId: Int64, by principal: Principal) async throws -> JoinStanding {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以申请加入组织 / only volunteers ask to join, for themselves")
        }
        return try await store.read { r in
            guard try r.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            return JoinStanding(isMember: try r.isMember(volunteerId: volunteerId, of: organizationId),
                                pending: try r.pendingJoinRequest(organizationId: organizationId, volunteerId: volunteerId),
                                acceptsRequests: try r.organizationSettings(organizationId: organizationId)?.acceptsJoinRequests ?? true)
        }
    }
}

extension Ledger {
    /// The principal volunteer's ended memberships (organizations they left), by id.
    public func ownMembershipEndings(after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<MembershipEnding> {
        let limit = try InputCheck.limit(limit)
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("只有志愿者本人可以查看 / only volunteers list their own memberships")
        }
        return try await store.read { r in
            Page(fetched: try r.membershipEndings(volunteerId: volunteerId, after: after, limit: limit + 1), limit: limit, id: \.id)
        }
    }
}
