import Foundation

/// A page of public activities and where the next one starts.
public struct PublicActivityPage: Sendable {
    public var items: [PublicActivity]
    public var next: PublicActivityCursor?

    public init(items: [PublicActivity], next: PublicActivityCursor?) {
        self.items = items
        self.next = next
    }
}

extension Ledger {
    /// At most this many characters of a search keyword.
    public static let maximumKeywordLength = 50

    /// Activities anyone may find without a login (公开活动): opened for sign-up to every volunteer, not ended, before
    /// their deadline; closing soonest first. Only what the public may see: no person's data.
    public func publicActivities(_ filter: PublicActivityFilter, after cursor: PublicActivityCursor?,
                                 limit: Int?) async throws -> PublicActivityPage {
        let limit = try InputCheck.limit(limit)
        var filter = filter
        filter.now = now
        if let prefix = filter.regionPrefix {
            guard !prefix.isEmpty, prefix.count <= 12, prefix.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw LedgerError.invalidField(field: "region", reason: "须为 1 到 12 位数字的行政区划代码前缀 / must be 1 to 12 digits of a region code")
            }
        }
        if let keyword = filter.keyword {
            let text = try InputCheck.optional(keyword, field: "q", maxLength: Self.maximumKeywordLength)
            filter.keyword = text.isEmpty ? nil : text
        }
        if let from = filter.startsFrom, let before = filter.startsBefore, before <= from {
            throw LedgerError.invalidField(field: "to", reason: "结束日期不能早于开始日期 / the last day must not be before the first")
        }
        let selected = filter
        return try await store.readAllowingLag { r in
            let found = try r.publicActivities(selected, after: cursor, limit: limit + 1)
            let items = found.prefix(limit).map { item in
                var item = item
                item.openNow = item.isOpen(at: selected.now)
                return item
            }
            return PublicActivityPage(items: items, next: found.count > limit ? items.last?.cursor : nil)
        }
    }

    /// One activity opened for sign-up, as the public sees it (its recruitment may be closed or for members only).
    public func publicActivity(id: Int64) async throws -> PublicActivity {
        guard var found = try await store.readAllowingLag({ try $0.publicActivity(id: id) }) else {
            throw LedgerError.notFound(entity: "activity", key: String(id))
        }
        found.openNow = found.isOpen(at: now)
        return found
    }
}

extension Ledger {
    /// The principal volunteer's pending, confirmed or waiting sign-up for the activity, if any (for the activity's page).
    public func ownActiveSignUp(activityId: Int64, by principal: Principal) async throws -> SignUp? {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else { return nil }
        return try await store.read { try $0.activeSignUp(activityId: activityId, volunteerId: volunteerId) }
    }
}
