import Foundation

/// Copies a whole ledger from one store to another (an embedded SQLite deployment moving to PostgreSQL),
/// keeping ids, times and the audit chain, so `audit verify` passes on the copy.
///
/// The source is read from one snapshot and the target is written in one transaction, so a failed copy
/// leaves the target empty. The two transactions run side by side and hand batches over.
public struct LedgerTransfer: Sendable {
    /// Rows per batch read from the source.
    public var batchSize: Int

    public init(batchSize: Int = 1000) {
        self.batchSize = max(1, batchSize)
    }

    /// What is compared between the source and the copy: rows per table, and minutes and records of the
    /// current records per organization.
    public struct Statistics: Sendable, Hashable {
        public var counts: LedgerRowCounts
        public var minutesByOrganization: [KeyedMinuteTotal]

        public static func read(_ r: any LedgerReader) throws -> Statistics {
            Statistics(counts: try r.rowCounts(), minutesByOrganization: try r.totalsByOrganization(RecordFilter()))
        }
    }

    /// The statistics of both sides, taken in the copy's transactions.
    public struct Outcome: Sendable {
        public var source: Statistics
        public var target: Statistics
    }

    /// Copies `source` into the empty `target`. `progress` is called with a table name and the rows copied
    /// of it so far. Throws `LedgerTransferError` when the target is not empty or the copy differs.
    public func copy(from source: any LedgerStore, to target: any LedgerStore,
                     progress: (@Sendable (String, Int) -> Void)? = nil) async throws -> Outcome {
        let handoff = BatchHandoff(capacity: 4)
        let batchSize = self.batchSize
        async let produced: Void = source.read { r in
            do {
                try Self.export(r, batchSize: batchSize, into: handoff)
                handoff.finish(nil)
            } catch {
                handoff.finish(error)
                throw error
            }
        }
        let consumed: Result<Outcome, any Error>
        do {
            consumed = .success(try await target.write { w in
                do {
                    return try Self.restore(into: w, from: handoff, progress: progress)
                } catch {
                    handoff.abandon(error)
                    throw error
                }
            })
        } catch {
            handoff.abandon(error)
            consumed = .failure(error)
        }
        var producerError: (any Error)?
        do { try await produced } catch { producerError = error }
        switch consumed {
        case .success(let outcome):
            return outcome
        case .failure(let error):
            if error is BatchHandoff.Abandoned, let producerError { throw producerError }
            throw error
        }
    }

    // MARK: Source side

