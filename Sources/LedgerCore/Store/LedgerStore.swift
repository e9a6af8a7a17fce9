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
    /// Runs `body` in one transaction, committed only when it returns without throwing.
    func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T
    /// Releases connections.
    func close() async throws
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

extension LedgerReader {
    /// One lookup a volunteer; stores with a one-statement form override it.
    public func volunteers(ids: [Int64]) throws -> [Volunteer] {
        try ids.compactMap { try volunteer(id: $0) }
    }

    /// Two queries; stores where each query is a round trip answer with one.
    public func existingService(volunteerId: Int64, start: Date, end: Date, dayStart: Date, dayEnd: Date,
                                excluding recordId: Int64?) throws -> ExistingService {
        ExistingService(
            overlapping: try overlappingRecord(volunteerId: volunteerId, start: start, end: end, excluding: recordId),
            minutesOnDay: try minutesStarting(volunteerId: volunteerId, from: dayStart, to: dayEnd, excluding: recordId))
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

/// Queries every backend answers. Lists are ordered by id ascending and page with `after` (an id).
public protocol LedgerReader: SpotCheckReader {
    func organization(id: Int64) throws -> Organization?
    func organization(creditCode: String) throws -> Organization?
    func organizations(after: Int64?, limit: Int) throws -> [Organization]

    func volunteer(id: Int64) throws -> Volunteer?
    func volunteer(number: String) throws -> Volunteer?
    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer?
    /// Members of an organization.
    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer]
    /// Members whose name contains `text`, whose volunteer number is `text`, or (for 4 or more digits) whose
    /// phone ends with `text`; by id.
    func searchMembers(organizationId: Int64, text: String, limit: Int) throws -> [Volunteer]
    /// The volunteers with these ids, in any order, missing ones left out.
    func volunteers(ids: [Int64]) throws -> [Volunteer]
    func memberships(volunteerId: Int64) throws -> [Membership]

    func activity(id: Int64) throws -> Activity?
    func activities(organizationId: Int64, title: String) throws -> [Activity]
    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity]

    func record(id: Int64) throws -> ServiceRecord?
    func records(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [ServiceRecord]
    /// All revisions of a record, oldest first.
    func revisions(recordId: Int64) throws -> [RecordRevision]
    /// The revisions of an organization's audit chain in chain order, for verification.
    func chainEntries(organizationId: Int64, after sequence: Int64, limit: Int) throws -> [ChainEntry]
    func chainHead(organizationId: Int64) throws -> ChainHead
    /// A current, non-void record of the volunteer whose time overlaps [start, end).
    func overlappingRecord(volunteerId: Int64, start: Date, end: Date, excluding recordId: Int64?) throws -> ServiceRecord?
    /// Minutes of current, non-void records of the volunteer that start in [from, to).
    func minutesStarting(volunteerId: Int64, from: Date, to: Date, excluding recordId: Int64?) throws -> Int
    /// `overlappingRecord(start, end)` and `minutesStarting(dayStart, dayEnd)` together, which a server
    /// store answers in one round trip (it runs for every record written).
    func existingService(volunteerId: Int64, start: Date, end: Date, dayStart: Date, dayEnd: Date,
                         excluding recordId: Int64?) throws -> ExistingService
    func total(_ filter: RecordFilter) throws -> MinuteTotal
    /// How many volunteers have current, non-void records matching `filter`.
    func volunteerCount(_ filter: RecordFilter) throws -> Int
    func totalsByOrganization(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]
    /// Totals per volunteer, ordered by volunteer id, paged by volunteer id.
    func totalsByVolunteer(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [KeyedMinuteTotal]
    func totalsByActivity(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]

    func checkIn(id: Int64) throws -> CheckIn?
    /// The volunteer's open check-in, at any activity.
    func openCheckIn(volunteerId: Int64) throws -> CheckIn?
    /// Check-ins still open at activities that ended before `endedBefore`, oldest first.
    func openCheckIns(activityEndedBefore endedBefore: Date, limit: Int) throws -> [CheckIn]
    /// An activity's check-ins by id.
    func checkIns(activityId: Int64, after: Int64?, limit: Int) throws -> [CheckIn]

    func user(id: Int64) throws -> UserAccount?
    func user(username: String) throws -> UserAccount?
    func session(tokenHash: String) throws -> AccessSession?
    func holidays() throws -> [HolidayEntry]

    // Whole-table reads, for copying a ledger between backends (`vledger migrate-data`).
    /// Every volunteer, by id.
    func volunteers(after: Int64?, limit: Int) throws -> [Volunteer]
    /// An organization's memberships, by volunteer id.
    func memberships(organizationId: Int64, after volunteerId: Int64?, limit: Int) throws -> [Membership]
    func users(after: Int64?, limit: Int) throws -> [UserAccount]
    /// Every check-in, by id.
    func checkIns(after: Int64?, limit: Int) throws -> [CheckIn]
    /// Sessions ordered by token hash (byte order).
    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession]
    /// The number of rows of every table, to check a copy.
    func rowCounts() throws -> LedgerRowCounts

    // Certificates (志愿服务记录证明).
    func certificate(serial: String) throws -> Certificate?
    /// Certificates of a volunteer and/or issued by an organization (nil: any), by id.
    func certificates(volunteerId: Int64?, organizationId: Int64?, after: Int64?, limit: Int) throws -> [Certificate]
    /// The record revisions a certificate covers, by record id.
    func certifiedRecords(certificateId: Int64) throws -> [CertifiedRecord]
    /// Covered records whose current revision is no longer the certified one.
    func changedCertifiedRecords(certificateId: Int64) throws -> [CertifiedRecordChange]
    func certificateCount() throws -> Int
    func isCertificateStatusIndexTaken(_ index: Int64) throws -> Bool
    /// The largest status index in use, or nil before the first certificate.
    func maxCertificateStatusIndex() throws -> Int64?
    /// Status indexes of revoked certificates in [from, before).
    func revokedCertificateStatusIndexes(from: Int64, before: Int64) throws -> [Int64]
}

/// Writes, available inside `LedgerStore.write`. Inserts return the stored value with its new id.
public protocol LedgerWriter: LedgerReader, SpotCheckWriter {
    /// Serializes concurrent writers that touch one volunteer's records, across processes.
    func lockVolunteer(id: Int64) throws
    /// Serializes writers of one organization's audit chain, across processes, and returns its head.
    func lockChain(organizationId: Int64) throws -> ChainHead

