import ArgumentParser
import Foundation
import LedgerApp

/// `vledger backup --out DIR`: a consistent copy of the live SQLite ledger and its key file, checked.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite ledger and its key file into a new folder while the server runs, and check the copy.",
        discussion: "The copy is taken with SQLite's online backup (one consistent moment), then checked with SQLite's integrity check and by re-deriving every audit chain. The folder gets vledger.sqlite, vledger-keys.json (mode 0600) and MANIFEST.json. On PostgreSQL use pg_dump or pg_basebackup.")
    @OptionGroup var files: LedgerFiles
    @Option(help: "A new (or empty) folder for the backup.") var out: String

    func run() async throws {
        let configuration = try files.configuration()
        do {
            let manifest = try await LedgerBackup.backup(databaseURL: configuration.databaseURL, keysFile: configuration.effectiveKeysFile, to: out)
            print("已备份 backed up \(manifest.records) 条记录 records, \(manifest.revisions) revisions of \(manifest.organizations) organizations"
                  + " (\(manifest.databaseBytes) bytes\(manifest.keysSHA256 == nil ? ", no key file" : ", key file")) to \(out); integrity and audit chains verified")
        } catch let error as LedgerBackup.Failure {
            throw ValidationError(error.description)
        }
    }
}

/// `vledger restore --from DIR`: checks a backup and puts it back.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a backup folder and copy it into the SQLite ledger and the key file.",
        discussion: "Stop the server first. An existing ledger or key file that holds data is replaced only with --force.")
    @OptionGroup var files: LedgerFiles
    @Option(help: "The backup folder written by vledger backup.") var from: String
    @Flag(help: "Replace a ledger or key file that already holds data.") var force = false

    func run() async throws {
        let configuration = try files.configuration()
        do {
            let manifest = try await LedgerBackup.restore(from: from, databaseURL: configuration.databaseURL,
                                                          keysFile: configuration.effectiveKeysFile, force: force)
            print("已恢复 restored \(manifest.records) 条记录 records of \(manifest.organizations) organizations from \(from)"
                  + " (backup of \(manifest.createdAt.formatted(.iso8601))) into \(configuration.databaseURL)")
        } catch let error as LedgerBackup.Failure {
            throw ValidationError(error.description)
        }
    }
}

/// The ledger and its key file, the two things a backup holds.
struct LedgerFiles: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("keys"), help: "Certificate key file (default: vledger-keys.json next to the SQLite database).")
    var keysFile: String?

    func configuration() throws -> AppConfiguration {
        var flags = database.flags
        flags["keys"] = keysFile
        do { return try AppConfiguration.load(flags: flags) } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
