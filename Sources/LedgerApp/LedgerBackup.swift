import Crypto
import Foundation
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Logging

/// Backups of the embedded default: a consistent copy of a live SQLite ledger and its key file in a folder,
/// checked before it is called good (SQLite's integrity check and the audit chains), and put back by `restore`.
/// PostgreSQL deployments use pg_dump or base backups instead.
public enum LedgerBackup {
    public static let databaseFile = "vledger.sqlite"
    public static let keysFile = "vledger-keys.json"
    public static let manifestFile = "MANIFEST.json"

    /// What a backup folder holds, written beside the copies.
    public struct Manifest: Codable, Sendable, Equatable {
        public var createdAt: Date
        public var source: String
        public var databaseBytes: Int
        public var databaseSHA256: String
        public var keysSHA256: String?
        public var organizations: Int
        public var revisions: Int
        public var records: Int
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies the ledger at `databaseURL` (SQLite only) and its key file into `folder`, which must not exist
    /// or be empty; then checks the copy. Nothing is left in `folder` when a step fails.
    public static func backup(databaseURL: String, keysFile keys: String, to folder: String,
                              now: Date = Date()) async throws -> Manifest {
        guard case .sqlite(let path) = try StoreLocation(databaseURL) else {
            throw Failure(description: "vledger backup copies the embedded SQLite ledger; back up PostgreSQL with pg_dump or pg_basebackup (see README)")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path): no such database") }
        let manager = FileManager.default
        if manager.fileExists(atPath: folder) {
            guard (try manager.contentsOfDirectory(atPath: folder)).isEmpty else {
                throw Failure(description: "\(folder): not empty; back up into a new folder")
            }
        }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            let copy = (folder as NSString).appendingPathComponent(databaseFile)
            let store = try SQLiteLedgerStore(path: path)
            do {
                try store.backup(to: copy)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
            var keysDigest: String?
            if manager.fileExists(atPath: keys) {
                let keyCopy = (folder as NSString).appendingPathComponent(keysFile)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: keys))
                guard manager.createFile(atPath: keyCopy, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                    throw Failure(description: "\(keyCopy): cannot write the key file copy")
                }
                keysDigest = SHA256.hash(data: bytes).hexString
            }
            let check = try await verify(database: copy)
            let (databaseBytes, databaseDigest) = try digest(ofFile: copy)
            let manifest = Manifest(createdAt: now, source: path, databaseBytes: databaseBytes,
                                    databaseSHA256: databaseDigest, keysSHA256: keysDigest,
                                    organizations: check.organizations, revisions: check.revisions, records: check.records)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(manifestFile)))
            return manifest
        } catch {
            try? manager.removeItem(atPath: folder)
            throw error
        }
    }

    /// Checks the backup in `folder` and copies it into the ledger at `databaseURL` and the key file at
    /// `keysFile`. An existing ledger with data is replaced only with `force`.
    public static func restore(from folder: String, databaseURL: String, keysFile keys: String, force: Bool) async throws -> Manifest {
        guard case .sqlite(let path) = try StoreLocation(databaseURL) else {
            throw Failure(description: "vledger restore writes an embedded SQLite ledger; restore PostgreSQL with pg_restore (see README)")
        }
        let copy = (folder as NSString).appendingPathComponent(databaseFile)
        let manifestPath = (folder as NSString).appendingPathComponent(manifestFile)
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw Failure(description: "\(folder): no \(manifestFile); not a vledger backup folder")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest = try decoder.decode(Manifest.self, from: manifestData)
        guard try digest(ofFile: copy).sha256 == manifest.databaseSHA256 else {
            throw Failure(description: "\(copy): differs from the digest in \(manifestFile); the backup was changed or damaged")
        }
        let keyCopy = (folder as NSString).appendingPathComponent(keysFile)
        let keyBytes = FileManager.default.contents(atPath: keyCopy)
        guard keyBytes.map({ SHA256.hash(data: $0).hexString }) == manifest.keysSHA256 else {
            throw Failure(description: "\(keyCopy): differs from the digest in \(manifestFile)")
        }
        _ = try await verify(database: copy)
        let target = try SQLiteLedgerStore(path: path)
        do {
            if !force, try await target.holdsLedgerData() {
                throw Failure(description: "\(path) already holds a ledger; add --force to replace it with the backup")
            }
            try target.restore(from: copy)
            try await target.close()
        } catch {
            try? await target.close()
            throw error
        }
        if let keyBytes {
            if FileManager.default.fileExists(atPath: keys), !force, FileManager.default.contents(atPath: keys) != keyBytes {
                throw Failure(description: "\(keys) exists and differs from the backup's key file; add --force to replace it")
            }
            try FileManager.default.createDirectory(atPath: (keys as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try keyBytes.write(to: URL(fileURLWithPath: keys), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys)
        }
        return manifest
    }

    /// Opens a copy, runs SQLite's integrity check and re-derives the audit chains; throws on any problem.
    static func verify(database path: String) async throws -> (organizations: Int, revisions: Int, records: Int) {
        let store = try SQLiteLedgerStore(path: path)
        do {
            let problems = try await store.integrityProblems()
            guard problems.isEmpty else {
                throw Failure(description: "\(path): integrity check failed: \(problems.prefix(3).joined(separator: "; "))")
            }
            let ledger = Ledger(store: store, passwords: BcryptPasswordHasher())
            let report = try await ledger.verifyAuditChains(by: .localOperator)
            guard report.isIntact else {
                throw Failure(description: "\(path): the audit chains do not verify: \(report.problems.prefix(3).map(\.message).joined(separator: "; "))")
            }
            let records = try await store.read { try $0.total(RecordFilter(includeVoid: true)).records }
            try await store.close()
            return (report.organizations, report.revisions, records)
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The size and SHA-256 of a file, read in 1 MiB pieces (a city's ledger is gigabytes).
    private static func digest(ofFile path: String) throws -> (bytes: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "\(path): cannot read") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += chunk.count
        }
        return (bytes, hasher.finalize().hexString)
    }
}
