import Foundation
import LedgerCore
import LedgerDocuments
import Logging
import NIOPosix
import Synchronization
import ZIPFoundation

/// Batches of certificates started from the API or the web pages (`Ledger.issueCertificateBatch`), run in the
/// background so that a client can poll how many members are done of how many, then download one ZIP with a PDF
/// per certificate. Kept in this process's memory, as the browser imports are (behind a load balancer, the
/// batch routes need session affinity); the ZIP is written to a file as the PDFs are rendered, so a batch of
/// thousands never sits in memory. The files are the server's alone: a folder of its own (0700, emptied when the
/// server starts, so nothing a crash left behind stays), each file 0600, removed as soon as its download starts or
/// its job expires. Bounded: one running batch per organization (starting the same one again gives the running one),
/// finished ones kept an hour. Jobs are numbered in the order they start; only those who may run the organization's
/// batches see one, so the number reveals nothing else.
public final class CertificateBatchJobs: Sendable {
    public enum State: String, Sendable, Codable {
        case running, finished, failed
    }

    /// A batch as it stands.
    public struct Job: Sendable {
        public let id: String
        public let scope: CertificateBatchScope
        public let language: CertificateLanguage
        public let startedAt: Date
        public internal(set) var state: State = .running
        /// Members with records in the scope (known once the batch has counted them), and certificates ready.
        public internal(set) var total = 0
        public internal(set) var done = 0
        public internal(set) var summary = CertificateBatchSummary()
        /// Why it failed (bilingual).
        public internal(set) var failure: String?
        public internal(set) var finishedAt: Date?
        /// Whether its ZIP was downloaded, and so removed: starting the batch again makes a new one (reusing the
        /// certificates, so nothing is issued twice).
        public internal(set) var downloaded = false
        let zipPath: String

        /// Percent done, under 100 while running.
        public var percent: Int {
            if state != .running { return 100 }
            let total = max(self.total, done)
            return total > 0 ? min(99, done * 100 / total) : 0
        }
    }

    public static let maxRunningPerOrganization = 1
    public static let keptFor: TimeInterval = 3600
    public static let maxJobs = 200

    private struct Jobs {
        var byId: [String: Job] = [:]
        var lastNumber = 0
    }

    private let jobs = Mutex(Jobs())
    /// Where the ZIPs are written.
    public let folder: URL
    /// Whether the folder was made for these jobs alone (tests, benches), and goes with them.
    private let removesFolder: Bool

