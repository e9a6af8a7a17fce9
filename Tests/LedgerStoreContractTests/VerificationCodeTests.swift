import Crypto
import Foundation
import LedgerCore
import Synchronization
import Testing

/// One-time codes on both stores: six digits sent through the message sender, stored only as a keyed hash, valid five
/// minutes for five tries, bound to a purpose and a destination, and counted across server processes sharing the store.
@Suite("Verification codes")
struct VerificationCodeTests {
    /// A clock the test moves.
    final class Clock: Sendable {
        private let time = Mutex(Make.now)
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let key = SymmetricKey(data: Data(repeating: 7, count: 32))
    static let phone = try! MessageRecipient.phone(checking: "+86 138-0013-8000")

    /// A ledger that sends through `outbox`; `lenient` throttles let a test make many tries.
    static func ledger(_ t: TestStore, outbox: DevelopmentOutbox, clock: Clock, lenient: Bool = false) -> Ledger {
        var ledger = t.ledger(clock: { clock.now })
        ledger.messages = outbox
        let loose = LoginThrottle.Policy(freeAttempts: 1000, firstDelay: 1, maxDelay: 1, forgetAfter: 1)
        ledger.verificationCodes = lenient
            ? VerificationCodeSettings(key: key, platformName: "测试平台", issueThrottle: LoginThrottle(perAccount: loose, perAddress: loose),
                                       verifyThrottle: LoginThrottle(perAccount: loose, perAddress: loose))
            : VerificationCodeSettings(key: key, platformName: "测试平台")
        return ledger
    }

    /// The code of the newest message in `outbox`.
    static func lastCode(_ outbox: DevelopmentOutbox) throws -> String {
        try #require(outbox.entries.first?.message.parameters["code"])
    }

    @Test(arguments: Backend.all)
    func aCodeIsSentStoredAsAHashAndUsedOnceForItsPurposeAndDestination(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox, clock: Clock())
            let sent = try await ledger.sendVerificationCode(purpose: .register, to: Self.phone, language: .zh, clientAddress: "10.0.0.1")
            #expect(sent.maskedDestination == "138****8000" && sent.expiresAt == Make.now.addingTimeInterval(300))
            let message = try #require(outbox.entries.first?.message)
            let code = try Self.lastCode(outbox)
            #expect(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(message.recipient == .phone("13800138000") && message.kind == "verification-code")
            #expect(message.body.contains(code) && message.body.contains("5 分钟") && message.subject.contains("测试平台"))

            // Only a keyed hash is stored, bound to purpose and destination.
            let stored = try #require(try await t.store.read { try $0.verificationCode(purpose: .register, destination: "phone:13800138000") })
            #expect(stored.codeHash.count == 64 && !stored.codeHash.contains(code) && stored.attempts == 0)
            #expect(stored.codeHash == VerificationCodeSettings(key: Self.key, platformName: "")
                .hash(code: code, purpose: .register, destination: "phone:13800138000"))

            // Another purpose or another phone does not take it; those tries do not touch this code.
            await expectLedgerErrorCode("verification-code-expired") {
                try await ledger.consumeVerificationCode(purpose: .resetPassword, destination: Self.phone, code: code)
            }
            await expectLedgerErrorCode("verification-code-expired") {
                try await ledger.consumeVerificationCode(purpose: .register, destination: .phone("13800138001"), code: code)
            }
            // Typed with spaces, by the number spelled another way, it is accepted once.
            try await ledger.consumeVerificationCode(purpose: .register, destination: try .phone(checking: "13800138000"),
                                                     code: " \(code.prefix(3)) \(code.dropFirst(3)) ")
            await expectLedgerErrorCode("verification-code-expired") {
                try await ledger.consumeVerificationCode(purpose: .register, destination: Self.phone, code: code)
            }
            #expect(try await t.store.read { try $0.verificationCode(purpose: .register, destination: "phone:13800138000") } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func aCodeExpiresAfterFiveMinutesAndANewOneReplacesIt(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let clock = Clock()
            let ledger = Self.ledger(t, outbox: outbox, clock: clock)
            _ = try await ledger.sendVerificationCode(purpose: .changePhone, to: Self.phone)
            let first = try Self.lastCode(outbox)
            clock.advance(301)
            await expectLedgerErrorCode("verification-code-expired") {
                try await ledger.consumeVerificationCode(purpose: .changePhone, destination: Self.phone, code: first)
            }
            // A new code replaces the old one (which no longer works) and is good for its own five minutes.
            _ = try await ledger.sendVerificationCode(purpose: .changePhone, to: Self.phone)
            let second = try Self.lastCode(outbox)
            clock.advance(299)
            if first != second {
                await expectLedgerErrorCode("verification-code-wrong") {
                    try await ledger.consumeVerificationCode(purpose: .changePhone, destination: Self.phone, code: first)
                }
            }
            try await ledger.consumeVerificationCode(purpose: .changePhone, destination: Self.phone, code: second)

