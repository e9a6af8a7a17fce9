import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

extension StaffImportPages.ImportKind {
    /// A roster of volunteers (花名册) on `/org/volunteers/import`.
    static let roster = StaffImportPages.ImportKind(job: .roster, path: "/org/volunteers/import", template: "org/roster-import",
                                                    titleKey: "roster_import") { ledger, bytes, options, principal, progress in
        try await ledger.importVolunteers(openFile: { try CSVReader(bytes: bytes) }, options: options, by: principal, progress: progress)
    }
}

/// The roster template (志愿者花名册模板) to fill in: the columns of the registration form with Chinese headers, as
/// a workbook and as CSV (UTF-8 with a byte order mark, which Excel opens as Chinese text).
struct RosterTemplateFiles {
    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/volunteers/import/template.xlsx") { _, context -> Response in
            _ = try StaffScope(context)
            var writer = XLSXWriter()
            writer.writeRow(Self.headers.map { .text($0) })
            return Self.download(try writer.bytes(), name: "roster-template.xlsx",
                                 type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        pages.get("/org/volunteers/import/template.csv") { _, context -> Response in
            _ = try StaffScope(context)
            return Self.download([0xEF, 0xBB, 0xBF] + Array((Self.headers.joined(separator: ",") + "\r\n").utf8), name: "roster-template.csv",
                                 type: "text/csv; charset=utf-8")
        }
    }

    /// Every column of the roster, by its Chinese header.
    static var headers: [String] { RosterImportColumn.allCases.map(\.chineseName) }

    private static func download(_ bytes: [UInt8], name: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