    func insert(_ organization: Organization) throws -> Organization
    func insert(_ volunteer: Volunteer) throws -> Volunteer
    /// Adds the membership unless it exists; returns whether it was added.
    @discardableResult func insert(_ membership: Membership) throws -> Bool
    func insert(_ activity: Activity) throws -> Activity
    /// Stores the current state of a new record; its revisions are appended separately.
    func insert(_ record: ServiceRecord) throws -> ServiceRecord
    /// Replaces a record's current state after a correction or voiding (its history is kept in revisions).
    func updateCurrentState(_ record: ServiceRecord) throws
    /// Appends a revision to the history; its chain fields were computed from `lockChain`'s head.
    func append(_ revision: RecordRevision, organizationId: Int64) throws
    /// Records the new head of an organization's audit chain, once per transaction.
    func advanceChain(organizationId: Int64, to head: ChainHead) throws
    /// Stores a new open check-in; a volunteer has at most one open check-in, by database constraint.
    func insert(_ checkIn: CheckIn) throws -> CheckIn
    /// Stores the check-out or cancellation of an open check-in (state, closing time and actor, record, reason).
    func close(_ checkIn: CheckIn) throws
    func insert(_ user: UserAccount) throws -> UserAccount
    func insert(_ session: AccessSession) throws
    func revokeSession(tokenHash: String, at: Date) throws
    func setHoliday(_ entry: HolidayEntry) throws
    /// Stores an issued certificate and the revisions it covers; serials and status indexes are unique
    /// by database constraint.
    func insert(_ certificate: Certificate, covering records: [CertifiedRecord]) throws -> Certificate
    /// Marks a certificate revoked; a revocation is never undone.
    func revokeCertificate(id: Int64, _ revocation: CertificateRevocation) throws

    // Inserts that keep the given ids and times, for copying a ledger between backends; revisions,
    // memberships, chain heads, holidays and a campaign's rows are copied with `append`, `insert`, `advanceChain`,
    // `setHoliday` and the spot-check inserts.
    func restore(_ organization: Organization) throws
    func restore(_ volunteer: Volunteer) throws
    func restore(_ activity: Activity) throws
    func restore(_ record: ServiceRecord) throws
    func restore(_ user: UserAccount) throws
    /// Keeps `revokedAt`, unlike `insert(_:)` of a new session.
    func restore(_ session: AccessSession) throws
    /// Keeps the id and the revocation.
    func restore(_ certificate: Certificate, covering records: [CertifiedRecord]) throws
    /// Keeps the id and the closing (state, time, actor, record, reason).
    func restore(_ checkIn: CheckIn) throws
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

    /// (table name, rows), core tables in the order they are copied, then the others by name.
    public var tables: [(name: String, rows: Int)] {
        [("organizations", organizations), ("volunteers", volunteers), ("memberships", memberships),
         ("activities", activities), ("service_records", serviceRecords), ("record_revisions", recordRevisions),
         ("chain_heads", chainHeads), ("users", users), ("sessions", sessions), ("holidays", holidays)]
            + otherTables.sorted { $0.key < $1.key }.map { (name: $0.key, rows: $0.value) }
    }

    public var total: Int { tables.reduce(0) { $0 + $1.rows } }
}
