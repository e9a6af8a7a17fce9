import ArgumentParser
import Foundation
import LedgerApp
import LedgerCore
import LedgerPasswords
import Logging

/// The `--database` option shared by every command that opens the ledger, resolved like every other
/// setting through `AppConfiguration` (flag, then `$VLEDGER_DATABASE_URL`, then the configuration file).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: $VLEDGER_DATABASE_URL or sqlite:data/vledger.sqlite)")
    var database: String?

    var flags: [String: String] { database.map { ["database": $0] } ?? [:] }

    func validate() throws {
        do { _ = try AppConfiguration.load(flags: flags) } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// The database URL in effect (validated before any command runs).
    var url: String { (try? AppConfiguration.load(flags: flags))?.databaseURL ?? AppConfiguration().databaseURL }

    /// Opens the ledger for a command run by the local operator.
    func openLedger(logger: Logger = Logger(label: "vledger")) async throws -> Ledger {
        Ledger(store: try await StoreLocation(url).open(logger: logger), passwords: BcryptPasswordHasher())
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
