import Foundation
import LedgerCertificates
import LedgerCore
import LedgerSQLite
import Logging
import ServiceLifecycle

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

/// Picks up changes of the certificate key file (`vledger keys rotate|compromise`) within a second.
struct KeyFileWatcher: Service {
    let keyring: CertificateKeyring
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await keyring.reloadIfChanged() {
                        logger.notice("certificate key file reloaded", metadata: ["path": "\(keyring.path)"])
                    }
                } catch {
                    // A file caught half-written: keep the keys in memory and try again.
                    logger.warning("certificate key file unreadable; keeping the keys last read", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

/// Folds the SQLite write-ahead log back into the database file now and then, so it does not grow
/// without bound under steady writes (SQLite's automatic checkpoints stop while readers hold snapshots).
struct SQLiteCheckpointService: Service {
    let store: SQLiteLedgerStore
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do { try await store.checkpoint() } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
