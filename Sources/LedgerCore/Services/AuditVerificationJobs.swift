import Foundation
import Synchronization

/// The audit verification as a background job (started from `/admin/audit`, the API or `vledger audit verify`): one runs
/// at a time per process, its progress readable while it runs; its result is kept in the store as the latest
/// verification, so a page shows it without verifying again.
public final class AuditVerificationJobs: Sendable {
    public struct Job: Sendable {
        public let id: Int
        public let mode: AuditVerificationMode
        public let startedAt: Date
        public internal(set) var progress = AuditProgress()
        public internal(set) var report: AuditReport?
        /// Why it failed (bilingual).
        public internal(set) var failure: String?
        public var isRunning: Bool { report == nil && failure == nil }

        /// Chains done in percent, under 100 while running.
        public var percent: Int {
            guard isRunning else { return 100 }
            return progress.chainsTotal > 0 ? min(99, progress.chainsDone * 100 / progress.chainsTotal) : 0
        }
    }

    private struct State {
        var last: Job?
        var number = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts a verification in the background, or gives the one running (whatever its mode). Throws the ledger's
    /// refusal for anyone but the platform and inspectors.
    @discardableResult
    public func start(_ mode: AuditVerificationMode, ledger: Ledger, by principal: Principal) throws -> Job {
        try ledger.checkAuditVerification(by: principal)
        let (job, isNew) = state.withLock { state -> (Job, Bool) in
            if let running = state.last, running.isRunning { return (running, false) }
            state.number += 1
            let job = Job(id: state.number, mode: mode, startedAt: ledger.clock())
            state.last = job
            return (job, true)
        }
        if isNew {
            Task {
                do {
                    let report = try await ledger.verifyAuditChains(mode, by: principal) { progress in
                        self.update(job.id) { $0.progress = progress }
                    }
                    self.update(job.id) { $0.report = report }
                } catch {
                    let message = (error as? LedgerError)?.message ?? "审计核验失败，请重试 / the audit verification failed; try again"
                    self.update(job.id) { $0.failure = message }
                }
            }
        }
        return job
    }

    /// The running or last job of this process, for the platform and inspectors.
    public func current(ledger: Ledger, by principal: Principal) throws -> Job? {
        try ledger.checkAuditVerification(by: principal)
        return state.withLock { $0.last }
    }

    /// The job once it is no longer running, or as it stands after `timeout`.
    public func settled(timeout: Duration) async throws -> Job? {
        let deadline = ContinuousClock.now + timeout
        while let job = state.withLock({ $0.last }) {
            if !job.isRunning || ContinuousClock.now >= deadline { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    private func update(_ id: Int, _ change: (inout Job) -> Void) {
        state.withLock { state in
            if var job = state.last, job.id == id {
                change(&job)
                state.last = job
            }
        }
    }
}

/// What `/admin/audit` shows: the running verification and the latest result, with the names of the organizations
/// whose chains failed.
public struct AuditVerificationStatus: Sendable {
    public var running: AuditVerificationJobs.Job?
    /// Why this process's last verification failed, if it did.
    public var failure: String?
    public var latest: AuditReport?
    public var organizationNames: [Int64: (name: String, creditCode: String)]
}

extension Ledger {
    /// The latest verification's result and the job running now, without verifying.
    public func auditVerificationStatus(by principal: Principal) async throws -> AuditVerificationStatus {
        let job = try auditVerifications.current(ledger: self, by: principal)
        let latest = try await store.read { try $0.latestAuditVerification() }
        let ids = Set(latest?.problems.map(\.organizationId) ?? []).sorted()
        let names = try await store.read { r in
            try ids.compactMap { try r.organization(id: $0) }.map { ($0.id, ($0.name, $0.creditCode)) }
        }
        return AuditVerificationStatus(running: job?.isRunning == true ? job : nil, failure: job?.failure, latest: latest,
                                       organizationNames: Dictionary(names, uniquingKeysWith: { a, _ in a }))
    }
}
