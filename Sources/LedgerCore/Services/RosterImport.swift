import Foundation

extension Ledger {
    /// Imports a roster (花名册) of volunteers into an organization, atomically: each row is checked as the staff's
    /// registration form checks it; a person already on the platform (same document) joins the organization when the
    /// name matches, a member already is reported as such; a document twice in the file is refused naming both lines.
    /// If any row is bad nothing is stored and the report names every bad row. Streams the file in batches: the
    /// people of a batch are looked up by document in one request, so the work grows with the file, not the ledger.
    ///
    /// - Parameters:
    ///   - openFile: opens the CSV (called inside the transaction).
    ///   - progress: called every thousand rows with (rows read, bytes read, total bytes).
    public func importVolunteers(openFile: @escaping @Sendable () throws -> CSVReader, options: ImportOptions,
                                 by principal: Principal,
                                 progress: (@Sendable (Int, Int, Int?) -> Void)? = nil) async throws -> ImportReport {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: options.organizationId) else {
            throw LedgerError.forbidden("只能为本组织导入志愿者 / you can only import volunteers into your own organization")
        }
        let now = self.now
        let random = self.random
        var report = try await importFile(openFile: openFile, options: options, progress: progress, begin: { w in
            guard try w.organization(id: options.organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(options.organizationId))
            }
            return RosterImportRun(writer: w, organizationId: options.organizationId, now: now, random: random)
        })
        report.volunteersRegistered = report.volunteersRegistered ?? 0
        report.alreadyMembers = report.alreadyMembers ?? 0
        report.notices = report.notices ?? []
        return report
    }
}

/// The people of a roster file, checked and stored a batch at a time.
private struct RosterImportRun: ImportBatchStore {
    typealias Column = RosterImportColumn
    private typealias RowFailure = ImportRowFailure<RosterImportColumn>

    let writer: any LedgerWriter
    let organizationId: Int64
    let now: Date
    let today: LocalDate
    private var numbers: RandomSource.Generator
    /// The line each document was first seen on, to refuse a person listed twice.
    private var lineByDocument: [DocumentKey: Int] = [:]
    static let maxNotices = 100

    init(writer: any LedgerWriter, organizationId: Int64, now: Date, random: RandomSource) {
        self.writer = writer
        self.organizationId = organizationId
        self.now = now
        today = LocalDate(now, in: .ledgerDefault)
        numbers = random.generator
    }

    mutating func store(_ rows: [CSVRow], header: RosterImportHeader, report: inout ImportReport) throws -> [ImportRowError] {
        var errors: [ImportRowError] = []
        var people: [(line: Int, registration: CheckedRegistration, document: DocumentKey)] = []
        for row in rows {
            do {
                let registration = try registration(row, header: header)
                let document = DocumentKey(type: registration.document.type, number: registration.document.number)
                if let first = lineByDocument[document] {
                    throw RowFailure(column: .documentNumber, error: .invalidField(field: "documentNumber",
                        reason: "与第 \(first) 行的证件号码相同，同一人只能出现一次 / the same document number as line \(first); list each person once"))
                }
                lineByDocument[document] = row.lineNumber
                people.append((row.lineNumber, registration, document))
            } catch let failure as RowFailure {
                errors.append(failure.rowError(line: row.lineNumber, header: header))
            }
        }
        // Those already on the platform, by the unique index on documents; then which of them are members here.
        var existing: [DocumentKey: Volunteer] = [:]
        for volunteer in try writer.volunteers(documents: people.map(\.document)) {
            existing[DocumentKey(type: volunteer.documentType, number: volunteer.documentNumber)] = volunteer
        }
        let members = try writer.memberIds(organizationId: organizationId, among: existing.values.map(\.id))
        var joining: [Membership] = []
        var newcomers: [CheckedRegistration] = []
        for person in people {
            guard let found = existing[person.document] else {
                newcomers.append(person.registration)
                continue
            }
            guard found.name == person.registration.name else {
                // The name on file is not shown: the file's author may not know who holds the number.
                errors.append(ImportRowError(line: person.line, column: header.headerName(of: .name), code: "name-mismatch",
                    message: "该证件号码已在平台登记，但姓名“\(ImportExcerpt.of(person.registration.name))”与登记的姓名不一致 / this document number is registered on the platform under another name than \"\(ImportExcerpt.of(person.registration.name))\""))
                continue
            }
            if members.contains(found.id) {
                report.alreadyMembers = (report.alreadyMembers ?? 0) + 1
                report.validRows += 1
                var notices = report.notices ?? []
                if notices.count < Self.maxNotices {
                    notices.append(ImportRowError(line: person.line, column: nil, code: "already-member",
                                                  message: "\(found.name)（\(found.number)）已是本组织成员 / already a member: \(found.name) (\(found.number))"))
                }
                report.notices = notices
            } else {
                joining.append(Membership(volunteerId: found.id, organizationId: organizationId, joinedAt: now))
            }
        }
        let numbers = try newNumbers(count: newcomers.count)
        let registered = try writer.insert(zip(newcomers, numbers).map { $0.volunteer(number: $1, registeredAt: now) })
        let joined = joining.count
        joining += registered.map { Membership(volunteerId: $0.id, organizationId: organizationId, joinedAt: now) }
        _ = try writer.insert(joining)
        report.volunteersRegistered = (report.volunteersRegistered ?? 0) + registered.count
        report.membershipsAdded += joined
        report.imported += registered.count + joined
        report.validRows += registered.count + joined
        return errors
    }

