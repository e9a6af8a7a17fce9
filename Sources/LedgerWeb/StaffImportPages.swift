import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

/// Uploading a CSV or workbook from the browser (hour records on `/org/import`, a roster of volunteers on
/// `/org/volunteers/import`): the file is checked in the background while its job page shows rows checked of the
/// total; then the whole file is imported, or nothing and every bad row is listed with its line, column and reason.
struct StaffImportPages {
    let ledger: Ledger
    let renderer: PageRenderer
    let jobs: ImportJobs
    var kind: ImportKind = .records

    /// What differs between the kinds of upload: their pages, their template and the use case that imports the file.
    struct ImportKind: Sendable {
        var job: ImportJobs.Kind
        /// The form's path; its jobs are under `path/jobs/`.
        var path: String
        var template: String
        var titleKey: String
        var run: @Sendable (Ledger, _ bytes: [UInt8], ImportOptions, Principal, _ progress: @escaping @Sendable (Int, Int, Int?) -> Void)
            async throws -> ImportReport

        static let records = ImportKind(job: .records, path: "/org/import", template: "org/import", titleKey: "nav_import") {
            ledger, bytes, options, principal, progress in
            try await ledger.importRecords(openFile: { try CSVReader(bytes: bytes) }, options: options, by: principal, progress: progress)
        }
    }

    struct ImportPage {
        var filename: String?
        var imported: Int?
        var hours: String?
        var membershipsAdded: Int
        var encoding: String?
        var errorCount: Int
        var errors: [ImportRowError]
        var moreErrors: Int
        var formError: String?
        /// Mustache counts every number as true, so the sections test these.
        var listsErrors = false
        var hasMoreErrors = false
        /// While the job runs: its id, rows checked, the total and the percentage.
        var running = false
        var jobId: String?
        var rowsChecked = 0
        var totalRows = 0
        var percent = 0
        /// A roster: people registered anew, already on the platform and joined, members already, and those rows.
        var registered = 0
        var joined = 0
        var alreadyMembers = 0
        var notices: [ImportRowError] = []
        var isRoster = false
        /// A roster whose people were all members already.
        var nothingNew = false
        var listsNotices = false

