import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

/// Uploading a CSV of hour records from the browser: the whole file is imported, or nothing and every
/// bad row is listed with its line, column and reason.
struct StaffImportPages {
    let ledger: Ledger
    let renderer: PageRenderer

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
    }

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/import") { _, context -> Response in
            _ = try StaffScope(context)
            return render(ImportPage(membershipsAdded: 0, errorCount: 0, errors: [], moreErrors: 0), context: context)
        }
        pages.post("/org/import") { _, context in try await upload(context) }
    }

    func render(_ page: ImportPage, context: WebRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        renderer.render("org/import", title: renderer.text("nav_import", context.language), page: page, context: context, status: status)
    }

    func upload(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        guard let file = context.form.files["file"], !file.bytes.isEmpty else {
            return render(ImportPage(membershipsAdded: 0, errorCount: 0, errors: [], moreErrors: 0,
                                     formError: renderer.text("import_no_file", context.language)), context: context, status: .unprocessableContent)
        }
        let filename = String(file.filename.suffix(80))
        let report: ImportReport
        do {
            // An Excel workbook's first sheet goes through the same import as a CSV file.
            let bytes = XLSXReader.looksLikeWorkbook(file.bytes) ? try XLSXReader.csv(file.bytes) : file.bytes
            report = try await ledger.importRecords(openFile: { try CSVReader(bytes: bytes) },
                                                    options: ImportOptions(organizationId: scope.organizationId), by: scope.principal)
        } catch let error as XLSXError {
            return render(ImportPage(filename: filename, membershipsAdded: 0, errorCount: 1, errors: [], moreErrors: 0,
                                     formError: "\(filename): \(error)"), context: context, status: .unprocessableContent)
        } catch let error as CSVError {
            return render(ImportPage(filename: filename, membershipsAdded: 0, errorCount: 1, errors: [], moreErrors: 0,
                                     formError: "\(filename): \(error)"), context: context, status: .unprocessableContent)
        } catch let error as LedgerError where error.kind == .invalidInput {
            return render(ImportPage(filename: filename, membershipsAdded: 0, errorCount: 1, errors: [], moreErrors: 0,
                                     formError: BilingualText.pick(error.message, context.language)), context: context, status: .unprocessableContent)
        }
        if report.errorCount > 0 {
            // Row messages are bilingual: the page shows its own language.
            let shown = report.errors.prefix(200).map { error in
                var error = error
                error.message = BilingualText.pick(error.message, context.language)
                return error
            }
            var page = ImportPage(filename: filename, membershipsAdded: 0, encoding: report.encoding, errorCount: report.errorCount,
                                  errors: shown, moreErrors: report.errorCount - shown.count)
            page.listsErrors = true
            page.hasMoreErrors = page.moreErrors > 0
            return render(page, context: context, status: .unprocessableContent)
        }
        guard report.imported > 0 else {
            return render(ImportPage(filename: filename, membershipsAdded: 0, errorCount: 0, errors: [], moreErrors: 0,
                                     formError: renderer.text("import_empty", context.language)), context: context, status: .unprocessableContent)
        }
        context.logger.info("web import", metadata: ["rows": "\(report.imported)", "organization": "\(scope.organizationId)"])
        return render(ImportPage(filename: filename, imported: report.imported, hours: PageFormat.hours(report.minutesImported),
                                 membershipsAdded: report.membershipsAdded, encoding: report.encoding, errorCount: 0, errors: [],
                                 moreErrors: 0), context: context)
    }
}
