import Foundation
import Synchronization

/// Slows down password guessing: after a few wrong passwords for one account, or from one client address,
/// each further attempt must wait a delay that doubles with every failure. The delay per account is capped
/// at a minute, so an attacker who knows a user name can slow its owner down but never lock them out for
/// long; the cap per address is higher, since a guesser trying many accounts comes from few addresses.
/// A successful login clears the account's count. State is kept in this process.
public final class LoginThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures allowed before delays start.
        public var freeAttempts: Int
        /// The first delay; each further failure doubles it.
        public var firstDelay: TimeInterval
        public var maxDelay: TimeInterval
        /// A count is forgotten this long after its last failure.
        public var forgetAfter: TimeInterval

        public init(freeAttempts: Int, firstDelay: TimeInterval, maxDelay: TimeInterval, forgetAfter: TimeInterval) {
            self.freeAttempts = freeAttempts
            self.firstDelay = firstDelay
            self.maxDelay = maxDelay
            self.forgetAfter = forgetAfter
        }

        public static let perAccount = Policy(freeAttempts: 5, firstDelay: 1, maxDelay: 60, forgetAfter: 15 * 60)
        public static let perAddress = Policy(freeAttempts: 20, firstDelay: 1, maxDelay: 15 * 60, forgetAfter: 60 * 60)
    }

    private struct Entry {
        var failures: Int
        var lastFailure: Date
    }

    private struct State {
        var accounts: [String: Entry] = [:]
        var addresses: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    private let accountPolicy: Policy
    private let addressPolicy: Policy
    /// Entries kept at most, per kind; the oldest are dropped first, so memory stays bounded under a flood.
    private let capacity: Int

    public init(perAccount: Policy = .perAccount, perAddress: Policy = .perAddress, capacity: Int = 100_000) {
        self.accountPolicy = perAccount
        self.addressPolicy = perAddress
        self.capacity = capacity
    }

    /// Seconds to wait before `account` may try again from `address`; nil when it may try now.
    public func delay(account: String, address: String?, now: Date) -> Int? {
        state.withLock { state in
            let waits = [Self.wait(state.accounts[Self.key(account)], accountPolicy, now),
                         address.flatMap { Self.wait(state.addresses[$0], addressPolicy, now) }].compactMap { $0 }
            guard let longest = waits.max(), longest > 0 else { return nil }
            return Int(longest.rounded(.up))
        }
    }

    public func recordFailure(account: String, address: String?, now: Date) {
        state.withLock { state in
            Self.bump(&state.accounts, Self.key(account), accountPolicy, now, capacity)
            if let address { Self.bump(&state.addresses, address, addressPolicy, now, capacity) }
        }
    }

    public func recordSuccess(account: String) {
        _ = state.withLock { $0.accounts.removeValue(forKey: Self.key(account)) }
    }

    /// The remaining wait of an entry.
    private static func wait(_ entry: Entry?, _ policy: Policy, _ now: Date) -> TimeInterval? {
        guard let entry, entry.failures >= policy.freeAttempts, now.timeIntervalSince(entry.lastFailure) < policy.forgetAfter else { return nil }
        let exponent = min(entry.failures - policy.freeAttempts, 30)
        let delay = min(policy.firstDelay * pow(2, Double(exponent)), policy.maxDelay)
        return delay - now.timeIntervalSince(entry.lastFailure)
    }

    private static func bump(_ entries: inout [String: Entry], _ key: String, _ policy: Policy, _ now: Date, _ capacity: Int) {
        var entry = entries[key] ?? Entry(failures: 0, lastFailure: now)
        if now.timeIntervalSince(entry.lastFailure) >= policy.forgetAfter { entry.failures = 0 }
        entry.failures += 1
        entry.lastFailure = now
        entries[key] = entry
        if entries.count > capacity {
            let stale = entries.sorted { $0.value.lastFailure < $1.value.lastFailure }.prefix(entries.count - capacity * 9 / 10)
            for (key, _) in stale { entries.removeValue(forKey: key) }
        }
    }

    private static func key(_ account: String) -> String {
        String(account.trimmingCharacters(in: .whitespaces).lowercased().prefix(64))
    }
}
