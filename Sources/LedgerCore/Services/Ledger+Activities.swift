import Foundation

/// What an organization enters to publish an activity.
public struct ActivityInput: Codable, Sendable {
    public var title: String
    public var content: String
    public var category: ServiceCategory
    public var place: String
    public var start: Date
    public var end: Date
    public var leader: String

    public init(title: String, content: String, category: ServiceCategory, place: String, start: Date, end: Date,
                leader: String) {
        self.title = title
        self.content = content
        self.category = category
        self.place = place
        self.start = start
        self.end = end
        self.leader = leader
    }
}

extension Ledger {
    /// Publishes an activity of `organizationId`.
    public func createActivity(_ input: ActivityInput, organizationId: Int64, by principal: Principal) async throws -> Activity {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能为本组织发布活动 / activities can only be published for your own organization")
        }
        let start = input.start.wholeSeconds
        let end = input.end.wholeSeconds
        try LedgerDates.check(start, field: "start")
        try LedgerDates.check(end, field: "end")
        guard end > start else { throw LedgerError.endNotAfterStart }
        let activity = Activity(
            id: 0, organizationId: organizationId,
            title: try InputCheck.required(input.title, field: "title", maxLength: 100),
            content: try InputCheck.required(input.content, field: "content", maxLength: 2000),
            category: input.category,
            place: try InputCheck.required(input.place, field: "place", maxLength: 200),
            startAt: start, endAt: end,
            leader: try InputCheck.required(input.leader, field: "leader", maxLength: 50),
            createdAt: now)
        return try await store.write { w in
            guard try w.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            return try w.insert(activity)
        }
    }

    public func activity(id: Int64, by principal: Principal) async throws -> Activity {
        let activity = try await store.read { try $0.activity(id: id) }
        guard let activity, AccessPolicy.canReadOrganizationData(principal, organizationId: activity.organizationId) else {
            throw LedgerError.notFound(entity: "activity", key: String(id))
        }
        return activity
    }

    /// Activities of one organization, or of all for the platform and inspectors.
    public func activities(organizationId: Int64?, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<Activity> {
        let scope = organizationId ?? principal.organizationId
        if let scope {
            guard AccessPolicy.canReadOrganizationData(principal, organizationId: scope) else {
                throw LedgerError.forbidden("只能查看本组织的活动 / you can only read your own organization's activities")
            }
        } else if !(principal.role == .platformAdmin || principal.role == .inspector) {
            throw LedgerError.forbidden("请指定组织 / name an organization")
        }
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.activities(organizationId: scope, after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }
}
