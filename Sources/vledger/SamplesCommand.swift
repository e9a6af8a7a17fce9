import ArgumentParser
import Foundation
import LedgerCore

struct Samples: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sample data.", subcommands: [Load.self, Generate.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load the sample data set into an empty database.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The samples folder.") var folder = "samples"

        func run() async throws {
            let message = try await withLedger(database) { try await SampleDataLoader(ledger: $0, folder: folder).loadIfEmpty() }
            print(message ?? "the database already has organizations; nothing loaded")
        }
    }

    /// `vledger samples generate`: a synthetic city in the samples format, for `samples load` and `bench city`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic city in the samples format (deterministic; Zipf-sized organizations; every ledger rule kept).")
        @Option(help: "Number of volunteers.") var volunteers = 2_000
        @Option(help: "Number of organizations (at most the number of volunteers).") var organizations = 20
        @Option(help: "Number of service records.") var records = 20_000
        @Option(help: "The folder to write (created; its sample files are replaced).") var out: String
        @Option(help: "Seed: the same seed and sizes give the same bytes.") var seed: UInt64 = 20261207

        func run() throws {
            let generator = CitySampleGenerator(volunteers: volunteers, organizations: organizations, records: records, seed: seed)
            do { try generator.validate() } catch { throw ValidationError(error.message) }
            let start = ContinuousClock.now
            let summary = try generator.write(to: out) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let elapsed = ContinuousClock.now - start
            print("wrote \(out): \(summary) in \(elapsed.components.seconds) s")
        }
    }
}