            // Codes expired long ago are forgotten by the periodic clean-up, fresh ones kept.
            _ = try await ledger.sendVerificationCode(purpose: .register, to: .email("a@example.cn"))
            clock.advance(2 * 3600)
            _ = try await ledger.sendVerificationCode(purpose: .register, to: .email("b@example.cn"))
            #expect(try await ledger.deleteExpiredVerificationCodes() == 1)
            #expect(try await t.store.read { try $0.verificationCode(purpose: .register, destination: "email:a@example.cn") } == nil)
            #expect(try await t.store.read { try $0.verificationCode(purpose: .register, destination: "email:b@example.cn") } != nil)
        }
    }

    @Test(arguments: Backend.all)
    func fiveTriesThenTheCodeIsUsedUpEvenWhenRight(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox, clock: Clock())
            _ = try await ledger.sendVerificationCode(purpose: .resetPassword, to: Self.phone)
            let code = try Self.lastCode(outbox)
            let wrong = code == "000000" ? "111111" : "000000"
            for remaining in [4, 3, 2, 1] {
                do {
                    try await ledger.consumeVerificationCode(purpose: .resetPassword, destination: Self.phone, code: wrong)
                    Issue.record("a wrong code was accepted")
                } catch let error as LedgerError {
                    #expect(error == .verificationCodeWrong(remainingTries: remaining))
                }
            }
            await expectLedgerErrorCode("verification-code-used-up") {
                try await ledger.consumeVerificationCode(purpose: .resetPassword, destination: Self.phone, code: wrong)
            }
            await expectLedgerErrorCode("verification-code-used-up") {
                try await ledger.consumeVerificationCode(purpose: .resetPassword, destination: Self.phone, code: code)
            }
        }
    }

    @Test(arguments: Backend.all)
    func triesFromSeveralServerProcessesAreEachCounted(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let clock = Clock()
            // Two ledgers on one store: two server processes, each with its own throttles.
            let first = Self.ledger(t, outbox: outbox, clock: clock, lenient: true)
            let second = Self.ledger(t, outbox: outbox, clock: clock, lenient: true)
            _ = try await first.sendVerificationCode(purpose: .organizationApply, to: Self.phone)
            let code = try Self.lastCode(outbox)
            let wrong = code == "000000" ? "111111" : "000000"
            let refusals = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        do {
                            try await (n % 2 == 0 ? first : second).consumeVerificationCode(purpose: .organizationApply,
                                                                                          destination: Self.phone, code: wrong)
                            return "accepted"
                        } catch let error as LedgerError { return error.code }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(refusals.filter { $0 == "verification-code-wrong" }.count == 4)
            #expect(refusals.filter { $0 == "verification-code-used-up" }.count == 4)
            let stored = try #require(try await t.store.read { try $0.verificationCode(purpose: .organizationApply, destination: "phone:13800138000") })
            #expect(stored.attempts == 8)
        }
    }

    @Test(arguments: Backend.all)
    func sendingAndGuessingAreThrottledPerDestinationAndPerAddress(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let clock = Clock()
            let ledger = Self.ledger(t, outbox: outbox, clock: clock)
            for _ in 0..<3 { _ = try await ledger.sendVerificationCode(purpose: .register, to: Self.phone, clientAddress: "10.0.0.1") }
            do {
                _ = try await ledger.sendVerificationCode(purpose: .register, to: Self.phone, clientAddress: "10.0.0.2")
                Issue.record("a fourth code within the minute was sent")
            } catch let error as LedgerError {
                #expect(error == .verificationCodeThrottled(retryAfterSeconds: 60) && error.retryAfterSeconds == 60)
            }
            #expect(outbox.entries.count == 3)
            clock.advance(60)
            _ = try await ledger.sendVerificationCode(purpose: .register, to: Self.phone, clientAddress: "10.0.0.3")
            await expectLedgerErrorCode("verification-code-throttled") {
                _ = try await ledger.sendVerificationCode(purpose: .register, to: Self.phone, clientAddress: "10.0.0.3")
            }

            // One address asking for codes for many phones is slowed down too.
            for n in 0..<10 {
                _ = try await ledger.sendVerificationCode(purpose: .register, to: .phone("1390000\(String(format: "%04d", n))"),
                                                          clientAddress: "10.9.9.9")
            }
            await expectLedgerErrorCode("verification-code-throttled") {
                _ = try await ledger.sendVerificationCode(purpose: .register, to: .phone("13900009999"), clientAddress: "10.9.9.9")
            }

            // Wrong codes from one address across many phones are slowed down after twenty.
            for n in 0..<10 {
                for _ in 0..<2 {
                    await expectLedgerErrorCode("verification-code-wrong") {
                        try await ledger.consumeVerificationCode(purpose: .register, destination: .phone("1390000\(String(format: "%04d", n))"),
                                                                 code: "12345", clientAddress: "10.7.7.7")
                    }
                }
            }
            await expectLedgerErrorCode("verification-code-throttled") {
                try await ledger.consumeVerificationCode(purpose: .register, destination: .phone("13900000001"), code: "12345",
                                                         clientAddress: "10.7.7.7")
            }
        }
    }

    @Test func recipientsAreCheckedAndNormalized() throws {
        #expect(try MessageRecipient.phone(checking: "0086 13800138000") == .phone("13800138000"))
        #expect(try MessageRecipient.phone(checking: "+44 20 7946 0958") == .phone("+442079460958"))
        #expect(try MessageRecipient.email(checking: " Li.Ming@Example.CN ") == .email("Li.Ming@example.cn"))
        #expect(MessageRecipient.email("li@example.cn").masked == "l***@example.cn")
        for bad in ["", "138", "1380013800a", String(repeating: "1", count: 30)] {
            #expect(throws: LedgerError.self) { try MessageRecipient.phone(checking: bad) }
        }
        for bad in ["a", "a@b", "a b@c.cn", "a@b.cn\r\nBcc: x@y.cn", "<a@b.cn>", "@b.cn", String(repeating: "a", count: 250) + "@b.cn"] {
            #expect(throws: LedgerError.self) { try MessageRecipient.email(checking: bad) }
        }
    }
}