    /// ZIPs go to `folder`, the server's own (`AppConfiguration.effectiveBatchFolder`): created if need be, made
    /// private (0700), and emptied of the batch files an earlier process left in it.
    public init(folder: URL) throws {
        self.folder = folder
        removesFolder = false
        try Self.makePrivate(folder)
        let fileManager = FileManager.default
        for name in try fileManager.contentsOfDirectory(atPath: folder.path) where Self.isBatchFile(name) {
            try fileManager.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// ZIPs go to a private folder of their own under `parent` (the system's temporary folder by default), removed
    /// with the jobs: for tests and benches; a server names its folder.
    public init(parent: URL = FileManager.default.temporaryDirectory) {
        folder = parent.appendingPathComponent("vledger-certificate-batches-\(UUID().uuidString)", isDirectory: true)
        removesFolder = true
    }

    deinit {
        if removesFolder { try? FileManager.default.removeItem(at: folder) }
    }

    /// The folder, created if missing, readable by this server's user only.
    private static func makePrivate(_ folder: URL) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
    }

    /// Batch files are named so; nothing else in the folder is touched (should it be configured to hold more).
    static func isBatchFile(_ name: String) -> Bool {
        name.hasPrefix("certificate-batch-") && name.hasSuffix(".zip")
    }

    /// Checks that `principal` may run the batch, registers it and starts it in the background. Throws the
    /// ledger's refusal, or `CertificateBatchBusy` when the organization already runs one or too many are kept.
    public func start(_ scope: CertificateBatchScope, language: CertificateLanguage = .chinese, ledger: Ledger,
                      by principal: Principal, logger: Logger, now: Date = Date()) async throws -> Job {
        try await ledger.checkCertificateBatch(scope, by: principal)
        try Self.makePrivate(folder)
        let folder = self.folder
        let (job, isNew, expired) = try jobs.withLock { jobs -> (Job, Bool, [Job]) in
            let expired = Self.removeExpired(&jobs, now: now)
            let running = jobs.byId.values.filter { $0.state == .running && $0.scope.organizationId == scope.organizationId }
            if let same = running.first(where: { $0.scope == scope && $0.language == language }) { return (same, false, expired) }
            guard running.count < Self.maxRunningPerOrganization, jobs.byId.count < Self.maxJobs else { throw CertificateBatchBusy() }
            jobs.lastNumber += 1
            let id = String(jobs.lastNumber)
            let job = Job(id: id, scope: scope, language: language, startedAt: now,
                          zipPath: folder.appendingPathComponent("certificate-batch-\(id).zip").path)
            jobs.byId[id] = job
            return (job, true, expired)
        }
        Self.removeFiles(of: expired)
        if isNew { Task { await run(job, ledger: ledger, principal: principal, logger: logger) } }
        return job
    }

    /// The job, for those who may run its organization's batches; nil for anyone else, so a guessed id shows nothing.
    public func job(_ id: String, by principal: Principal, now: Date = Date()) -> Job? {
        let (job, expired) = jobs.withLock { jobs in
            let expired = Self.removeExpired(&jobs, now: now)
            return (jobs.byId[id], expired)
        }
        Self.removeFiles(of: expired)
        return job.flatMap { AccessPolicy.canWriteOrganizationData(principal, organizationId: $0.scope.organizationId) ? $0 : nil }
    }

    /// Forgets the jobs finished more than `keptFor` ago and removes their files (run every few minutes, so an
    /// undownloaded ZIP does not outlive its hour when nobody asks for batches); returns how many.
    @discardableResult
    public func forgetExpired(now: Date = Date()) -> Int {
        let expired = jobs.withLock { Self.removeExpired(&$0, now: now) }
        Self.removeFiles(of: expired)
        return expired.count
    }

    /// Takes out the jobs finished more than `keptFor` ago.
    private static func removeExpired(_ jobs: inout Jobs, now: Date) -> [Job] {
        let expired = jobs.byId.values.filter { job in job.finishedAt.map { now.timeIntervalSince($0) >= keptFor } ?? false }
        for old in expired { jobs.byId[old.id] = nil }
        return expired
    }

    private static func removeFiles(of expired: [Job]) {
        for old in expired { try? FileManager.default.removeItem(atPath: old.zipPath) }
    }

    /// The finished job's ZIP file, until downloaded: one PDF per certificate, named by volunteer number and serial.
    public func zipPath(of job: Job) -> String? {
        job.state == .finished && !job.downloaded ? job.zipPath : nil
    }

    /// Opens the finished job's ZIP for its one download and removes the file at once (the open file stays readable
    /// until the download is sent); nil when the job is not finished or its ZIP was downloaded already.
    public func takeZip(of job: Job) throws -> BatchZip? {
        let path = jobs.withLock { jobs -> String? in
            guard var current = jobs.byId[job.id], current.state == .finished, !current.downloaded else { return nil }
            current.downloaded = true
            jobs.byId[job.id] = current
            return current.zipPath
        }
        guard let path else { return nil }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        return BatchZip(handle: handle, size: Int(size))
    }

    /// The name a downloaded ZIP is saved under.
    public static func downloadName(_ job: Job) -> String {
        let period = [job.scope.from?.description, job.scope.to?.description].map { $0 ?? "" }.joined(separator: "_")
        return "certificates-\(job.scope.organizationId)\(period == "_" ? "" : "-" + period).zip"
    }

    /// The job once it is no longer running, or as it stands after `timeout`.
    public func settled(_ id: String, by principal: Principal, timeout: Duration) async throws -> Job? {
        let deadline = ContinuousClock.now + timeout
        while let job = job(id, by: principal) {
            if job.state != .running || ContinuousClock.now >= deadline { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        jobs.withLock { jobs in
            if var job = jobs.byId[id] {
                change(&job)
                jobs.byId[id] = job
            }
        }
    }

    private func run(_ job: Job, ledger: Ledger, principal: Principal, logger: Logger) async {
        let id = job.id
        do {
            let archive = try ArchiveWriter(path: job.zipPath, permissions: 0o600)
            let summary = try await ledger.issueCertificateBatch(
                job.scope, by: principal,
                started: { total in self.update(id) { $0.total = total } },
                each: { item in
                    // Tens of milliseconds of CPU a page: rendered on NIO's thread pool, off the concurrency pool.
                    let pdf = try await NIOThreadPool.singleton.runIfActive {
                        try CertificatePDF.render(item.certificate, language: job.language)
                    }
                    try archive.add(Data(pdf), name: item.certificate.certificate.batchFileName)
                    self.update(id) { job in
                        job.done += 1
                        switch item.outcome {
                        case .issued: job.summary.issued += 1
                        case .reused: job.summary.reused += 1
                        }
                    }
                })
            update(id) { job in
                job.summary = summary
                job.done = summary.certificates
                job.total = max(job.total, job.done)
                job.state = .finished
                job.finishedAt = Date()
            }
            logger.info("certificate batch", metadata: [
                "organization": "\(job.scope.organizationId)", "issued": "\(summary.issued)", "reused": "\(summary.reused)",
                "skipped": "\(summary.skipped)"])
        } catch {
            let message = (error as? LedgerError)?.message ?? "批量出具失败，请重试 / the batch failed; try again"
            if !(error is LedgerError) {
                logger.error("certificate batch failed", metadata: ["error": "\(String(reflecting: type(of: error)))", "detail": "\(error)"])
            }
            try? FileManager.default.removeItem(atPath: job.zipPath)
            update(id) { job in
                job.state = .failed
                job.failure = message
                job.finishedAt = Date()
            }
        }
    }
}

/// Refused: the organization already runs a batch, or the process keeps as many as it may.
public struct CertificateBatchBusy: Error, CustomStringConvertible {
    public var description: String {
        "已有批量出具正在进行，请稍后再试 / a batch of certificates is already running; try again later"
    }
}

/// A ZIP file written an entry at a time by one batch (its `each` runs one certificate after the other).
private final class ArchiveWriter: @unchecked Sendable {
    private let archive: Archive

    init(path: String, permissions: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
    }

    /// Stored, not deflated: a PDF's streams are compressed already.
    func add(_ data: Data, name: String) throws {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
            data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
        }
    }
}

/// A batch's ZIP opened for its download, already removed from the folder: streamed in chunks read off the
/// concurrency pool, and closed when sent (or when dropped, should the client go away first).
public final class BatchZip: Sendable {
    private let handle: FileHandle
    public let size: Int

    init(handle: FileHandle, size: Int) {
        self.handle = handle
        self.size = size
    }

    deinit {
        try? handle.close()
    }

    /// The next chunk of at most `length` bytes; empty at the end.
    public func read(upTo length: Int) async throws -> Data {
        try await NIOThreadPool.singleton.runIfActive { [handle] in try handle.read(upToCount: length) ?? Data() }
    }
}
