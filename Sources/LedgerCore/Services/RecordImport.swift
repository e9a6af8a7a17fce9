import Foundation

extension Ledger {
    /// Imports hour records from a CSV file of one organization, atomically: each row is checked
    /// against every rule (including the rows before it in the file); if any row is bad nothing is
    /// stored and the report names every bad row. Streams the file, so memory stays flat.
    ///
    /// - Parameters:
    ///   - openFile: opens the CSV (called inside the transaction).
    ///   - progress: called every thousand rows with (rows read, bytes read, total bytes).
    public func importRecords(openFile: @escaping @Sendable () throws -> CSVReader, options: ImportOptions,
                              by principal: Principal,
                              progress: (@Sendable (Int, Int, Int?) -> Void)? = nil) async throws -> ImportReport {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: options.organizationId) else {
            throw LedgerError.forbidden("只能为本组织导入记录 / you can only import records into your own organization")
        }
        if options.keepRecordedAt && principal != .localOperator {
            throw LedgerError.forbidden("只有命令行操作员可以保留原登记时间 / only the local operator may keep recorded times")
        }
        let now = self.now
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await importFile(openFile: openFile, options: options, progress: progress, checkHeader: { header in
            if options.keepRecordedAt == false && header.has(.recordedAt) {
                throw LedgerError.invalidField(field: "header",
                    reason: "登记时间由系统记录，不能导入 / the recorded time is set by the system and cannot be imported")
            }
        }, begin: { w in
            try RecordImportRun(writer: w, options: options, actorId: principal.userId, now: now, deadlineDays: deadlineDays,
                                organizations: organizations)
        })
    }
}

/// The hour records of an import file, checked and stored a batch at a time: the volunteers of a batch are looked
/// up together, each row is checked against the rules that need no ledger, and the rows that pass go through
/// `NewRecordBatch`, which checks and stores them set-wise.
private struct RecordImportRun: ImportBatchStore {
    let writer: any LedgerWriter
    let options: ImportOptions
    let actorId: Int64?
    let context: RecordContext
    var chain: ChainHead
    private var volunteersByDocument: [DocumentKey: Volunteer?] = [:]
    private var volunteersByNumber: [String: Volunteer?] = [:]
    private var activitiesByKey: [String: [Activity]] = [:]
    private var members: Set<Int64> = []
    /// What the current batch holds.
    private var batch = NewRecordBatch()
    private var newMembers: [Membership] = []

    init(writer: any LedgerWriter, options: ImportOptions, actorId: Int64?, now: Date, deadlineDays: Int,
         organizations: OrganizationCache) throws {
        self.writer = writer
        self.options = options
        self.actorId = actorId
        self.context = try RecordContext.load(in: writer, organizationId: options.organizationId, now: now, deadlineDays: deadlineDays,
                                             organizations: organizations)
        self.chain = try writer.lockChain(organizationId: options.organizationId)
    }

    mutating func store(_ rows: [CSVRow], header: RecordImportHeader, report: inout ImportReport) throws -> [ImportRowError] {
        var batchErrors: [ImportRowError] = []
        try lookUpVolunteers(of: rows, header: header)
        for row in rows {
            do {
                try check(row, header: header)
            } catch let failure as RowFailure {
                batchErrors.append(failure.rowError(line: row.lineNumber, header: header))
            } catch let error as LedgerError {
                batchErrors.append(ImportRowError(line: row.lineNumber, column: nil, code: error.code, message: error.message))
            }
        }
        report.membershipsAdded += try writer.insert(newMembers)
        newMembers.removeAll(keepingCapacity: true)
        let (stored, failures) = try batch.store(in: writer, context: context, source: .import, actorId: actorId, chain: &chain)
        for failure in failures {
            let column = Self.column(for: failure.error).map(header.headerName(of:))
            batchErrors.append(ImportRowError(line: failure.tag, column: column, code: failure.error.code, message: failure.error.message))
        }
        report.imported += stored.count
        report.validRows += stored.count
        report.minutesImported += stored.reduce(0) { $0 + $1.minutes }
        return batchErrors
    }

    private typealias RowFailure = ImportRowFailure<RecordImportColumn>

    private func required(_ column: RecordImportColumn, _ row: CSVRow, _ header: RecordImportHeader) throws -> String {
        guard let value = header.value(column, in: row) else {
            throw RowFailure(column: column, error: .invalidField(field: header.headerName(of: column), reason: "不能为空 / is required"))
        }
        return value
    }

