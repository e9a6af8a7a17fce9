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
public protocol LedgerReader {
    func organization(id: Int64) throws -> Organization?
    func organization(creditCode: String) throws -> Organization?
    func organizations(after: Int64?, limit: Int) throws -> [Organization]

    func volunteer(id: Int64) throws -> Volunteer?
    func volunteer(number: String) throws -> Volunteer?
    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer?
    /// Members of an organization.
    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer]
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
    func total(_ filter: RecordFilter) throws -> MinuteTotal
    func totalsByOrganization(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]
    /// Totals per volunteer, ordered by volunteer id, paged by volunteer id.
    func totalsByVolunteer(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [KeyedMinuteTotal]
    func totalsByActivity(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]

    func user(id: Int64) throws -> UserAccount?
    func user(username: String) throws -> UserAccount?
    func session(tokenHash: String) throws -> AccessSession?
    func holidays() throws -> [HolidayEntry]
}

/// Writes, available inside `LedgerStore.write`. Inserts return the stored value with its new id.
public protocol LedgerWriter: LedgerReader {
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
    func insert(_ user: UserAccount) throws -> UserAccount
    func insert(_ session: AccessSession) throws
    func revokeSession(tokenHash: String, at: Date) throws
    func setHoliday(_ entry: HolidayEntry) throws
}
