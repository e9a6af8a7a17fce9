import Foundation
import Synchronization

/// Organizations by id, kept for the life of the process. The ledger never changes or removes an organization
/// once it is registered (ids are never reused), so an organization read once stays right in every process,
/// and a write or a page that needs its time zone skips a round trip to the database.
public final class OrganizationCache: Sendable {
    private let entries = Mutex<[Int64: Organization]>([:])
    /// Far above a city's 9,000 organizations; past it the cache starts over.
    static let capacity = 100_000

    public init() {}

    /// The organization from the cache, or from `reader` (and then cached); nil if there is none.
    func organization(id: Int64, in reader: any LedgerReader) throws -> Organization? {
        if let known = entries.withLock({ $0[id] }) { return known }
        guard let found = try reader.organization(id: id) else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = found
        }
        return found
    }

    /// Whatever of `ids` is cached.
    func cached(_ ids: Set<Int64>) -> [Int64: Organization] {
        entries.withLock { entries in
            var found: [Int64: Organization] = [:]
            for id in ids { if let organization = entries[id] { found[id] = organization } }
            return found
        }
    }
}