    private func time(_ column: RecordImportColumn, _ row: CSVRow, _ header: RecordImportHeader) throws -> Date {
        let text = try required(column, row, header)
        guard let local = SpreadsheetValue.localDateTime(text) else {
            throw RowFailure(column: column, error: .invalidField(field: header.headerName(of: column),
                reason: "无法识别的时间“\(text)”，请用 2026-03-01 09:00 的格式 / cannot read the time \"\(text)\"; use the form 2026-03-01 09:00"))
        }
        return local.instant(in: context.organization.timeZone)
    }

    /// Checks a row against the rules that need no ledger and adds it to the batch.
    private mutating func check(_ row: CSVRow, header: RecordImportHeader) throws {
        let name = try required(.name, row, header)
        let volunteer = try findVolunteer(row, header: header)
        guard volunteer.name == name else {
            throw RowFailure(column: .name, error: .invalidField(field: header.headerName(of: .name),
                reason: "姓名“\(name)”与登记的志愿者不一致 / the name does not match the registered volunteer"))
        }
        let start = try time(.start, row, header)
        let end = try time(.end, row, header)
        let activity = try findActivity(try required(.activity, row, header), start: start, end: end)
        var minutes = ServiceTimeRules.spanMinutes(start: start, end: end)
        if let hoursText = header.value(.hours, in: row) {
            guard let parsed = SpreadsheetValue.hoursAsMinutes(hoursText) else {
                throw RowFailure(column: .hours, error: .invalidField(field: header.headerName(of: .hours),
                    reason: "无法识别的时长“\(hoursText)” / cannot read the hours \"\(hoursText)\""))
            }
            minutes = parsed
        }
        let note = header.value(.note, in: row) ?? ""
        guard note.count <= 500 else {
            throw RowFailure(column: .note, error: .invalidField(field: header.headerName(of: .note), reason: "不能超过 500 个字符 / must be at most 500 characters"))
        }
        var recordedAt = context.now
        if options.keepRecordedAt, header.has(.recordedAt) {
            recordedAt = try time(.recordedAt, row, header)
        }
        if !members.contains(volunteer.id) {
            newMembers.append(Membership(volunteerId: volunteer.id, organizationId: options.organizationId, joinedAt: context.now))
            members.insert(volunteer.id)
        }
        do {
            try ServiceTimeRules.check(start: start, end: end, minutes: minutes, activity: activity,
                                       timeZone: context.organization.timeZone, now: context.now)
        } catch {
            throw RowFailure(column: Self.column(for: error), error: error)
        }
        batch.add(.init(tag: row.lineNumber, volunteerId: volunteer.id, activity: activity, start: start, end: end,
                        minutes: minutes, note: note, recordedAt: recordedAt))
    }

    /// The column a rule violation is reported against.
    private static func column(for error: LedgerError) -> RecordImportColumn? {
        switch error {
        case .endNotAfterStart, .inFuture: .end
        case .minutesNotPositive, .minutesExceedSpan, .dailyLimitExceeded: .hours
        case .outsideActivityWindow, .overlapsRecord: .start
        default: nil
        }
    }

    /// Looks up, in one request per kind, the volunteers that `rows` name and that are not known yet.
    private mutating func lookUpVolunteers(of rows: [CSVRow], header: RecordImportHeader) throws {
        // Bounded memory on files of millions of people: forget and look up again.
        if volunteersByDocument.count > 200_000 { volunteersByDocument.removeAll(keepingCapacity: true) }
        if volunteersByNumber.count > 200_000 { volunteersByNumber.removeAll(keepingCapacity: true) }
        var numbers: Set<String> = []
        var documents: Set<DocumentKey> = []
        for row in rows {
            if let numberText = header.value(.volunteerNumber, in: row) {
                let number = numberText.uppercased()
                if volunteersByNumber[number] == nil { numbers.insert(number) }
            } else if let numberText = header.value(.documentNumber, in: row),
                      let types = try? documentTypes(row, numberText: numberText, header: header) {
                for type in types {
                    if let key = try? document(type: type, numberText: numberText, header: header), volunteersByDocument[key] == nil {
                        documents.insert(key)
                    }
                }
            }
        }
        for number in numbers { volunteersByNumber[number] = .some(nil) }
        for volunteer in try writer.volunteers(numbers: Array(numbers)) { volunteersByNumber[volunteer.number] = volunteer }
        for key in documents { volunteersByDocument[key] = .some(nil) }
        for volunteer in try writer.volunteers(documents: Array(documents)) {
            volunteersByDocument[DocumentKey(type: volunteer.documentType, number: volunteer.documentNumber)] = volunteer
        }
    }

