import Foundation
import Synchronization

/// The use cases of the ledger over a store, a clock and a random source.
///
/// Every use case takes the acting `Principal` and enforces `AccessPolicy` itself, so the HTTP API and
/// the CLI cannot disagree about who may do what.
public struct Ledger: Sendable {
    public let store: any LedgerStore
    public let clock: @Sendable () -> Date
    public let random: RandomSource
    /// Records entered more than this many working days after the activity ended are flagged late.
    public var recordingDeadlineWorkingDays = 10
    /// How long a login token stays valid.
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// Organization dashboards reused until the next commit.
    public let dashboardCache = OrganizationDashboardCache()
    /// Organizations read before (they never change).
    public let organizationCache = OrganizationCache()
    /// The audit verification running in the background, and the last one of this process.
    public let auditVerifications = AuditVerificationJobs()
    /// The bureau's statistics per period and region, reused for a minute or until the next commit.
    public let statisticsCache = StatisticsCache()
    /// Delays repeated wrong passwords, per account and per client address.
    public var loginThrottle = LoginThrottle()
    /// Delays repeated wrong attendance codes, per volunteer and per activity (`GuessThrottles.swift` for the policies).
    public var attendanceThrottle = LoginThrottle(perAccount: .attendancePerVolunteer, perAddress: .attendancePerActivity)
    /// Delays repeated wrong invitation codes and document numbers, per code and per client address.
    public var invitationThrottle = LoginThrottle(perAccount: .invitationPerCode, perAddress: .invitationPerAddress)
    /// Limits organizations' applications, per credit code and per client address (`OrganizationApplication`).
    public var organizationApplicationThrottle = LoginThrottle(perAccount: .applicationsPerCreditCode, perAddress: .applicationsPerAddress)
    /// Delays repeated self-registrations, per document number and per client address (`Ledger+Registration.swift`).
    public var registrationThrottle = LoginThrottle(perAccount: .registrationsPerDocument, perAddress: .registrationsPerAddress)
    /// Hashes and checks passwords (bcrypt off the concurrency pool, injected by the app).
    public var passwords: any PasswordHasher
    /// Keys, public URL and platform identity for certificates; nil where certificates are not served.
    public var certificates: CertificateSettings?
    /// The rotating codes of self check-in (secret kept outside the database); nil where self check-in is off.
    public var attendance: AttendanceCodes?
    /// Signs and serves the transparency log's checkpoints; nil where the log is not published.
    public var transparencyLog: LogPublisher?
    /// Sends one-time codes and notices (SMTP email, an SMS gateway, or the development outbox); nil: sends nothing.
    public var messages: (any MessageSender)?
    /// Makes, stores and checks one-time codes; nil where the server sends none.
    public var verificationCodes: VerificationCodeSettings?

    public init(store: any LedgerStore, clock: @escaping @Sendable () -> Date = { Date() },
                random: RandomSource = .system, passwords: any PasswordHasher = UnconfiguredPasswordHasher()) {
        self.store = store
        self.passwords = passwords
        self.clock = clock
        self.random = random
    }

    /// The current time, truncated to whole seconds as stored.
    var now: Date { clock().wholeSeconds }
}

/// A source of random 64-bit words; the system's by default, seeded in tests.
public struct RandomSource: Sendable {
    private let nextWord: @Sendable () -> UInt64

    public init(_ nextWord: @escaping @Sendable () -> UInt64) {
        self.nextWord = nextWord
    }

    /// The operating system's cryptographically secure generator.
    public static let system = RandomSource { var g = SystemRandomNumberGenerator(); return g.next() }

    /// A deterministic generator (SplitMix64) for tests.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = Mutex(seed)
        return RandomSource {
            state.withLock { s in
                s &+= 0x9E37_79B9_7F4A_7C15
                var z = s
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }
    }

    public func next() -> UInt64 { nextWord() }

    /// `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            withUnsafeBytes(of: next().littleEndian) { result.append(contentsOf: $0) }
        }
        return Array(result.prefix(count))
    }

    /// A generator view for APIs that take `inout RandomNumberGenerator`.
    public struct Generator: RandomNumberGenerator {
        let source: RandomSource
        public mutating func next() -> UInt64 { source.next() }
    }

    public var generator: Generator { Generator(source: self) }
}

extension Date {
    /// This instant with sub-second precision dropped, as the store keeps it.
    public var wholeSeconds: Date {
        Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down))
    }
}

/// A page of a list and the cursor of the next page, if any.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var nextAfter: Int64?
    public init(items: [Element], nextAfter: Int64?) {
        self.items = items
        self.nextAfter = nextAfter
    }
}

extension Page {
    /// Builds a page from `limit + 1` fetched items, so the presence of a next page is known.
    init(fetched: [Element], limit: Int, id: (Element) -> Int64) {
        if fetched.count > limit {
            let items = Array(fetched.prefix(limit))
            self.init(items: items, nextAfter: items.last.map(id))
        } else {
            self.init(items: fetched, nextAfter: nil)
        }
    }
}
