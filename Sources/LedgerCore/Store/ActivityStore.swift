import Foundation

/// Activities in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol ActivityReader {
    func activity(id: Int64) throws -> Activity?
    /// The activities with these ids, in any order, missing ones left out.
    func activities(ids: [Int64]) throws -> [Activity]
    func activities(organizationId: Int64, title: String) throws -> [Activity]
    /// Activities of an organization (nil: all), by id.
    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity]
}

extension ActivityReader {
    /// One lookup an activity; stores with a one-statement form override it.
    public func activities(ids: [Int64]) throws -> [Activity] {
        try ids.compactMap { try activity(id: $0) }
    }
}

public protocol ActivityWriter {
    func insert(_ activity: Activity) throws -> Activity
    /// Sets or clears where the activity's self check-ins are expected.
    func updateSite(activityId: Int64, site: ActivitySite?) throws
    /// Keeps the given id, for copying a ledger between backends.
    func restore(_ activity: Activity) throws
}
