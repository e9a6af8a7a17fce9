import ArgumentParser
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Logging

/// Where the ledger lives, parsed from a database URL.
enum StoreLocation {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ url: String) throws {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
            guard !path.isEmpty else { throw ValidationError("the SQLite URL \(url) names no file: use sqlite:PATH") }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            throw ValidationError("unknown database URL \"\(StoreLocation.redacted(url))\": use sqlite:PATH or postgres://...")
        }
    }

    /// Opens the store and brings its schema up to date.
    func open(logger: Logger) async throws -> any LedgerStore {
        let store: any LedgerStore
        switch self {
        case .sqlite(let path): store = try SQLiteLedgerStore(path: path)
        case .postgres(let url): store = try await PostgresLedgerStore(url: url, logger: logger)
        }
        try await store.migrate()
        return store
    }

    /// The URL without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): StoreLocation.redacted(url)
        }
    }
}

extension DatabaseOptions {
    /// Opens the ledger for a command run by the local operator.
    func openLedger(logger: Logger = Logger(label: "vledger")) async throws -> Ledger {
        Ledger(store: try await StoreLocation(url).open(logger: logger))
    }
}

/// Runs `body` with the ledger and closes it afterwards, also on failure.
func withLedger<T>(_ options: DatabaseOptions, _ body: (Ledger) async throws -> T) async throws -> T {
    let ledger = try await options.openLedger()
    do {
        let result = try await body(ledger)
        try await ledger.store.close()
        return result
    } catch {
        try? await ledger.store.close()
        throw error
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
