import Foundation
import LedgerCore
import Testing

/// Wrong passwords: free at first, then doubling delays, capped per account so its owner is never locked out long.
@Suite struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func delaysStartAfterTheFreeAttemptsAndDouble() {
        let throttle = LoginThrottle()
        for _ in 0..<4 { throttle.recordFailure(account: "alice", address: "10.0.0.1", now: start) }
        #expect(throttle.delay(account: "alice", address: "10.0.0.1", now: start) == nil)
        throttle.recordFailure(account: "alice", address: "10.0.0.1", now: start)
        #expect(throttle.delay(account: "alice", address: "10.0.0.1", now: start) == 1)
        throttle.recordFailure(account: "alice", address: "10.0.0.1", now: start)
        #expect(throttle.delay(account: "alice", address: "10.0.0.1", now: start) == 2)
        throttle.recordFailure(account: "Alice ", address: "10.0.0.1", now: start)
        #expect(throttle.delay(account: "alice", address: "10.0.0.2", now: start) == 4, "names are compared as typed, case and spaces aside")
        #expect(throttle.delay(account: "alice", address: nil, now: start.addingTimeInterval(5)) == nil, "the delay passes")
    }

    @Test func anAccountIsNeverLockedForMoreThanAMinute() {
        let throttle = LoginThrottle()
        for _ in 0..<40 { throttle.recordFailure(account: "bob", address: nil, now: start) }
        #expect(throttle.delay(account: "bob", address: nil, now: start) == 60)
        #expect(throttle.delay(account: "bob", address: nil, now: start.addingTimeInterval(61)) == nil)
    }

    @Test func oneAddressTryingManyAccountsIsSlowedDown() {
        let throttle = LoginThrottle()
        for n in 0..<25 { throttle.recordFailure(account: "user\(n)", address: "203.0.113.9", now: start) }
        #expect(throttle.delay(account: "someone-else", address: "203.0.113.9", now: start) == 32)
        #expect(throttle.delay(account: "someone-else", address: "198.51.100.1", now: start) == nil)
    }

    @Test func aSuccessClearsTheAccount() {
        let throttle = LoginThrottle()
        for _ in 0..<8 { throttle.recordFailure(account: "carol", address: nil, now: start) }
        throttle.recordSuccess(account: "carol")
        #expect(throttle.delay(account: "carol", address: nil, now: start) == nil)
    }
}
