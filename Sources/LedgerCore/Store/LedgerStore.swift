import Foundation

/// Durable storage of the ledger. Implemented on SQLite and PostgreSQL and checked by one contract suite.
///
/// Transactions take synchronous bodies so that a use case's checks and writes run atomically in one
/// database transaction; the store runs them off the caller's task.
public protocol LedgerStore: Sendable {
    /// Creates or upgrades the schema.
    func migrate() async throws
    /// Runs `body` against a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T
    /// Runs `body` against a consistent snapshot that may lag a little behind the latest commits (a read
    /// replica's), but includes every write of the current `ReadConsistency`: for reads no rule depends
    /// on (verification, public pages, lists, exports). A store without replicas reads as `read` does.
    func readAllowingLag<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T
    /// Runs `body` in one transaction, committed only when it returns without throwing.
    func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T
    /// Releases connections.
    func close() async throws
}

extension LedgerStore {
    public func readAllowingLag<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        try await read(body)
    }
}

/// Which records a query covers. Nil fields do not filter.
public struct RecordFilter: Sendable, Hashable {
    public var organizationId: Int64?
    public var volunteerId: Int64?
    public var activityId: Int64?
    /// Records whose service starts at or after this instant.
    public var startsFrom: Date?
    /// Records whose service starts before this instant.
    public var startsBefore: Date?
    public var includeVoid: Bool
    public var onlyLate: Bool

    public init(organizationId: Int64? = nil, volunteerId: Int64? = nil, activityId: Int64? = nil,
                startsFrom: Date? = nil, startsBefore: Date? = nil, includeVoid: Bool = false, onlyLate: Bool = false) {
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.activityId = activityId
        self.startsFrom = startsFrom
        self.startsBefore = startsBefore
        self.includeVoid = includeVoid
        self.onlyLate = onlyLate
    }
}

/// Minutes and number of current, non-void records.
public struct MinuteTotal: Sendable, Hashable, Codable {
    public var minutes: Int
    public var records: Int
    public init(minutes: Int, records: Int) {
        self.minutes = minutes
        self.records = records
    }
}

/// A volunteer's records around a new span of service, as the overlap and daily-limit rules see them.
public struct ExistingService: Sendable, Hashable {
    /// A current, non-void record whose time overlaps the span.
    public var overlapping: ServiceRecord?
    /// Minutes of current, non-void records starting on the span's calendar day.
    public var minutesOnDay: Int

    public init(overlapping: ServiceRecord?, minutesOnDay: Int) {
        self.overlapping = overlapping
        self.minutesOnDay = minutesOnDay
    }
}

/// A new span of a volunteer's service and the calendar day it starts on, as `existingServices` checks it.
public struct ServiceSpan: Sendable, Hashable {
    public var volunteerId: Int64
    public var start: Date
    public var end: Date
    public var dayStart: Date
    public var dayEnd: Date

    public init(volunteerId: Int64, start: Date, end: Date, dayStart: Date, dayEnd: Date) {
        self.volunteerId = volunteerId
        self.start = start
        self.end = end
        self.dayStart = dayStart
        self.dayEnd = dayEnd
    }
}

/// A total keyed by the organization, volunteer or activity it belongs to.
public struct KeyedMinuteTotal: Sendable, Hashable {
    public var key: Int64
    public var total: MinuteTotal
    public init(key: Int64, total: MinuteTotal) {
        self.key = key
        self.total = total
    }
}

/// The last link of an organization's audit chain.
public struct ChainHead: Sendable, Hashable {
    public var sequence: Int64
    public var digest: String
    public init(sequence: Int64, digest: String) {
        self.sequence = sequence
        self.digest = digest
    }
    /// The head of a chain with no entries.
    public static let genesis = ChainHead(sequence: 0, digest: String(repeating: "0", count: 64))
}

