import Foundation
import LedgerAPI
import LedgerCertificates
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Logging
import ServiceLifecycle
import Synchronization

/// The store as a service of the application's group: it stays open while the server runs and is closed
/// once the server has finished its in-flight requests at graceful shutdown.
struct LedgerStoreService: Service {
    let store: any LedgerStore
    let logger: Logger

    func run() async throws {
        // Sleep until shutdown; the group shuts services down in reverse order, so the server stops first.
        try? await gracefulShutdown()
        try await store.close()
        logger.info("ledger store closed")
    }
}

/// Background work repeated every `interval` until graceful shutdown; a failed round is logged and retried next time.
struct PeriodicService: Service {
    let interval: Duration
    let logger: Logger
    let round: @Sendable () async throws -> Void
    let failure: String

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do { try await round() } catch is CancellationError {
                    return  // graceful shutdown cut the round short: nothing failed
                } catch {
                    logger.warning("\(failure)", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Picks up changes of the certificate key file (`vledger keys rotate|compromise`) within a second; a file caught
    /// half-written is tried again while the keys in memory keep signing. Keys added, rotated in or marked compromised
    /// go into the transparency log, at start and after each change (retried each second until it succeeds).
    static func keyFileWatcher(_ keyring: CertificateKeyring, ledger: Ledger, logger: Logger) -> PeriodicService {
        let logged = Mutex(false)
        return PeriodicService(interval: .seconds(1), logger: logger, round: {
            if try await keyring.reloadIfChanged() {
                logger.notice("certificate key file reloaded", metadata: ["path": "\(keyring.path)"])
                logged.withLock { $0 = false }
            }
            guard !logged.withLock({ $0 }) else { return }
            let appended = try await ledger.logSigningKeys(try CertificateKeyFile.read(path: keyring.path).logRecords)
            if appended > 0 { logger.notice("signing keys logged", metadata: ["entries": "\(appended)"]) }
            logged.withLock { $0 = true }
        }, failure: "certificate key file unreadable or its keys not logged; keeping the keys last read")
    }

    /// Every two seconds, gives the log entries that transactions queued their places in the transparency log. Harmless
    /// with several servers on one database: one sequences at a time, under the log's lock.
    static func logSequencer(_ ledger: Ledger, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(2), logger: logger, round: {
            let sequenced = try await ledger.sequenceLog()
            if sequenced > 0 { logger.debug("sequenced log entries", metadata: ["count": "\(sequenced)"]) }
        }, failure: "sequencing the transparency log failed")
    }

    /// Every two seconds, sequences the log and signs a new checkpoint when it grew.
    static func logCheckpoints(_ log: LogPublisher, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(2), logger: logger, round: { try await log.refresh() },
                        failure: "sequencing the transparency log or signing its checkpoint failed")
    }

    /// Every five minutes, closes check-ins left open past their activity's end and the organization's grace: their
    /// stays wait as hour claims for staff. Harmless with several servers on one database: each check-in is closed once,
    /// under its lock.
    static func forgottenCheckIns(_ ledger: Ledger, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(300), logger: logger, round: {
            let closed = try await ledger.closeForgottenCheckIns()
            if closed > 0 { logger.notice("closed forgotten check-ins", metadata: ["count": "\(closed)"]) }
        }, failure: "closing forgotten check-ins failed")
    }

    /// Every five minutes, removes the ZIPs of certificate batches finished more than an hour ago and not downloaded.
    static func expiredCertificateBatches(_ batches: CertificateBatchJobs, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(300), logger: logger, round: {
            let removed = batches.forgetExpired()
            if removed > 0 { logger.debug("removed expired certificate batches", metadata: ["count": "\(removed)"]) }
        }, failure: "removing expired certificate batches failed")
    }

    /// Every ten minutes, forgets one-time codes that expired over an hour ago (in batches, so the table stays small).
    /// Harmless with several servers: each row is deleted once.
    static func expiredVerificationCodes(_ ledger: Ledger, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(600), logger: logger, round: {
            while try await ledger.deleteExpiredVerificationCodes(limit: 10_000) == 10_000 {}
        }, failure: "forgetting expired one-time codes failed")
    }

    /// Creates next year's partitions of records and revisions on PostgreSQL every six hours (`migrate` created them up
    /// to next year at start), so that a server running across New Year never writes into the default partition.
    /// Harmless with several servers: the creation runs under a lock and skips what exists.
    static func yearPartitions(_ store: PostgresLedgerStore, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(6 * 3600), logger: logger, round: {
            let created = try await store.createUpcomingPartitions()
            if created > 0 { logger.notice("created yearly partitions", metadata: ["count": "\(created)"]) }
        }, failure: "creating next year's partitions failed")
    }

    /// Folds the SQLite write-ahead log back into the database file every minute, so it does not grow without bound
    /// under steady writes (SQLite's automatic checkpoints stop while readers hold snapshots).
    static func checkpoints(_ store: SQLiteLedgerStore, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(60), logger: logger, round: { try await store.checkpoint() }, failure: "WAL checkpoint failed")
    }
}