        static let empty = ImportPage(membershipsAdded: 0, errorCount: 0, errors: [], moreErrors: 0)
    }

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get(RouterPath(kind.path)) { _, context -> Response in
            _ = try StaffScope(context)
            return render(.empty, context: context)
        }
        pages.post(RouterPath(kind.path)) { _, context in try await upload(context) }
        pages.get(RouterPath(kind.path + "/jobs/:job")) { _, context -> Response in
            let job = try job(context)
            var page = page(for: job, language: context.language)
            let status: HTTPResponse.Status = page.listsErrors || page.formError != nil ? .unprocessableContent : .ok
            page.jobId = job.id
            return render(page, context: context, status: status, refresh: page.running ? 2 : nil)
        }
        // For the page's script: rows checked so far, and whether the job is done.
        pages.get(RouterPath(kind.path + "/jobs/:job/progress")) { _, context -> Response in
            let progress = try job(context).progress
            let body = "{\"running\":\(progress != nil),\"rowsChecked\":\(progress?.rowsChecked ?? 0),"
                + "\"totalRows\":\(progress?.totalRows ?? 0),\"percent\":\(progress?.percent ?? 0)}"
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    func render(_ page: ImportPage, context: WebRequestContext, status: HTTPResponse.Status = .ok, refresh: Int? = nil) -> Response {
        renderer.render(kind.template, title: renderer.text(kind.titleKey, context.language), page: page, context: context,
                        status: status, refreshSeconds: refresh)
    }

    /// The form again with `message` beside it; nothing was started.
    private func refused(_ message: String, filename: String? = nil, context: WebRequestContext,
                         status: HTTPResponse.Status = .unprocessableContent) -> Response {
        var page = ImportPage.empty
        page.filename = filename
        page.formError = message
        return render(page, context: context, status: status)
    }

    private func job(_ context: WebRequestContext) throws -> ImportJobs.Job {
        let scope = try StaffScope(context)
        guard let job = jobs.job(context.parameters.get("job") ?? "", organizationId: scope.organizationId, kind: kind.job) else {
            throw LedgerError.notFound(entity: "import", key: String((context.parameters.get("job") ?? "").prefix(40)))
        }
        return job
    }

    /// Checks the upload, starts its import in the background and sends the browser to the job's page.
    func upload(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        guard let file = context.form.files["file"], !file.bytes.isEmpty else {
            return refused(renderer.text("import_no_file", context.language), context: context)
        }
        let filename = String(file.filename.suffix(80))
        let bytes: [UInt8]
        do {
            // An Excel workbook's first sheet goes through the same import as a CSV file.
            bytes = XLSXReader.looksLikeWorkbook(file.bytes) ? try XLSXReader.csv(file.bytes) : file.bytes
        } catch let error as XLSXError {
            return refused("\(filename): \(error)", filename: filename, context: context)
        }
        guard let job = jobs.start(organizationId: scope.organizationId, kind: kind.job, filename: filename,
                                     totalRows: ImportJobs.rowEstimate(bytes)) else {
            return refused(renderer.text("import_busy", context.language), context: context, status: .tooManyRequests)
        }
        let ledger = self.ledger, jobs = self.jobs, logger = context.logger, kind = self.kind
        let organizationId = scope.organizationId, principal = scope.principal
        Task {
            do {
                let report = try await kind.run(ledger, bytes, ImportOptions(organizationId: organizationId), principal) { rows, _, _ in
                    jobs.progress(job.id, rowsChecked: rows)
                }
                jobs.finish(job.id, .finished(report))
                if report.committed {
                    logger.info("web import", metadata: ["kind": "\(kind.job)", "rows": "\(report.imported)",
                                                         "organization": "\(organizationId)"])
                }
            } catch let error as LedgerError {
                jobs.finish(job.id, .refused(error.message))
            } catch {
                logger.error("web import failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                jobs.finish(job.id, .refused("导入失败，请重试 / the import failed; try again"))
            }
        }
        return Response(status: .seeOther, headers: [.location: "\(kind.path)/jobs/\(job.id)"])
    }

    /// The page of a job as it stands, in `language`.
    func page(for job: ImportJobs.Job, language: PageLanguage) -> ImportPage {
        var page = ImportPage.empty
        page.filename = job.filename
        switch job.state {
        case .running:
            if let progress = job.progress {
                page.running = true
                (page.rowsChecked, page.totalRows, page.percent) = progress
            }
        case .refused(let message):
            page.errorCount = 1
            page.formError = "\(job.filename): " + BilingualText.pick(message, language)
        case .finished(let report) where report.errorCount > 0:
            // Row messages are bilingual: the page shows its own language.
            let shown = report.errors.prefix(200).map { error in
                var error = error
                error.message = BilingualText.pick(error.message, language)
                return error
            }
            page.encoding = report.encoding
            page.errorCount = report.errorCount
            page.errors = Array(shown)
            page.moreErrors = report.errorCount - shown.count
            page.listsErrors = true
            page.hasMoreErrors = page.moreErrors > 0
        case .finished(let report) where report.imported == 0 && (report.alreadyMembers ?? 0) == 0:
            page.formError = renderer.text(report.volunteersRegistered == nil ? "import_empty" : "roster_import_empty", language)
        case .finished(let report):
            page.imported = report.imported
            page.hours = PageFormat.hours(report.minutesImported)
            page.membershipsAdded = report.membershipsAdded
            page.encoding = report.encoding
            if let registered = report.volunteersRegistered {
                page.isRoster = true
                page.nothingNew = report.imported == 0
                page.registered = registered
                page.joined = report.membershipsAdded
                page.alreadyMembers = report.alreadyMembers ?? 0
                page.notices = (report.notices ?? []).map { notice in
                    var notice = notice
                    notice.message = BilingualText.pick(notice.message, language)
                    return notice
                }
                page.listsNotices = !page.notices.isEmpty
            }
        }
        return page
    }
}
