import Foundation
import LedgerCore
import Synchronization

/// Imports started from the browser, run in the background so the page can show rows checked of the total
/// while the file is checked. Kept in this process's memory: the job page is answered by the process that
/// runs the import (behind a load balancer, route `/org/import` and `/org/volunteers/import` with session affinity). Bounded: a few running
/// per organization, finished ones kept for an hour.
final class ImportJobs: Sendable {
    /// How a job stands.
    enum State: Sendable {
        case running(rowsChecked: Int)
        case finished(ImportReport)
        /// The file was refused as a whole (bilingual message).
        case refused(String)
    }

    /// What a job imports: its pages show only jobs of their own kind.
    enum Kind: String, Sendable {
        case records, roster
    }

    struct Job: Sendable {
        let id: String
        let organizationId: Int64
        let kind: Kind
        let filename: String
        /// Rows in the file, counted from its line breaks before the import starts (the header excluded).
        let totalRows: Int
        let startedAt: Date
        var state: State
        var finishedAt: Date?

        /// Rows checked, of how many (never fewer than checked), and the percentage, while the job runs; nil after.
        var progress: (rowsChecked: Int, totalRows: Int, percent: Int)? {
            guard case .running(let rows) = state else { return nil }
            let total = max(totalRows, rows)
            return (rows, total, total > 0 ? min(99, rows * 100 / total) : 0)
        }
    }

    static let maxRunningPerOrganization = 2
    static let keptFor: TimeInterval = 3600
    static let maxJobs = 200

    private let jobs = Mutex<[String: Job]>([:])

    /// Registers a job, or nil when the organization already runs as many as it may.
    func start(organizationId: Int64, kind: Kind = .records, filename: String, totalRows: Int, now: Date = Date()) -> Job? {
        jobs.withLock { jobs in
            jobs = jobs.filter { _, job in job.finishedAt.map { now.timeIntervalSince($0) < Self.keptFor } ?? true }
            let running = jobs.values.filter { job in
                if case .running = job.state { return job.organizationId == organizationId }
                return false
            }
            guard running.count < Self.maxRunningPerOrganization, jobs.count < Self.maxJobs else { return nil }
            var random = SystemRandomNumberGenerator()
            let id = (0..<4).map { _ in String(random.next() as UInt32, radix: 36) }.joined(separator: "-")
            let job = Job(id: id, organizationId: organizationId, kind: kind, filename: filename, totalRows: totalRows, startedAt: now,
                          state: .running(rowsChecked: 0))
            jobs[id] = job
            return job
        }
    }

    func progress(_ id: String, rowsChecked: Int) {
        jobs.withLock { jobs in
            guard case .running = jobs[id]?.state else { return }
            jobs[id]?.state = .running(rowsChecked: rowsChecked)
        }
    }

    func finish(_ id: String, _ state: State, now: Date = Date()) {
        jobs.withLock { jobs in
            jobs[id]?.state = state
            jobs[id]?.finishedAt = now
        }
    }

    /// The job, only for its own organization and kind (others get nil, so a guessed id shows nothing).
    func job(_ id: String, organizationId: Int64, kind: Kind = .records) -> Job? {
        jobs.withLock { jobs in jobs[id].flatMap { $0.organizationId == organizationId && $0.kind == kind ? $0 : nil } }
    }

    /// Physical lines of a CSV after the header: LF bytes (UTF-16 counts its LF code units), plus a last line
    /// without one. Quoted line breaks make it an upper bound, which is all a progress bar needs.
    static func rowEstimate(_ bytes: [UInt8]) -> Int {
        let utf16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        var lines = 0
        bytes.withUnsafeBufferPointer { buffer in
            if utf16 {
                var index = bytes.starts(with: [0xFF, 0xFE]) ? 2 : 3
                while index < buffer.count {
                    if buffer[index] == 0x0A, buffer[index ^ 1] == 0 { lines += 1 }
                    index += 2
                }
            } else {
                for byte in buffer where byte == 0x0A { lines += 1 }
            }
        }
        if let last = bytes.last, last != 0x0A, last != 0x00 { lines += 1 }
        return max(0, lines - 1)
    }
}
