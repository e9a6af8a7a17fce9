import Crypto
import Foundation
import LedgerCore
#if canImport(Glibc)
import Glibc
#endif

/// What a signing key may still do.
public enum SigningKeyStatus: String, Codable, Sendable {
    /// Signs new certificates; exactly one key is active.
    case active
    /// Replaced by a newer key; still verifies what it signed.
    case retired
    /// Leaked: everything it signed is invalid.
    case compromised
}

/// One Ed25519 key of the key file. The private half never leaves the file: it is not part of
/// `description`, logs or the database.
public struct SigningKey: Codable, Sendable, CustomStringConvertible {
    /// RFC 7638 thumbprint of the public key.
    public var kid: String
    /// The public key, base64url (the JWK `x`).
    public var x: String
    /// The private key, base64url (the JWK `d`).
    var d: String
    public var status: SigningKeyStatus
    public var createdAt: Date
    public var retiredAt: Date?
    public var compromisedAt: Date?
    public var note: String?

    public var description: String {
        "\(kid) \(status.rawValue) created \(createdAt.formatted(.iso8601))"
            + (compromisedAt.map { " compromised \($0.formatted(.iso8601))" } ?? "")
    }

    /// A new active key.
    static func generate(at date: Date) -> SigningKey {
        let key = Curve25519.Signing.PrivateKey()
        let x = Base64URL.encode(key.publicKey.rawRepresentation)
        return SigningKey(kid: Self.thumbprint(x: x), x: x, d: Base64URL.encode(key.rawRepresentation), status: .active,
                          createdAt: date, retiredAt: nil, compromisedAt: nil, note: nil)
    }

    /// The RFC 7638 JWK thumbprint of an Ed25519 public key: SHA-256 over the required members in
    /// lexicographic order without whitespace, base64url.
    public static func thumbprint(x: String) -> String {
        let canonical = #"{"crv":"Ed25519","kty":"OKP","x":"\#(x)"}"#
        return Base64URL.encode(SHA256.hash(data: Data(canonical.utf8)))
    }

    var privateKey: Curve25519.Signing.PrivateKey {
        get throws {
            guard let bytes = Base64URL.decode(d) else { throw CertificateKeyFileError.damaged("key \(kid) has no readable private key") }
            return try Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        }
    }
}

public enum CertificateKeyFileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, mode: String)
    case damaged(String)
    case unknownKey(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot use the key file \(path): \(reason)"
        case .tooOpen(let path, let mode):
            "the key file \(path) is readable by others (mode \(mode)); run: chmod 600 \(path)"
        case .damaged(let what): "the key file is damaged: \(what)"
        case .unknownKey(let kid): "no key \(kid) in the key file"
        }
    }
}

/// The file holding the certificate signing keys: JSON, mode 0600, created on first use. Rotation keeps
/// old keys for verification; a compromised key stays listed so that its certificates read as invalid.
public struct CertificateKeyFile: Codable, Sendable {
    public static let format = "vledger-certificate-keys/1"
    public var format: String
    public var keys: [SigningKey]
    /// The secret of the rotating self check-in codes (base64url), kept here so that it stays out of the database and
    /// is backed up with the keys; added on first use.
    var attendanceSecret: String? = nil
    /// The Ed25519 note key that signs the transparency log's checkpoints (`PRIVATE+KEY+origin+hash+base64`); added on
    /// first use, named for the log's origin.
    var logNoteKey: String? = nil

    public var activeKey: SigningKey? { keys.last { $0.status == .active } }

    /// The keys as the transparency log records them: public parts and dates only.
    public var logRecords: [SigningKeyRecord] {
        keys.compactMap { key in
            Base64URL.decode(key.x).map { SigningKeyRecord(kid: key.kid, publicKey: $0, createdAt: key.createdAt, compromisedAt: key.compromisedAt) }
        }
    }

    /// Reads the key file at `path`, creating it with a new key (mode 0600) when it does not exist.
    public static func loadOrCreate(path: String, now: Date = Date()) throws -> CertificateKeyFile {
        try withLock(path) {
            if FileManager.default.fileExists(atPath: path) { return try read(path: path) }
            let file = CertificateKeyFile(format: format, keys: [.generate(at: now)])
            try file.write(to: path)
            return file
        }
    }

