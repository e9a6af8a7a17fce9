import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Logging

/// Where the ledger lives, parsed from a database URL.
public enum StoreLocation: Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ url: String) throws {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
            guard !path.isEmpty else { throw ConfigurationError(description: "the SQLite URL \(url) names no file: use sqlite:PATH") }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            throw ConfigurationError(description: "unknown database URL \"\(StoreLocation.redacted(url))\": use sqlite:PATH or postgres://...")
        }
    }

    /// Opens the store without touching its schema (a server migrates before it starts serving).
    public func connect(logger: Logger) async throws -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(path: path)
        case .postgres(let url): try await PostgresLedgerStore(url: url, logger: logger)
        }
    }

    /// Opens the store with hot standbys at `replicaURLs` for reads that may lag at most `maxLag`; the
    /// store itself must then be PostgreSQL.
    public func connect(replicaURLs: [String], maxLag: Duration, logger: Logger) async throws -> any LedgerStore {
        guard !replicaURLs.isEmpty else { return try await connect(logger: logger) }
        guard case .postgres(let url) = self else {
            throw ConfigurationError(description: "read databases need a PostgreSQL --database, not \(description)")
        }
        return try await PostgresReplicatedStore.open(url: url, replicaURLs: replicaURLs, maxLag: maxLag, logger: logger)
    }

    /// Opens the store and brings its schema up to date.
    public func open(logger: Logger) async throws -> any LedgerStore {
        let store = try await connect(logger: logger)
        do { try await store.migrate() } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// The URL without its password, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): StoreLocation.redacted(url)
        }
    }
}

