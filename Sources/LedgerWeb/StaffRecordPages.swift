import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

/// Staff pages of hour records: recording hours for many volunteers at once, the records list and its
/// exports, a record's history, corrections and voiding.
struct StaffRecordPages {
    let ledger: Ledger
    let renderer: PageRenderer
    /// Empty rows of a new batch form.
    static let blankRows = 10

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/activities/:id/record") { _, context in try await batchForm(context, rows: nil, errors: [:], formError: nil) }
        pages.post("/org/activities/:id/record") { _, context in try await recordBatch(context) }
        pages.get("/org/records") { request, context in try await records(request, context) }
        pages.get("/org/records.csv") { request, context in try await export(request, context, totals: false) }
        pages.get("/org/volunteer-totals.csv") { request, context in try await export(request, context, totals: true) }
        pages.get("/org/records.xlsx") { request, context in try await exportWorkbook(request, context, totals: false) }
        pages.get("/org/volunteer-totals.xlsx") { request, context in try await exportWorkbook(request, context, totals: true) }
        pages.get("/org/records/:id") { _, context in try await record(context, errors: FieldErrors()) }
        pages.post("/org/records/:id/correct") { _, context in try await correct(context) }
        pages.post("/org/records/:id/void") { _, context in try await void(context) }
    }

    // MARK: Recording many at once

    struct BatchRow {
        var index: Int
        /// The row number shown (1-based).
        var position: Int
        var volunteerNumber: String
        var start: String
        var end: String
        var hours: String
        var note: String
        var error: String?
    }

    struct MemberOption {
        var number: String
        var name: String
    }

    struct BatchPage {
        var activityId: Int64
        var activity: String
        var window: String
        var rows: [BatchRow]
        var members: [MemberOption]
        var formError: String?
        var errorCount: Int
        var hasErrors: Bool
    }

    func batchForm(_ context: WebRequestContext, rows: [BatchRow]?, errors: [Int: String], formError: String?) async throws -> Response {
        let scope = try StaffScope(context)
        let activity = try await ledger.activity(id: try context.pathID(), by: scope.principal)
        guard AccessPolicy.canWriteOrganizationData(scope.principal, organizationId: activity.organizationId) else {
            throw LedgerError.forbidden("只能为本组织的活动登记时长 / hours can only be recorded on your own organization's activities")
        }
        let zone = try await scope.timeZone(ledger)
        let start = PageFormat.inputTime(activity.startAt, zone), end = PageFormat.inputTime(activity.endAt, zone)
        var shown = rows ?? (0..<Self.blankRows).map { BatchRow(index: $0, position: $0 + 1, volunteerNumber: "", start: start, end: end, hours: "", note: "") }
        for index in shown.indices { shown[index].error = errors[shown[index].index] }
        let members = try await ledger.members(organizationId: scope.organizationId, after: nil, limit: 500, by: scope.principal).items
        let page = BatchPage(activityId: activity.id, activity: activity.title,
                             window: PageFormat.span(activity, zone),
                             rows: shown, members: members.map { MemberOption(number: $0.number, name: $0.name) },
                             formError: formError, errorCount: errors.count, hasErrors: !errors.isEmpty)
        return renderer.render("org/record-batch", title: renderer.text("record_hours", context.language), page: page, context: context,
                               status: errors.isEmpty && formError == nil ? .ok : .unprocessableContent)
    }

    func recordBatch(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let activityId = try context.pathID()
        let zone = try await scope.timeZone(ledger)
        let f = context.form
        let numbers = f.all("volunteerNumber"), starts = f.all("start"), ends = f.all("end"), hours = f.all("hours"), notes = f.all("note")
        guard numbers.count <= Ledger.maxBatchEntries else { throw LedgerError.invalidField(field: "entries", reason: "too many rows") }
        var rows: [BatchRow] = []
        var entries: [BatchRecordEntry] = []
        var entryRow: [Int] = []
        var errors: [Int: String] = [:]
        for index in numbers.indices {
            let value = { (list: [String]) in index < list.count ? list[index].trimmingCharacters(in: .whitespaces) : "" }
            let row = BatchRow(index: index, position: index + 1, volunteerNumber: value(numbers), start: value(starts), end: value(ends), hours: value(hours),
                               note: value(notes))
            rows.append(row)
            guard !row.volunteerNumber.isEmpty else { continue }
            guard let start = PageFormat.parseTime(row.start, zone), let end = PageFormat.parseTime(row.end, zone) else {
                errors[index] = renderer.text("error_time", context.language)
                continue
            }
            guard let minutes = PageFormat.parseHours(row.hours) else {
                errors[index] = renderer.text("error_hours", context.language)
                continue
            }
            entries.append(BatchRecordEntry(volunteerNumber: row.volunteerNumber, start: start, end: end, minutes: minutes,
                                            note: row.note.isEmpty ? nil : row.note))
            entryRow.append(index)
        }
        guard errors.isEmpty else { return try await batchForm(context, rows: rows, errors: errors, formError: nil) }
        guard !entries.isEmpty else {
            return try await batchForm(context, rows: rows, errors: [:], formError: renderer.text("error_no_rows", context.language))
        }
        do {
            let stored = try await ledger.recordServices(activityId: activityId, entries, by: scope.principal)
            return WebRedirect.to("/org/activities/\(activityId)?recorded=\(stored.count)")
        } catch let rejection as BatchRecordingRejected {
            for row in rejection.rows { errors[entryRow[row.index]] = BilingualText.pick(row.error.message, context.language) }
            return try await batchForm(context, rows: rows, errors: errors, formError: nil)
        }
    }

    // MARK: The records list and exports

    struct RecordsPage {
        var rows: [RecordRow]
        var next: String?
        var from: String
        var to: String
        var late: Bool
        var includeVoid: Bool
        var query: String
    }

    /// The list filter from the query: days in the organization's zone, late only, voided too.
    func filter(_ request: Request, _ scope: StaffScope, zone: TimeZone) throws -> (RecordFilter, RecordsPage) {
        let q = request.uri.queryParameters
        let from = q.get("from").flatMap { $0.isEmpty ? nil : $0 }, to = q.get("to").flatMap { $0.isEmpty ? nil : $0 }
        var filter = RecordFilter(organizationId: scope.organizationId, includeVoid: q.get("void") == "1", onlyLate: q.get("late") == "1")
        if let from {
            guard let day = LocalDate(iso: from) else { throw LedgerError.invalidField(field: "from", reason: "日期格式应为 YYYY-MM-DD / use YYYY-MM-DD") }
            filter.startsFrom = day.startOfDay(in: zone)
        }
        if let to {
            guard let day = LocalDate(iso: to) else { throw LedgerError.invalidField(field: "to", reason: "日期格式应为 YYYY-MM-DD / use YYYY-MM-DD") }
            filter.startsBefore = day.adding(days: 1).startOfDay(in: zone)
        }
        var query: [String] = []
        if let from { query.append("from=\(from)") }
        if let to { query.append("to=\(to)") }
        if filter.onlyLate { query.append("late=1") }
        if filter.includeVoid { query.append("void=1") }
        let page = RecordsPage(rows: [], next: nil, from: from ?? "", to: to ?? "", late: filter.onlyLate, includeVoid: filter.includeVoid,
                               query: query.joined(separator: "&"))
        return (filter, page)
    }

    func records(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let zone = try await scope.timeZone(ledger)
        var (filter, page) = try filter(request, scope, zone: zone)
        filter = try ledger.recordFilter(filter, visibleTo: scope.principal)
        let after = request.uri.queryParameters.get("after").flatMap { Int64($0) }
        let records = try await ledger.records(filter, after: after, limit: 50, by: scope.principal)
        page.rows = try await RecordRow.rows(records.items, ledger: ledger, zone: zone, renderer: renderer,
                                             language: context.language)
        page.next = records.nextAfter.map { "/org/records?\(page.query.isEmpty ? "" : page.query + "&")after=\($0)" }
        return renderer.render("org/records", title: renderer.text("nav_records", context.language), page: page, context: context)
    }

    func export(_ request: Request, _ context: WebRequestContext, totals: Bool) async throws -> Response {
        let scope = try StaffScope(context)
        let zone = try await scope.timeZone(ledger)
        let filter = try ledger.recordFilter(try self.filter(request, scope, zone: zone).0, visibleTo: scope.principal)
        let principal = scope.principal
        let name = totals ? "volunteer-totals.csv" : "service-records.csv"
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: ResponseBody { [ledger] writer in
            let sink: ([UInt8]) async throws -> Void = { bytes in try await writer.write(ByteBuffer(bytes: bytes)) }
            if totals {
                try await ledger.exportVolunteerTotals(filter, by: principal, write: sink)
            } else {
                try await ledger.exportRecords(filter, by: principal, write: sink)
            }
            try await writer.finish(nil)
        })
    }

    /// The same export as an Excel workbook (built in memory: an organization's records fit).
    func exportWorkbook(_ request: Request, _ context: WebRequestContext, totals: Bool) async throws -> Response {
        let scope = try StaffScope(context)
        let zone = try await scope.timeZone(ledger)
        let filter = try ledger.recordFilter(try self.filter(request, scope, zone: zone).0, visibleTo: scope.principal)
        var csv: [UInt8] = []
        if totals {
            try await ledger.exportVolunteerTotals(filter, by: scope.principal) { csv += $0 }
        } else {
            try await ledger.exportRecords(filter, by: scope.principal) { csv += $0 }
        }
        let workbook = try XLSXWriter.fromCSV(csv)
        let name = totals ? "volunteer-totals.xlsx" : "service-records.xlsx"
        var headers: HTTPFields = [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   .contentDisposition: "attachment; filename=\"\(name)\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: workbook)))
    }

    // MARK: One record

    struct RecordPage {
        var record: RecordRow
        var note: String
        var history: [RevisionRow]
        var canVoid: Bool
        var correctStart: String
        var correctEnd: String
        var correctHours: String
        var errors: [String: String]
    }

    func record(_ context: WebRequestContext, errors: FieldErrors) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let record = try await ledger.record(id: id, by: scope.principal)
        let history = try await ledger.history(recordId: id, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let row = try await RecordRow.rows([record], ledger: ledger, zone: zone, renderer: renderer,
                                           language: context.language)[0]
        let revisions = RevisionRow.rows(history, zone: zone, renderer: renderer, language: context.language)
        let f = context.form
        let page = RecordPage(record: row, note: record.note, history: revisions,
                              canVoid: AccessPolicy.canAdministerOrganization(scope.principal, organizationId: record.organizationId) && !record.isVoid,
                              correctStart: f["start"] ?? PageFormat.inputTime(record.startAt, zone),
                              correctEnd: f["end"] ?? PageFormat.inputTime(record.endAt, zone),
                              correctHours: f["hours"] ?? PageFormat.hours(record.minutes), errors: errors.dictionary)
        return renderer.render("org/record", title: "\(renderer.text("record", context.language)) #\(id)", page: page, context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func correct(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let zone = try await scope.timeZone(ledger)
        let f = context.form
        var errors = FieldErrors()
        let start = PageFormat.parseTime(f["start"], zone), end = PageFormat.parseTime(f["end"], zone)
        if start == nil { errors.add("start", renderer.text("error_time", context.language)) }
        if end == nil { errors.add("end", renderer.text("error_time", context.language)) }
        let minutes = PageFormat.parseHours(f["hours"])
        if minutes == nil { errors.add("hours", renderer.text("error_hours", context.language)) }
        guard errors.isEmpty else { return try await record(context, errors: errors) }
        do {
            _ = try await ledger.correctRecord(id: id, RecordCorrection(start: start, end: end, minutes: minutes ?? nil, note: f["note"],
                                                                        reason: f["reason"] ?? ""), by: scope.principal)
            return WebRedirect.to("/org/records/\(id)#history")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language, defaultField: "reason")
            return try await record(context, errors: errors)
        }
    }

    func void(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        do {
            _ = try await ledger.voidRecord(id: id, reason: context.form["voidReason"] ?? "", by: scope.principal)
            return WebRedirect.to("/org/records/\(id)#history")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var errors = FieldErrors()
            errors.add("voidReason", BilingualText.pick(error.message, context.language))
            return try await record(context, errors: errors)
        }
    }
}