    /// Reads an existing key file, refusing one that others can read.
    public static func read(path: String) throws -> CertificateKeyFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CertificateKeyFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & 0o077 == 0 else {
            throw CertificateKeyFileError.tooOpen(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CertificateKeyFileError.unreadable(path: path, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let file: CertificateKeyFile
        do { file = try decoder.decode(CertificateKeyFile.self, from: data) } catch {
            throw CertificateKeyFileError.damaged("not a key file of this program")
        }
        guard file.format == format else { throw CertificateKeyFileError.damaged("unknown format \(file.format)") }
        for key in file.keys where SigningKey.thumbprint(x: key.x) != key.kid {
            throw CertificateKeyFileError.damaged("key \(key.kid) does not match its public key")
        }
        return file
    }

    /// The secret of the attendance codes, created (and written to the file) on first use.
    public static func attendanceSecret(path: String) throws -> [UInt8] {
        try update(path: path) { file in
            if let text = file.attendanceSecret, let secret = Base64URL.decode(text), secret.count >= 32 { return secret }
            let secret = AttendanceCodes.generateSecret()
            file.attendanceSecret = Base64URL.encode(secret)
            return secret
        }
    }

    /// The signer of the log's checkpoints, created (and written to the file) on first use. A key made for another
    /// origin is refused: a log keeps its name, and a new name is a new log.
    public static func logSigner(path: String, origin: String) throws -> NoteSigner {
        try update(path: path) { file in
            if let text = file.logNoteKey {
                let signer: NoteSigner
                do { signer = try NoteSigner(encoded: text) } catch { throw CertificateKeyFileError.damaged("the log note key is damaged") }
                guard signer.verifier.name == origin else {
                    throw CertificateKeyFileError.damaged(
                        "the log note key is for the origin \(signer.verifier.name.prefix(80)), not \(origin.prefix(80)); keep the origin, or move the key file aside to start a new log")
                }
                return signer
            }
            let signer = try NoteSigner.generate(name: origin)
            file.logNoteKey = signer.encoded
            return signer
        }
    }

    /// Adds a new active key; the previous one is retired and keeps verifying what it signed.
    @discardableResult
    public static func rotate(path: String, now: Date = Date()) throws -> SigningKey {
        try update(path: path) { file in
            for index in file.keys.indices where file.keys[index].status == .active {
                file.keys[index].status = .retired
                file.keys[index].retiredAt = now
            }
            let key = SigningKey.generate(at: now)
            file.keys.append(key)
            return key
        }
    }

    /// Marks a key compromised: every certificate it signed becomes invalid. If it was the active key,
    /// a new one takes its place. Returns the active key afterwards.
    @discardableResult
    public static func markCompromised(path: String, kid: String, note: String?, now: Date = Date()) throws -> SigningKey {
        try update(path: path) { file in
            guard let index = file.keys.firstIndex(where: { $0.kid == kid }) else { throw CertificateKeyFileError.unknownKey(kid) }
            file.keys[index].status = .compromised
            file.keys[index].compromisedAt = file.keys[index].compromisedAt ?? now
            file.keys[index].note = note
            if let active = file.activeKey { return active }
            let key = SigningKey.generate(at: now)
            file.keys.append(key)
            return key
        }
    }

    private static func update<T>(path: String, _ change: (inout CertificateKeyFile) throws -> T) throws -> T {
        try withLock(path) {
            var file = FileManager.default.fileExists(atPath: path) ? try read(path: path)
                : CertificateKeyFile(format: format, keys: [.generate(at: Date())])
            let result = try change(&file)
            try file.write(to: path)
            return result
        }
    }

    /// Writes the file atomically with mode 0600: a new file beside it, then a rename.
    func write(to path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(self)) + [0x0A]
        let temporary = path + ".new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CertificateKeyFileError.unreadable(path: temporary, reason: String(cString: strerror(errno)))
        }
        fchmod(descriptor, 0o600)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CertificateKeyFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Serializes processes that create or change the key file (an exclusive lock on `PATH.lock`).
    private static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CertificateKeyFileError.unreadable(path: path + ".lock", reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw CertificateKeyFileError.unreadable(path: path + ".lock", reason: String(cString: strerror(errno)))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