    private mutating func findVolunteer(_ row: CSVRow, header: RecordImportHeader) throws -> Volunteer {
        if let numberText = header.value(.volunteerNumber, in: row) {
            let number = numberText.uppercased()
            if volunteersByNumber[number] == nil {
                volunteersByNumber[number] = .some(try writer.volunteer(number: number))
            }
            guard let found = volunteersByNumber[number] ?? nil else {
                throw RowFailure(column: .volunteerNumber, error: .invalidField(field: header.headerName(of: .volunteerNumber),
                    reason: "志愿者编号 \(number) 未注册 / no volunteer has the number \(number)"))
            }
            return found
        }
        let numberText = try required(.documentNumber, row, header)
        var lastError: RowFailure?
        for type in try documentTypes(row, numberText: numberText, header: header) {
            do {
                return try findVolunteer(type: type, numberText: numberText, header: header)
            } catch let failure as RowFailure {
                lastError = lastError ?? failure
            }
        }
        throw lastError!
    }

    /// The document types a row's number is looked up as. Without a 证件类型 column, 18 characters mean a
    /// resident ID card; anything else is looked up as a passport, then as another document.
    private func documentTypes(_ row: CSVRow, numberText: String, header: RecordImportHeader) throws -> [DocumentType] {
        guard let typeText = header.value(.documentType, in: row) else {
            return numberText.count == 18 ? [.residentID] : [.passport, .other]
        }
        guard let parsed = DocumentType(label: typeText) else {
            throw RowFailure(column: .documentType, error: .invalidField(field: header.headerName(of: .documentType),
                reason: "未知的证件类型“\(typeText)” / unknown document type"))
        }
        return [parsed]
    }

    private func document(type: DocumentType, numberText: String, header: RecordImportHeader) throws -> DocumentKey {
        do {
            let document = try IdentityDocument.validated(type: type, number: numberText, declaredBirthDate: nil, declaredSex: nil,
                                                          today: LocalDate(context.now, in: context.organization.timeZone))
            return DocumentKey(type: document.type, number: document.number)
        } catch {
            throw RowFailure(column: .documentNumber, error: .invalidField(field: header.headerName(of: .documentNumber), reason: "\(error)"))
        }
    }

    private mutating func findVolunteer(type: DocumentType, numberText: String, header: RecordImportHeader) throws -> Volunteer {
        let key = try document(type: type, numberText: numberText, header: header)
        if volunteersByDocument[key] == nil {
            volunteersByDocument[key] = .some(try writer.volunteer(documentType: key.type, documentNumber: key.number))
        }
        guard let found = volunteersByDocument[key] ?? nil else {
            throw RowFailure(column: .documentNumber, error: .invalidField(field: header.headerName(of: .documentNumber),
                reason: "该证件号码的志愿者尚未注册，请先登记志愿者 / no volunteer is registered with this document number; register them first"))
        }
        return found
    }

    /// An activity of the organization named by id or by title; among same-titled activities, the one
    /// whose time window holds the service.
    private mutating func findActivity(_ key: String, start: Date, end: Date) throws -> Activity {
        if activitiesByKey[key] == nil {
            if let id = Int64(key), let activity = try writer.activity(id: id), activity.organizationId == options.organizationId {
                activitiesByKey[key] = [activity]
            } else {
                activitiesByKey[key] = try writer.activities(organizationId: options.organizationId, title: key)
            }
        }
        let candidates = activitiesByKey[key] ?? []
        guard !candidates.isEmpty else {
            throw RowFailure(column: .activity, error: .invalidField(field: "activity",
                reason: "本组织没有活动“\(key)” / this organization has no activity \"\(key)\""))
        }
        if candidates.count == 1 { return candidates[0] }
        let fitting = candidates.filter { $0.startAt <= start && end <= $0.endAt }
        guard fitting.count == 1 else {
            throw RowFailure(column: .activity, error: .invalidField(field: "activity",
                reason: "有多个名为“\(key)”的活动，请填写活动编号 / several activities are titled \"\(key)\"; use the activity id"))
        }
        return fitting[0]
    }

    /// Advances the organization's chain head once for the whole file.
    mutating func finish(report: inout ImportReport) throws {
        if report.imported > 0 {
            try writer.advanceChain(organizationId: options.organizationId, to: chain)
        }
    }
}
