import Foundation
import Hummingbird
import LedgerCore

/// CSV uploads of hour records and of rosters of volunteers, and CSV downloads for Excel.
struct ImportExportRoutes {
    let ledger: Ledger
    /// The largest upload accepted (a million rows is about 100 MB).
    static let maxUploadBytes = ImportLimits.maxFileBytes

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organizations/:id/imports") { request, context -> EditedResponse<ImportReport> in
            let principal = try context.requirePrincipal()
            let organizationId = try context.id()
            guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
                throw LedgerError.forbidden("只能为本组织导入记录 / you can only import records into your own organization")
            }
            let file = try await Self.spool(request.body)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let report = try await ledger.importRecords(openFile: { try CSVReader(path: file) },
                                                        options: ImportOptions(organizationId: organizationId), by: principal)
            guard report.errorCount == 0 else { throw ImportRejection(report: report) }
            guard report.imported > 0 else {
                throw LedgerError.invalidField(field: "file", reason: "文件中没有记录 / the file has no records")
            }
            return EditedResponse(status: .created, response: report)
        }
        // A roster of volunteers (花名册), as the roster page imports it: whole or not at all.
        api.post("organizations/:id/volunteer-imports") { request, context -> EditedResponse<ImportReport> in
            let principal = try context.requirePrincipal()
            let organizationId = try context.id()
            guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
                throw LedgerError.forbidden("只能为本组织导入志愿者 / you can only import volunteers into your own organization")
            }
            let file = try await Self.spool(request.body)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let report = try await ledger.importVolunteers(openFile: { try CSVReader(path: file) },
                                                           options: ImportOptions(organizationId: organizationId), by: principal)
            guard report.errorCount == 0 else { throw ImportRejection(report: report) }
            return EditedResponse(status: report.committed ? .created : .ok, response: report)
        }
        api.get("records.csv") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let filter = try ledger.recordFilter(try RecordRoutes.filter(request), visibleTo: principal)
            return Self.csvResponse(name: "service-records.csv") { sink in
                try await ledger.exportRecords(filter, by: principal, write: sink)
            }
        }
        api.get("volunteer-totals.csv") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let filter = try ledger.recordFilter(try RecordRoutes.filter(request), visibleTo: principal)
            return Self.csvResponse(name: "volunteer-totals.csv") { sink in
                try await ledger.exportVolunteerTotals(filter, by: principal, write: sink)
            }
        }
    }

    /// Streams an upload to a private temporary file, keeping memory flat.
    static func spool(_ body: RequestBody, limit: Int = maxUploadBytes) async throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vledger-import-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw LedgerError.invalidField(field: "file", reason: "cannot store the upload")
        }
        defer { try? handle.close() }
        var size = 0
        do {
            for try await buffer in body {
                size += buffer.readableBytes
                guard size <= limit else { throw LedgerError.uploadTooLarge(limitBytes: limit) }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }

    static func csvResponse(name: String,
                            produce: @escaping @Sendable (_ sink: ([UInt8]) async throws -> Void) async throws -> Void) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8",
                      .contentDisposition: "attachment; filename=\"\(name)\""],
            body: ResponseBody { writer in
                try await produce { bytes in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            })
    }
}
