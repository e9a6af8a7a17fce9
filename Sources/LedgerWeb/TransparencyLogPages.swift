import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// The public page of the transparency log: what anyone outside the platform needs to check it (its origin and key,
/// the signed checkpoint, which witnesses cosigned it, the latest entries) and how, step by step.
struct TransparencyLogPages {
    let ledger: Ledger
    let renderer: PageRenderer

    /// Latest entries shown on the page.
    static let latestShown = 12

    struct Page {
        var available: Bool
        /// Where the server is reached, for the commands shown.
        var base: String
        var origin: String
        var key: String
        var size: Int
        var root: String
        var witnessed: Bool
        var quorum: Int
        var witnesses: [Witness]
        var entries: [Entry]
    }

    struct Witness {
        var name: String
        var cosigned: Bool
    }

    struct Entry {
        var index: Int
        var event: String
        var at: String
        var subject: String
        var digest: String
    }

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/log") { _, context -> Response in
            renderer.render("log", title: renderer.text("log_title", context.language), page: try await page(), context: context)
        }
    }

    func page() async throws -> Page {
        guard let log = ledger.transparencyLog else {
            return Page(available: false, base: "", origin: "", key: "", size: 0, root: "", witnessed: false, quorum: 0, witnesses: [], entries: [])
        }
        var size = 0, root = "", cosigners: Set<String> = []
        if let note = try await log.servedCheckpointNote() {
            let (checkpoint, opened) = try Checkpoint.open(note, origin: log.origin, logKey: log.verifier)
            size = checkpoint.size
            root = Data(checkpoint.root.bytes).base64EncodedString()
            cosigners = Set(opened.cosigners(among: log.witnesses.map(\.key)).map(\.name))
        }
        let signedSize = size, first = max(0, size - Self.latestShown)
        let entries = try await ledger.store.read { r in try r.logEntries(from: first, limit: signedSize - first) }
        return Page(
            available: true, base: ledger.certificates?.publicBaseURL ?? "http://127.0.0.1:8080", origin: log.origin, key: log.verifier.encoded, size: size, root: root, witnessed: !log.witnesses.isEmpty,
            quorum: log.quorum, witnesses: log.witnesses.map { Witness(name: $0.key.name, cosigned: cosigners.contains($0.key.name)) },
            entries: entries.enumerated().reversed().map { offset, bytes in
                let entry = try? LogEntry(bytes: bytes)
                return Entry(index: first + offset, event: entry?.event.rawValue ?? "?", at: entry?.at ?? "",
                             subject: entry.map(Self.subject) ?? "", digest: String((entry?.digest ?? "").prefix(16)))
            })
    }

    /// What an entry is about, by id only (the log holds no names).
    static func subject(_ e: LogEntry) -> String {
        [e.organization.map { "org \($0)" }, e.record.map { "record \($0)" + (e.revision.map { " r\($0)" } ?? "") },
         e.change, e.serial.map { CertificateSerial($0)?.grouped ?? $0 }, e.campaign.map { "spot check \($0)" }, e.key.map { "key \($0.prefix(12))…" }]
            .compactMap { $0 }.joined(separator: " · ")
    }
}
