import ArgumentParser
import Foundation
import LedgerCore

struct Samples: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sample data.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load the sample data set into an empty database.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The samples folder.") var folder = "samples"

        func run() async throws {
            let message = try await withLedger(database) { try await SampleDataLoader(ledger: $0, folder: folder).loadIfEmpty() }
            print(message ?? "the database already has organizations; nothing loaded")
        }
    }
}

