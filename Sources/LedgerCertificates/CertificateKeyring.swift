import Foundation
import JWTKit
import LedgerCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The platform's certificate authority over its key file: signs with the active key (Ed25519 through
/// jwt-kit), verifies with every key not marked compromised, and publishes the public keys. Picks up
/// changes of the file (`vledger keys rotate`, `vledger keys compromise`) within `refreshInterval`.
public final class CertificateKeyring: CertificateAuthority {
    public let path: String
    private let refreshInterval: Duration
    private let verificationCacheSize: Int
    private let state = Mutex(State())

    private struct State {
        var loaded: Loaded?
        var checkedAt: ContinuousClock.Instant?
    }

    /// The parsed file and what was built from it.
    private struct Loaded: Sendable {
        var stamp: FileStamp?
        var jwks: JSONWebKeySet
        var verifier: TokenVerifier
        var activeKid: String
        var signer: JWTKeyCollection
    }

    /// Identifies one version of the file: a rewrite (rename) changes the inode, an edit the time or size.
    private struct FileStamp: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        }
    }

    /// Opens the key file at `path`, creating it (mode 0600, one new key) on first use. Verified tokens
    /// are remembered up to `verificationCacheSize` (0: none), so a token scanned again skips Ed25519.
    public init(path: String, refreshInterval: Duration = .seconds(1), verificationCacheSize: Int = 10_000) async throws {
        self.path = path
        self.refreshInterval = refreshInterval
        self.verificationCacheSize = verificationCacheSize
        _ = try CertificateKeyFile.loadOrCreate(path: path)
        let loaded = try await Self.load(path, cacheSize: verificationCacheSize)
        state.withLock {
            $0.loaded = loaded
            $0.checkedAt = .now
        }
    }

    /// The key id that signs new certificates.
    public var activeKeyId: String {
        get async throws { try await current().activeKid }
    }

    /// Re-reads the key file now (otherwise it is re-read when it changed, checked at most every `refreshInterval`).
    public func reload() async throws {
        let loaded = try await Self.load(path, cacheSize: verificationCacheSize)
        state.withLock {
            $0.loaded = loaded
            $0.checkedAt = .now
        }
    }

    /// Re-reads the key file if it changed since it was last read; answers whether it did. A running server
    /// calls this every second (`KeyFileWatcher`), so rotation and compromise show without waiting for a request.
    @discardableResult
    public func reloadIfChanged() async throws -> Bool {
        let stamp = state.withLock { $0.loaded?.stamp }
        guard FileStamp(path: path) != stamp else { return false }
        try await reload()
        return true
    }

    private func current() async throws -> Loaded {
        let (loaded, due) = state.withLock { state -> (Loaded?, Bool) in
            let now = ContinuousClock.now
            let due = state.checkedAt.map { now - $0 >= refreshInterval } ?? true
            if due { state.checkedAt = now }
            return (state.loaded, due)
        }
        if let loaded, !due || FileStamp(path: path) == loaded.stamp { return loaded }
        do {
            let fresh = try await Self.load(path, cacheSize: verificationCacheSize)
            state.withLock { $0.loaded = fresh }
            return fresh
        } catch {
            // A file caught half-replaced or damaged: keep the keys last read rather than stop signing.
            guard let loaded else { throw error }
            return loaded
        }
    }

    private static func load(_ path: String, cacheSize: Int) async throws -> Loaded {
        let stamp = FileStamp(path: path)
        let file = try CertificateKeyFile.read(path: path)
        guard let active = file.activeKey else { throw CertificateKeyFileError.damaged("no active key") }
        let signer = JWTKeyCollection()
        await signer.add(eddsa: EdDSA.PrivateKey(backing: try active.privateKey), kid: JWKIdentifier(string: active.kid),
                         serializer: TokenJSON.serializer)
        var keys: [String: VerificationKey] = [:]
        for key in file.keys {
            keys[key.kid] = try await VerificationKey(kid: key.kid, x: key.x, trusted: key.status != .compromised,
                                                      compromisedAt: key.compromisedAt)
        }
        return Loaded(stamp: stamp, jwks: JSONWebKeySet(file),
                      verifier: TokenVerifier(keys: keys, cacheSize: cacheSize), activeKid: active.kid, signer: signer)
    }

    // MARK: CertificateAuthority

    public func sign(_ claims: CertificateClaims) async throws -> (token: String, keyId: String) {
        let loaded = try await current()
        let token = try await loaded.signer.sign(SignedCertificateClaims(claims), kid: JWKIdentifier(string: loaded.activeKid))
        return (token, loaded.activeKid)
    }

    public func check(_ token: String) async -> TokenCheck {
        guard let loaded = try? await current() else {
            return .rejected(.unknownKey, keyId: nil, keyCompromisedAt: nil)
        }
        return await loaded.verifier.check(token)
    }

    public func signStatusList(_ snapshot: StatusListSnapshot, url: String, issuer: String, at date: Date) async throws -> String {
        let loaded = try await current()
        let credential = try StatusListCredential(snapshot: snapshot, url: url, issuer: issuer, at: date)
        var header = JWTHeader()
        header.typ = "vc+jwt"
        return try await loaded.signer.sign(credential, kid: JWKIdentifier(string: loaded.activeKid), header: header)
    }

    public func publicKeySet() async throws -> [UInt8] {
        try await current().jwks.json
    }

    public func isTrustedRecently(keyId: String) -> Bool? {
        state.withLock { state in
            guard let checkedAt = state.checkedAt, ContinuousClock.now - checkedAt < refreshInterval,
                  let key = state.loaded?.verifier.keys[keyId] else { return nil }
            return key.trusted
        }
    }
}
