import Foundation
import LedgerCertificates
import LedgerCore
import Testing

/// Signing keys added, rotated in and marked compromised are logged once each, with public facts only.
struct SigningKeyLogTests {
    /// The log's entries of signing-key events, in log order.
    static func keyEntries(_ ledger: Ledger) async throws -> [LogEntry] {
        try await ledger.store.read { r in
            try r.logEntries(from: 0, limit: 10_000).map { try LogEntry(bytes: $0) }
                .filter { [.signingKeyAdded, .signingKeyRotated, .signingKeyCompromised].contains($0.event) }
        }
    }

    @Test func keysAreLoggedOnceEachAsAddedRotatedAndCompromised() async throws {
        let t = try await CertifyingTestbed()
        let first = try #require(try CertificateKeyFile.read(path: t.keyPath).activeKey)
        #expect(try await t.ledger.logSigningKeys(CertificateKeyFile.read(path: t.keyPath).logRecords) == 1)
        #expect(try await t.ledger.logSigningKeys(CertificateKeyFile.read(path: t.keyPath).logRecords) == 0, "logged once")

        let second = try CertificateKeyFile.rotate(path: t.keyPath)
        try CertificateKeyFile.markCompromised(path: t.keyPath, kid: first.kid, note: "backup leaked")
        #expect(try await t.ledger.logSigningKeys(CertificateKeyFile.read(path: t.keyPath).logRecords) == 2)
        #expect(try await t.ledger.logSigningKeys(CertificateKeyFile.read(path: t.keyPath).logRecords) == 0)

        let entries = try await Self.keyEntries(t.ledger)
        #expect(entries.map(\.event) == [.signingKeyAdded, .signingKeyRotated, .signingKeyCompromised])
        #expect(entries.map(\.key) == [first.kid, second.kid, first.kid])
        #expect(entries[1].replaces == first.kid)
        let publicKey = try #require(Data(base64Encoded: Self.base64(first.x)))
        #expect(entries[0].digest == LogEntry.signingKey(first.kid, publicKey: Array(publicKey), event: .signingKeyAdded,
                                                         at: first.createdAt).digest)
        let text = try await t.ledger.store.read { r in try r.logEntries(from: 0, limit: 10_000) }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!text.contains("backup leaked"), "the note stays on the platform")
        let index = try await t.ledger.store.read { try $0.logIndex(of: LogEntry.signingKeySubject(first.kid, compromised: true)) }
        #expect(index != nil)
    }

    @Test func concurrentReconcilersLogEachEventOnce() async throws {
        let t = try await CertifyingTestbed()
        _ = try CertificateKeyFile.rotate(path: t.keyPath)
        let records = try CertificateKeyFile.read(path: t.keyPath).logRecords
        let appended = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await t.ledger.logSigningKeys(records) } }
            return try await group.reduce(0, +)
        }
        #expect(appended == 2)
        #expect(try await Self.keyEntries(t.ledger).count == 2)
    }

    static func base64(_ url: String) -> String {
        let standard = url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
    }
}
