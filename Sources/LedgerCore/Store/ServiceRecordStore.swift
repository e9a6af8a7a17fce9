import Foundation

/// Service records, their revisions and the organizations' audit chains in the store (part of `LedgerReader`
/// and `LedgerWriter`).
public protocol ServiceRecordReader {
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
    /// `existingService` of each span, in order, none excluded (a bulk import checks a batch at once).
    func existingServices(_ spans: [ServiceSpan]) throws -> [ExistingService]
    func total(_ filter: RecordFilter) throws -> MinuteTotal
    /// How many volunteers have current, non-void records matching `filter`.
    func volunteerCount(_ filter: RecordFilter) throws -> Int
    func totalsByOrganization(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]
    /// Totals per volunteer, ordered by volunteer id, paged by volunteer id.
    func totalsByVolunteer(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [KeyedMinuteTotal]
    func totalsByActivity(_ filter: RecordFilter) throws -> [KeyedMinuteTotal]
    /// Records matching `filter` after the id `after`, by id, each with its volunteer's and activity's names joined
    /// in the same statement (an export reads a page of thousands at a time).
    func exportRows(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [RecordExportRow]
    /// All-time totals (current, non-void records of any organization) of these volunteers; ones without records left out.
    func totals(volunteerIds: [Int64]) throws -> [Int64: MinuteTotal]
}

/// A service record with what an export prints beside it; nil where the volunteer or activity is gone.
public struct RecordExportRow: Sendable, Hashable {
    public var record: ServiceRecord
    public var volunteerNumber: String?
    public var volunteerName: String?
    /// Unmasked: the export masks it.
    public var documentNumber: String?
    public var activityTitle: String?
    public var activityCategory: ServiceCategory?

    public init(record: ServiceRecord, volunteerNumber: String?, volunteerName: String?, documentNumber: String?,
                activityTitle: String?, activityCategory: ServiceCategory?) {
        self.record = record
        self.volunteerNumber = volunteerNumber
        self.volunteerName = volunteerName
        self.documentNumber = documentNumber
        self.activityTitle = activityTitle
        self.activityCategory = activityCategory
    }
}

extension ServiceRecordReader {
    /// Two queries; stores where each query is a round trip answer with one.
    public func existingService(volunteerId: Int64, start: Date, end: Date, dayStart: Date, dayEnd: Date,
                                excluding recordId: Int64?) throws -> ExistingService {
        ExistingService(
            overlapping: try overlappingRecord(volunteerId: volunteerId, start: start, end: end, excluding: recordId),
            minutesOnDay: try minutesStarting(volunteerId: volunteerId, from: dayStart, to: dayEnd, excluding: recordId))
    }

    /// One `existingService` a span; a server store answers the batch in one round trip.
    public func existingServices(_ spans: [ServiceSpan]) throws -> [ExistingService] {
        try spans.map {
            try existingService(volunteerId: $0.volunteerId, start: $0.start, end: $0.end, dayStart: $0.dayStart,
                                dayEnd: $0.dayEnd, excluding: nil)
        }
    }
}

public protocol ServiceRecordWriter {
    /// Serializes writers of one organization's audit chain, across processes, and returns its head.
    func lockChain(organizationId: Int64) throws -> ChainHead
    /// Stores the current state of a new record; its revisions are appended separately.
    func insert(_ record: ServiceRecord) throws -> ServiceRecord
    /// Replaces a record's current state after a correction or voiding (its history is kept in revisions).
    func updateCurrentState(_ record: ServiceRecord) throws
    /// Appends a revision to the history; its chain fields were computed from `lockChain`'s head.
    func append(_ revision: RecordRevision, organizationId: Int64) throws
    /// Records the new head of an organization's audit chain, once per transaction.
    func advanceChain(organizationId: Int64, to head: ChainHead) throws
    /// Keeps the given id, for copying a ledger between backends (revisions are copied with `append`).
    func restore(_ record: ServiceRecord) throws
    /// Ids for `count` new records, in ascending order, that no other writer will use.
    func newRecordIds(count: Int) throws -> [Int64]
    /// Stores new records under ids from `newRecordIds` with their first revisions (a bulk import's batch).
    func insert(_ records: [ServiceRecord], revisions: [RecordRevision]) throws
}

extension ServiceRecordWriter {
    /// One `restore` and one `append` a record; a server store streams the batch.
    public func insert(_ records: [ServiceRecord], revisions: [RecordRevision]) throws {
        for record in records { try restore(record) }
        for (record, revision) in zip(records, revisions) { try append(revision, organizationId: record.organizationId) }
    }
}
