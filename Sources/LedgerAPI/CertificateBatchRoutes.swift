import Foundation
import Hummingbird
import LedgerCore
import LedgerDocuments

/// Year-end batches of certificates: start one for an organization's members (`startCertificateBatch`), follow
/// it (`getCertificateBatch`) and download its ZIP (`getCertificateBatchZip`).
struct CertificateBatchRoutes {
    let ledger: Ledger
    let jobs: CertificateBatchJobs

    struct StartInput: Decodable {
        /// Staff may leave it out for their own organization.
        var organizationId: Int64?
        var from: LocalDate?
        var to: LocalDate?
        /// `zh` (default) or `en`: the language of the PDFs.
        var lang: String?
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("certificate-batches") { request, context -> EditedResponse<CertificateBatchBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: StartInput.self, context: context)
            guard let organizationId = input.organizationId ?? principal.organizationId else {
                throw LedgerError.invalidField(field: "organizationId", reason: "请指定组织 / name the organization")
            }
            var language = CertificateLanguage.chinese
            if let lang = input.lang {
                guard let chosen = CertificateLanguage(parameter: lang) else {
                    throw LedgerError.invalidField(field: "lang", reason: "zh 或 en / zh or en")
                }
                language = chosen
            }
            let job: CertificateBatchJobs.Job
            do {
                job = try await jobs.start(CertificateBatchScope(organizationId: organizationId, from: input.from, to: input.to),
                                           language: language, ledger: ledger, by: principal, logger: context.logger)
            } catch let busy as CertificateBatchBusy {
                throw HTTPError(.tooManyRequests, message: busy.description)
            }
            return EditedResponse(status: .accepted, headers: [.location: "/api/v1/certificate-batches/\(job.id)"],
                                  response: CertificateBatchBody(job))
        }
        api.get("certificate-batches/:id") { _, context -> CertificateBatchBody in
            CertificateBatchBody(try job(context))
        }
        api.get("certificate-batches/:id/zip") { request, context -> Response in
            // A batch about to finish is waited for a little, so a client that asks at once gets the ZIP.
            let started = try job(context)
            let job = try await jobs.settled(started.id, by: try context.requirePrincipal(), timeout: Self.zipWait) ?? started
            // One download: the file is removed as it is taken.
            guard let body = try jobs.zipBody(of: job, for: request) else {
                throw HTTPError(.conflict, message: job.state == .failed
                    ? "批量出具失败，没有 ZIP / the batch failed: there is no ZIP"
                    : job.state == .finished ? CertificateBatchBody.downloadedMessage
                    : "批量出具尚未完成 / the batch has not finished yet")
            }
            return Response(status: .ok, headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"\(CertificateBatchJobs.downloadName(job))\"",
                .cacheControl: "private, no-store",
            ], body: body)
        }
    }

    /// How long a request for the ZIP of a running batch waits for it to finish before it is answered 409.
    static let zipWait = Duration.seconds(20)

    private func job(_ context: LedgerRequestContext) throws -> CertificateBatchJobs.Job {
        let principal = try context.requirePrincipal()
        let id = context.parameters.get("id") ?? ""
        guard let job = jobs.job(id, by: principal) else {
            throw LedgerError.notFound(entity: "certificate batch", key: String(id.prefix(40)))
        }
        return job
    }
}

/// A batch as the API shows it.
struct CertificateBatchBody: ResponseEncodable {
    var id: String
    var organizationId: Int64
    var from: LocalDate?
    var to: LocalDate?
    var lang: String
    var state: String
    /// Certificates ready, of the members with records in the period.
    var done: Int
    var total: Int
    var percent: Int
    var issued: Int
    var reused: Int
    /// Members without records in the period (known when finished).
    var skipped: Int
    var failure: String?
    var startedAt: String
    var finishedAt: String?
    /// Where the ZIP is, once finished and until downloaded (it is downloaded once, then removed).
    var zipUrl: String?
    /// Whether the ZIP was downloaded, and so removed.
    var downloaded: Bool

    static let downloadedMessage = "ZIP 已下载并从服务器删除；如需再次下载，请重新批量出具（不会重复出具证明） / "
        + "the ZIP was downloaded and removed from the server; start the batch again to download it again (no certificate is issued twice)"

    init(_ job: CertificateBatchJobs.Job) {
        id = job.id
        organizationId = job.scope.organizationId
        from = job.scope.from
        to = job.scope.to
        lang = job.language.rawValue
        state = job.state.rawValue
        done = job.done
        total = max(job.total, job.done)
        percent = job.percent
        issued = job.summary.issued
        reused = job.summary.reused
        skipped = job.summary.skipped
        failure = job.failure
        startedAt = Wire.time(job.startedAt, .ledgerDefault)
        finishedAt = job.finishedAt.map { Wire.time($0, .ledgerDefault) }
        zipUrl = job.state == .finished && !job.downloaded ? "/api/v1/certificate-batches/\(job.id)/zip" : nil
        downloaded = job.downloaded
    }
}

extension CertificateBatchJobs {
    /// The finished job's ZIP as a response body: for a GET taken, and so removed, as its one download; for a HEAD
    /// (should the router answer HEAD with GET routes) only its length, so that a probe never spends the download.
    /// Nil when there is none to give.
    public func zipBody(of job: Job, for request: Request) throws -> ResponseBody? {
        if request.method == .head {
            guard let path = zipPath(of: job), let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else {
                return nil
            }
            return ResponseBody(contentLength: size) { writer in try await writer.finish(nil) }
        }
        return try takeZip(of: job)?.responseBody
    }
}

extension BatchZip {
    /// The file as a response body, read in chunks of 128 KiB.
    public var responseBody: ResponseBody {
        ResponseBody(contentLength: size) { writer in
            while true {
                let chunk = try await self.read(upTo: 128 * 1024)
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
    }
}