    func finish(report: inout ImportReport) throws {}

    /// `count` volunteer numbers that no one holds, looked up together.
    private mutating func newNumbers(count: Int) throws -> [String] {
        var chosen: [String] = []
        var attempts = 0
        while chosen.count < count {
            attempts += 1
            guard attempts <= 5 else {
                throw LedgerError.invalidField(field: "number", reason: "could not allocate volunteer numbers; try again")
            }
            var candidates = Set<String>()
            while candidates.count < count - chosen.count {
                let number = VolunteerNumber.random(using: &numbers).value
                if !chosen.contains(number) { candidates.insert(number) }
            }
            let taken = Set(try writer.volunteers(numbers: Array(candidates)).map(\.number))
            chosen += candidates.subtracting(taken).sorted()
        }
        return chosen
    }

    /// A row read as the registration form reads its fields, checked as the form is checked.
    private func registration(_ row: CSVRow, header: RosterImportHeader) throws -> CheckedRegistration {
        var documentType: DocumentType?
        if let text = header.value(.documentType, in: row) {
            guard let type = DocumentType(label: text) else {
                throw RowFailure(column: .documentType, error: .invalidField(field: "documentType",
                    reason: "未知的证件类型“\(ImportExcerpt.of(text))”，可填：居民身份证、护照、其他 / unknown document type \"\(ImportExcerpt.of(text))\": use 居民身份证, 护照 or 其他"))
            }
            documentType = type
        }
        var sex: Sex?
        if let text = header.value(.sex, in: row) {
            guard let parsed = Sex(label: text) else {
                throw RowFailure(column: .sex, error: .invalidField(field: "sex",
                    reason: "无法识别的性别“\(ImportExcerpt.of(text))”，请填男或女 / cannot read the sex \"\(ImportExcerpt.of(text))\": use 男 or 女"))
            }
            sex = parsed
        }
        var birthDate: LocalDate?
        if let text = header.value(.birthDate, in: row) {
            guard let parsed = LocalDate(iso: text) ?? SpreadsheetValue.localDateTime(text + " 00:00")?.date else {
                throw RowFailure(column: .birthDate, error: .invalidField(field: "birthDate",
                    reason: "无法识别的日期“\(ImportExcerpt.of(text))”，请用 1990-01-31 的格式 / cannot read the date \"\(ImportExcerpt.of(text))\"; use the form 1990-01-31"))
            }
            birthDate = parsed
        }
        let number = header.value(.documentNumber, in: row) ?? ""
        if number.range(of: #"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$"#, options: .regularExpression) != nil {
            throw RowFailure(column: .documentNumber, error: .invalidField(field: "documentNumber",
                reason: "证件号码“\(ImportExcerpt.of(number))”被 Excel 当成了数字，请把该列设为文本后重新填写 / Excel turned the document number \"\(ImportExcerpt.of(number))\" into a number: format the column as text and type it again"))
        }
        let input = VolunteerRegistration(
            name: header.value(.name, in: row) ?? "", sex: sex, birthDate: birthDate, documentType: documentType, documentNumber: number,
            residenceArea: header.value(.residenceArea, in: row), phone: header.value(.phone, in: row) ?? "",
            skills: header.value(.skills, in: row).map(Self.list), serviceCategories: try categories(row, header: header))
        do {
            return try input.checked(today: today)
        } catch {
            let column = RosterImportColumn(field: error.field)
            guard let column, case .invalidField(let field, let reason) = error else { throw RowFailure(column: column, error: error) }
            // The reason with the cell it is about, in both languages, so that the report shows what was read.
            guard let cell = header.value(column, in: row).map(ImportExcerpt.of) else { throw RowFailure(column: column, error: error) }
            let halves = reason.components(separatedBy: " / ")
            let quoted = halves.count > 1
                ? "“\(cell)”：\(halves[0]) / \"\(cell)\": \(halves.dropFirst().joined(separator: " / "))"
                : "“\(cell)”：\(reason)"
            throw RowFailure(column: column, error: .invalidField(field: field, reason: quoted))
        }
    }

    private func categories(_ row: CSVRow, header: RosterImportHeader) throws -> [ServiceCategory]? {
        guard let text = header.value(.serviceCategories, in: row) else { return nil }
        return try Self.list(text).map { label in
            guard let category = ServiceCategory(label: label) else {
                let known = ServiceCategory.allCases.map(\.chineseLabel).joined(separator: "、")
                throw RowFailure(column: .serviceCategories, error: .invalidField(field: "serviceCategories",
                    reason: "未知的服务类别“\(ImportExcerpt.of(label))”，可填：\(known) / unknown service category \"\(ImportExcerpt.of(label))\""))
            }
            return category
        }
    }

    /// A cell holding several items, separated by 、，,；; or /.
    private static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { "、，,；;/".contains($0) }).map { SpreadsheetValue.trimmed(String($0)) }.filter { !$0.isEmpty }
    }
}

/// A short excerpt of a cell for a message: at most 20 characters, so a report stays short whatever the file holds.
enum ImportExcerpt {
    static func of(_ text: String) -> String {
        text.count > 20 ? text.prefix(20) + "…" : text
    }
}