/// A revision as it sits in an organization's audit chain, with the record it belongs to.
public struct ChainEntry: Sendable, Hashable {
    public var organizationId: Int64
    public var volunteerId: Int64
    public var activityId: Int64
    public var revision: RecordRevision
    public init(organizationId: Int64, volunteerId: Int64, activityId: Int64, revision: RecordRevision) {
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.activityId = activityId
        self.revision = revision
    }
}

/// Holidays and make-up working days loaded by the platform.
public struct HolidayEntry: Sendable, Hashable {
    public var date: LocalDate
    public var isWorkday: Bool
    public init(date: LocalDate, isWorkday: Bool) {
        self.date = date
        self.isWorkday = isWorkday
    }
}

/// Queries every backend answers, one protocol per aggregate. Lists are ordered by id ascending and page
/// with `after` (an id).
public protocol LedgerReader: OrganizationReader, VolunteerReader, ActivityReader, ServiceRecordReader, CheckInReader, RecruitmentReader,
    InvitationReader, ClaimReader, OrganizationSettingsReader, TransparencyLogReader, AuditVerificationReader, AccountReader, CertificateReader, SpotCheckReader,
    JoinRequestReader, PublicActivityReader, ResidentReader,
    VerificationCodeReader, OrganizationApplicationReader, SecurityLogReader, StatisticsReader {
    /// The number of rows of every table, to check a copy (`vledger migrate-data`).
    func rowCounts() throws -> LedgerRowCounts
}

/// Writes, available inside `LedgerStore.write`, one protocol per aggregate. Inserts return the stored value
/// with its new id; `restore` keeps the given ids and times, for copying a ledger between backends.
public protocol LedgerWriter: LedgerReader, OrganizationWriter, VolunteerWriter, ActivityWriter, ServiceRecordWriter,
    CheckInWriter, RecruitmentWriter, InvitationWriter, ClaimWriter, OrganizationSettingsWriter, TransparencyLogWriter, AuditVerificationWriter, AccountWriter, CertificateWriter, SpotCheckWriter,
    JoinRequestWriter, ResidentWriter,
    VerificationCodeWriter, OrganizationApplicationWriter, SecurityLogWriter {
    /// Moves every id generator past the largest id stored, after `restore`.
    func resetIdSequences() throws
}

/// Rows per table of a ledger.
public struct LedgerRowCounts: Sendable, Hashable, Codable {
    public var organizations = 0
    public var volunteers = 0
    public var memberships = 0
    public var activities = 0
    public var serviceRecords = 0
    public var recordRevisions = 0
    public var chainHeads = 0
    public var users = 0
    public var sessions = 0
    public var holidays = 0
    /// Every other table of the schema that has rows (certificates, spot checks, ...), by table name, so
    /// that a copy which misses a table shows as a difference.
    public var otherTables: [String: Int] = [:]

    public init() {}

    /// The tables counted by name, for finding the others in a schema.
    public static let coreTables: Set<String> = [
        "organizations", "volunteers", "memberships", "activities", "service_records", "record_revisions",
        "chain_heads", "users", "sessions", "holidays",
    ]

    /// Tables of short-lived state (one-time codes) that are neither counted nor copied between backends; and the audit
    /// verification's bookkeeping (a copy is verified in full on its own).
    public static let transientTables: Set<String> = ["verification_codes", "audit_verified_chains", "audit_verifications"]

    /// (table name, rows), core tables in the order they are copied, then the others by name.
    public var tables: [(name: String, rows: Int)] {
        [("organizations", organizations), ("volunteers", volunteers), ("memberships", memberships),
         ("activities", activities), ("service_records", serviceRecords), ("record_revisions", recordRevisions),
         ("chain_heads", chainHeads), ("users", users), ("sessions", sessions), ("holidays", holidays)]
            + otherTables.sorted { $0.key < $1.key }.map { (name: $0.key, rows: $0.value) }
    }

    public var total: Int { tables.reduce(0) { $0 + $1.rows } }
}