    private static func export(_ r: any LedgerReader, batchSize: Int, into handoff: BatchHandoff) throws {
        try handoff.send(.statistics(try Statistics.read(r)))
        var organizationIds: [Int64] = []
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.organizations(after: after, limit: batchSize)
            organizationIds += rows.map(\.id)
            try handoff.send(.organizations(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.volunteers(after: after, limit: batchSize)
            try handoff.send(.volunteers(rows))
            return rows
        }
        for organizationId in organizationIds {
            try page(after: nil as Int64?, next: { $0.last?.volunteerId }, limit: batchSize) { after in
                let rows = try r.memberships(organizationId: organizationId, after: after, limit: batchSize)
                try handoff.send(.memberships(rows))
                return rows
            }
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.activities(organizationId: nil, after: after, limit: batchSize)
            try handoff.send(.activities(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.records(RecordFilter(includeVoid: true), after: after, limit: batchSize)
            try handoff.send(.records(rows))
            return rows
        }
        var heads: [OrganizationChainHead] = []
        for organizationId in organizationIds {
            try page(after: 0 as Int64, next: { $0.last?.revision.chainSequence }, limit: batchSize) { after in
                let rows = try r.chainEntries(organizationId: organizationId, after: after ?? 0, limit: batchSize)
                try handoff.send(.revisions(rows))
                return rows
            }
            let head = try r.chainHead(organizationId: organizationId)
            if head.sequence > 0 { heads.append(OrganizationChainHead(organizationId: organizationId, head: head)) }
        }
        try handoff.send(.chainHeads(heads))
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.users(after: after, limit: batchSize)
            try handoff.send(.users(rows))
            return rows
        }
        try page(after: nil as String?, next: { $0.last?.tokenHash }, limit: batchSize) { after in
            let rows = try r.sessions(after: after, limit: batchSize)
            try handoff.send(.sessions(rows))
            return rows
        }
        try handoff.send(.holidays(try r.holidays()))
        try page(after: nil as Int64?, next: { $0.last?.certificate.id }, limit: batchSize) { after in
            let rows = try r.certificates(volunteerId: nil, organizationId: nil, after: after, limit: batchSize).map {
                CertificateCopy(certificate: $0, records: try r.certifiedRecords(certificateId: $0.id))
            }
            try handoff.send(.certificates(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.checkIns(after: after, limit: batchSize)
            try handoff.send(.checkIns(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.activityId }, limit: batchSize) { after in
            let rows = try r.recruitments(after: after, limit: batchSize)
            try handoff.send(.recruitments(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.signUps(after: after, limit: batchSize)
            try handoff.send(.signUps(rows))
            return rows
        }
        try page(after: nil as String?, next: { $0.last?.hash }, limit: batchSize) { after in
            let rows = try r.evidence(after: after, limit: batchSize)
            try handoff.send(.evidence(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.claims(organizationId: nil, volunteerId: nil, state: nil, after: after, limit: batchSize)
            try handoff.send(.claims(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.invitations(after: after, limit: batchSize)
            try handoff.send(.invitations(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.spotCheckCampaigns(after: after, limit: batchSize)
            for campaign in rows {
                // A campaign's population is written in one piece, as the freeze wrote it.
                try handoff.send(.campaign(CampaignCopy(
                    campaign: campaign, population: try r.spotCheckPopulation(campaignId: campaign.id),
                    sample: try r.spotCheckSample(campaignId: campaign.id),
                    assignments: try r.spotCheckAssignments(campaignId: campaign.id),
                    findings: try r.spotCheckFindings(campaignId: campaign.id))))
            }
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.joinRequests(after: after, limit: batchSize)
            try handoff.send(.joinRequests(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.membershipEndings(after: after, limit: batchSize)
            try handoff.send(.membershipEndings(rows))
            return rows
        }
        // Certificates of up to 5 MiB each: a few at a time, before the applications that name them.
        try page(after: nil as String?, next: { $0.last?.hash }, limit: 8) { after in
            let rows = try r.registrationCertificates(after: after, limit: 8)
            try handoff.send(.registrationCertificates(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.organizationApplications(state: nil, after: after, limit: batchSize)
            try handoff.send(.organizationApplications(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.volunteerId }, limit: batchSize) { after in
            let rows = try r.residentConsents(after: after, limit: batchSize)
            try handoff.send(.residentConsents(rows))
            return rows
        }
        try page(after: nil as Int64?, next: { $0.last?.id }, limit: batchSize) { after in
            let rows = try r.securityEvents(afterId: after, limit: batchSize)
            try handoff.send(.securityEvents(rows))
            return rows
        }
        try handoff.send(.organizationSettings(try organizationIds.compactMap { try r.organizationSettings(organizationId: $0) }))
        var logStart = 0
        while true {
            let rows = try r.logEntries(from: logStart, limit: batchSize)
            try handoff.send(.logEntries(rows))
            logStart += rows.count
            if rows.count < batchSize { break }
        }
        try page(after: nil as LogNodeHash?, next: { $0.last }, limit: batchSize) { after in
            let rows = try r.logHashes(after: after.map { (level: $0.level, index: $0.index) }, limit: batchSize)
            try handoff.send(.logHashes(rows))
            return rows
        }
        try handoff.send(.logQueue(try r.queuedLogEntries(limit: Int(Int32.max))))
        try handoff.send(.inspectorExclusions(try r.inspectorExclusions(inspectorId: nil)))
        try handoff.send(.certificateReviews(try r.certificateReviews(certificateId: nil)))
    }

    /// Calls `fetch` with successive cursors until a page comes back short.
    private static func page<Cursor, Row>(after first: Cursor?, next: ([Row]) -> Cursor?, limit: Int,
                                          _ fetch: (Cursor?) throws -> [Row]) throws {
        var cursor = first
        while true {
            let rows = try fetch(cursor)
            guard rows.count == limit, let last = next(rows) else { return }
            cursor = last
        }
    }

    /// The tables beyond the core ones that the copy carries; rows in any other table refuse the copy.
    public static let copiedTables: Set<String> = [
        "certificates", "certificate_records", "check_ins", "spot_check_campaigns", "spot_check_population",
        "spot_check_sample", "spot_check_assignments", "spot_check_findings", "inspector_exclusions", "certificate_reviews",
        "recruitments", "sign_ups", "login_invitations", "claim_evidence", "hours_claims",
        "organization_settings", "join_requests", "membership_endings", "registration_certificates", "organization_applications", "resident_consents", "security_events", "log_entries", "log_hashes", "log_queue", "log_subjects",
    ]

    // MARK: Target side

    private static func restore(into w: any LedgerWriter, from handoff: BatchHandoff,
                                progress: (@Sendable (String, Int) -> Void)?) throws -> Outcome {
        try handoff.startConsuming()
        let existing = try w.rowCounts()
        guard existing.total == 0 else { throw LedgerTransferError.targetNotEmpty(existing) }
        var source: Statistics?
        var copied: [String: Int] = [:]
        func count(_ table: String, _ rows: Int) {
            guard rows > 0 else { return }
            copied[table, default: 0] += rows
            progress?(table, copied[table] ?? 0)
        }
        while let batch = try handoff.receive() {
            switch batch {
            case .statistics(let statistics):
                source = statistics
                // Refuse up front rather than drop rows of a table this copy does not know.
                let unknown = statistics.counts.otherTables.filter { !Self.copiedTables.contains($0.key) }
                guard unknown.isEmpty else { throw LedgerTransferError.unsupportedTables(unknown) }
            case .organizations(let rows):
                for row in rows { try w.restore(row) }
                count("organizations", rows.count)
            case .volunteers(let rows):
                for row in rows { try w.restore(row) }
                count("volunteers", rows.count)
            case .memberships(let rows):
                for row in rows { try w.insert(row) }
                count("memberships", rows.count)
            case .activities(let rows):
                for row in rows { try w.restore(row) }
                count("activities", rows.count)
            case .records(let rows):
                for row in rows { try w.restore(row) }
                count("service_records", rows.count)
            case .revisions(let rows):
                for row in rows { try w.append(row.revision, organizationId: row.organizationId) }
                count("record_revisions", rows.count)
            case .chainHeads(let rows):
                for row in rows { try w.advanceChain(organizationId: row.organizationId, to: row.head) }
                count("chain_heads", rows.count)
            case .users(let rows):
                for row in rows { try w.restore(row) }
                count("users", rows.count)
            case .sessions(let rows):
                for row in rows { try w.restore(row) }
                count("sessions", rows.count)
            case .holidays(let rows):
                for row in rows { try w.setHoliday(row) }
                count("holidays", rows.count)
            case .certificates(let rows):
                for row in rows { try w.restore(row.certificate, covering: row.records) }
                count("certificates", rows.count)
                count("certificate_records", rows.reduce(0) { $0 + $1.records.count })
            case .checkIns(let rows):
                for row in rows { try w.restore(row) }
                count("check_ins", rows.count)
            case .recruitments(let rows):
                for row in rows { try w.save(row) }
                count("recruitments", rows.count)
            case .signUps(let rows):
                for row in rows { try w.restore(row) }
                count("sign_ups", rows.count)
            case .evidence(let rows):
                for row in rows { try w.save(row) }
                count("claim_evidence", rows.count)
            case .claims(let rows):
                for row in rows { try w.restore(row) }
                count("hours_claims", rows.count)
            case .logEntries(let rows):
                try w.appendLog(entries: rows, hashes: [], subjects: LoggedSubject.subjects(of: rows, from: try w.logSize()),
                                dequeued: [])
                count("log_entries", rows.count)
            case .logHashes(let rows):
                try w.restoreLogHashes(rows)
                count("log_hashes", rows.count)
            case .logQueue(let rows):
                try w.restoreQueued(rows)
                count("log_queue", rows.count)
            case .organizationSettings(let rows):
                for row in rows { try w.save(row) }
                count("organization_settings", rows.count)
            case .invitations(let rows):
                for row in rows { try w.restore(row) }
                count("login_invitations", rows.count)
            case .joinRequests(let rows):
                for row in rows { try w.restore(row) }
                count("join_requests", rows.count)
            case .membershipEndings(let rows):
                for row in rows { try w.restore(row) }
                count("membership_endings", rows.count)
            case .registrationCertificates(let rows):
                for row in rows { try w.save(row) }
                count("registration_certificates", rows.count)
            case .organizationApplications(let rows):
                for row in rows { try w.restore(row) }
                count("organization_applications", rows.count)
            case .residentConsents(let rows):
                for row in rows { try w.insert(row) }
                count("resident_consents", rows.count)
            case .securityEvents(let rows):
                for row in rows { try w.restore(row) }
                count("security_events", rows.count)
            case .campaign(let copy):
                try w.restore(copy.campaign)
                try w.insertPopulation(copy.population, campaignId: copy.campaign.id)
                try w.insertSample(copy.sample, campaignId: copy.campaign.id)
                try w.insert(copy.assignments)
                for finding in copy.findings { try w.insert(finding) }
                count("spot_check_campaigns", 1)
                count("spot_check_population", copy.population.count)
                count("spot_check_sample", copy.sample.count)
                count("spot_check_assignments", copy.assignments.count)
                count("spot_check_findings", copy.findings.count)
            case .inspectorExclusions(let rows):
                for row in rows { try w.insert(row) }
                count("inspector_exclusions", rows.count)
            case .certificateReviews(let rows):
                for row in rows { try w.insert(row) }
                count("certificate_reviews", rows.count)
            }
        }
        try w.resetIdSequences()
        guard let source else { throw LedgerTransferError.sourceIncomplete }
        let target = try Statistics.read(w)
        guard target == source else { throw LedgerTransferError.mismatch(source: source, target: target) }
        return Outcome(source: source, target: target)
    }
}

/// Why a copy was refused or rolled back.
public enum LedgerTransferError: Error, Sendable, CustomStringConvertible {
    case targetNotEmpty(LedgerRowCounts)
    case mismatch(source: LedgerTransfer.Statistics, target: LedgerTransfer.Statistics)
    case sourceIncomplete
    /// The source has rows in tables the copy does not know (added to the schema after it was written).
    case unsupportedTables([String: Int])
    /// The target store ran the copy's transaction a second time, which a one-pass copy cannot serve.
    case notRepeatable(firstFailure: String)

    public var description: String {
        switch self {
        case .targetNotEmpty(let counts):
            let tables = counts.tables.filter { $0.rows > 0 }.map { "\($0.name) \($0.rows)" }.joined(separator: ", ")
            return "目标数据库不是空的，未复制任何数据 / the target database is not empty (\(tables)); nothing was copied"
        case .mismatch(let source, let target):
            return "复制结果与源数据不一致，已回滚 / the copy differs from the source and was rolled back: source \(source), target \(target)"
        case .sourceIncomplete:
            return "the source ended before its statistics were read"
        case .unsupportedTables(let tables):
            let list = tables.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "源数据库中有无法复制的表，未复制任何数据 / the source has rows in tables this version cannot copy (\(list)); nothing was copied"
        case .notRepeatable(let failure):
            return "the copy failed and cannot be retried in the same run: \(failure)"
        }
    }
}

/// An organization's chain head, as copied.
struct OrganizationChainHead: Sendable {
    var organizationId: Int64
    var head: ChainHead
}

/// An issued certificate with the record revisions it covers.
struct CertificateCopy: Sendable {
    var certificate: Certificate
    var records: [CertifiedRecord]
}

/// A spot-check campaign with its frozen population, sample, teams and findings.
struct CampaignCopy: Sendable {
    var campaign: SpotCheckCampaign
    var population: [SpotCheckPopulationEntry]
    var sample: [SpotCheckSampleEntry]
    var assignments: [SpotCheckAssignment]
    var findings: [SpotCheckFinding]
}

/// One batch of rows from the source, in the order tables are copied.
enum TransferBatch: Sendable {
    case statistics(LedgerTransfer.Statistics)
    case organizations([Organization])
    case volunteers([Volunteer])
    case memberships([Membership])
    case activities([Activity])
    case records([ServiceRecord])
    case revisions([ChainEntry])
    case chainHeads([OrganizationChainHead])
    case users([UserAccount])
    case sessions([AccessSession])
    case holidays([HolidayEntry])
    case certificates([CertificateCopy])
    case checkIns([CheckIn])
    case recruitments([Recruitment])
    case signUps([SignUp])
    case invitations([LoginInvitation])
    case joinRequests([JoinRequest])
    case membershipEndings([MembershipEnding])
    case registrationCertificates([RegistrationCertificateFile])
    case organizationApplications([OrganizationApplication])
    case residentConsents([ResidentConsent])
    case securityEvents([SecurityEvent])
    case evidence([ClaimEvidence])
    case claims([HoursClaim])
    case organizationSettings([OrganizationSettings])
    case logEntries([[UInt8]])
    case logHashes([LogNodeHash])
    case logQueue([QueuedLogEntry])
    case campaign(CampaignCopy)
    case inspectorExclusions([InspectorExclusion])
    case certificateReviews([CertificateReview])
}

/// A bounded queue between the source's read transaction and the target's write transaction, which
/// run on threads that may block (both bodies are synchronous).
final class BatchHandoff: @unchecked Sendable {
    /// The consumer went away; the producer stops.
    struct Abandoned: Error {}

    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [TransferBatch] = []
    private var isFinished = false
    private var producerError: (any Error)?
    private var consumerError: (any Error)?
    private var consumers = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits while the queue is full; throws once the consumer has gone.
    func send(_ batch: TransferBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && consumerError == nil { condition.wait() }
        if consumerError != nil { throw Abandoned() }
        queue.append(batch)
        condition.broadcast()
    }

    /// The producer is done, successfully or with `error`.
    func finish(_ error: (any Error)?) {
        condition.lock()
        isFinished = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer gave up with `error`.
    func abandon(_ error: any Error) {
        condition.lock()
        if consumerError == nil { consumerError = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses a second run of the consumer (a store retrying the transaction): the batches are gone.
    func startConsuming() throws {
        condition.lock()
        defer { condition.unlock() }
        consumers += 1
        if consumers > 1 {
            throw LedgerTransferError.notRepeatable(firstFailure: consumerError.map { String(describing: $0) } ?? "unknown")
        }
    }

    /// The next batch, nil at the end; rethrows the producer's failure.
    func receive() throws -> TransferBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !isFinished { condition.wait() }
        if !queue.isEmpty {
            condition.broadcast()
            return queue.removeFirst()
        }
        if let producerError { throw producerError }
        return nil
    }
}
