import Foundation
import Hummingbird
import LedgerCore

/// The audit verification as a background job: start one (`startAuditVerification`, incremental unless `mode=full`) and
/// follow it with the latest kept result (`getAuditVerification`). `GET /audit/verify` (`verifyAuditChains`) still
/// verifies in full in the request.
struct AuditVerificationRoutes {
    let ledger: Ledger

    /// A verification job as the API shows it.
    struct JobBody: ResponseEncodable {
        var id: Int
        var mode: AuditVerificationMode
        var state: String
        var startedAt: Date
        var chainsDone: Int
        var chainsTotal: Int
        var revisions: Int
        var rowsRead: Int
        var percent: Int
        var report: AuditReport?
        var failure: String?

        init(_ job: AuditVerificationJobs.Job) {
            id = job.id
            mode = job.mode
            state = job.isRunning ? "running" : job.failure == nil ? "finished" : "failed"
            startedAt = job.startedAt
            chainsDone = job.progress.chainsDone
            chainsTotal = job.progress.chainsTotal
            revisions = job.progress.revisions
            rowsRead = job.progress.rowsRead
            percent = job.percent
            report = job.report
            failure = job.failure
        }
    }

    struct StatusBody: ResponseEncodable {
        /// This server's running or last verification.
        var job: JobBody?
        /// The latest verification's kept result (problems cut to the first 1,000), whichever server ran it.
        var latest: AuditReport?
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("audit/verifications") { request, context -> EditedResponse<JobBody> in
            let principal = try context.requirePrincipal()
            let mode: AuditVerificationMode
            switch request.uri.queryParameters.get("mode") {
            case nil, "incremental": mode = .incremental
            case "full": mode = .full
            case let other?:
                throw LedgerError.invalidField(field: "mode", reason: "incremental 或 full / incremental or full (not \(other.prefix(20)))")
            }
            let job = try ledger.auditVerifications.start(mode, ledger: ledger, by: principal)
            context.logger.notice("audit verification started", metadata: ["mode": "\(job.mode.rawValue)"])
            return EditedResponse(status: .accepted, headers: [.location: "/api/v1/audit/verifications/latest"], response: JobBody(job))
        }
        api.get("audit/verifications/latest") { _, context -> StatusBody in
            let principal = try context.requirePrincipal()
            let job = try ledger.auditVerifications.current(ledger: ledger, by: principal)
            let latest = try await ledger.latestAuditVerification(by: principal)
            return StatusBody(job: job.map(JobBody.init), latest: latest)
        }
    }
}
