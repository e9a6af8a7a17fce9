import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerCore

/// `vledger log`: the transparency log, checked from outside.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "透明日志 / The transparency log, checked from outside.", subcommands: [Monitor.self])

    /// What the bureau or a journalist runs, e.g. from cron: follows a log from run to run.
    struct Monitor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a log's signed checkpoint, its consistency with the last one seen and its new entries; report what changed.",
            discussion: """
                The state file keeps the log's key and the last verified tree between runs; without one, the key is \
                --key, or the log's /log/vkey on first use (trusted then, and pinned in the state file). Exits non-zero, \
                saying what is wrong, when the checkpoint is not signed by the key, the log shrank or forked, a \
                consistency proof fails, or the served entries do not hash to the signed root; the state file is then \
                left as it was. With --witness-key (repeatable) the checkpoint must also carry valid cosignatures \
                (C2SP tlog-cosignature/v1) by at least --witness-quorum of those witnesses (default: all of them); the \
                keys and the quorum are pinned in the state file on the first run that names them.
                """)

        @Option(help: "The server's base URL, e.g. https://volunteer.example.gov.cn.") var url: String
        @Option(help: "The state file, created on the first run.") var state: String
        @Option(help: "The log's verifier key (name+hash+base64), to pin on the first run.") var key: String?
        @Option(name: .customLong("witness-key"), help: "A witness's cosignature/v1 verifier key (name+hash+base64); repeatable.")
        var witnessKeys: [String] = []
        @Option(help: "How many of the witness keys must have cosigned each checkpoint (default: all).") var witnessQuorum: Int?

        func run() async throws {
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            guard let parsed = URL(string: base), ["http", "https"].contains(parsed.scheme ?? "") else {
                throw ValidationError("--url must be an http(s) URL, not \(base.prefix(80))")
            }
            let fetch: LogMonitor.Fetch = { path in
                let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/" + path)!)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                guard status == 200 else { throw ValidationError("GET /\(path.prefix(80)) answered \(status)") }
                return Array(data)
            }
            let previous: LogMonitorState? = FileManager.default.fileExists(atPath: state)
                ? try JSONDecoder().decode(LogMonitorState.self, from: Data(contentsOf: URL(fileURLWithPath: state))) : nil
            let verifier: NoteVerifier
            do {
                if let previous {
                    verifier = try NoteVerifier(encoded: previous.verifierKey)
                } else if let key {
                    verifier = try NoteVerifier(encoded: key)
                } else {
                    let served = String(decoding: try await fetch("log/vkey"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    verifier = try NoteVerifier(encoded: served)
                    print("first run: trusting the log's key \(verifier.encoded) as served; compare it with one published elsewhere")
                }
            } catch let error as NoteError {
                throw ValidationError("the log key is not a verifier key: \(error)")
            }
            let (witnesses, quorum) = try pinnedWitnesses(previous)
            do {
                let (next, report) = try await LogMonitor(fetch: fetch).run(state: previous, verifierKey: verifier,
                                                                            witnesses: witnesses, quorum: quorum)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(next).write(to: URL(fileURLWithPath: state), options: .atomic)
                print(Self.describe(report, origin: next.origin))
            } catch let error as LogMonitorError {
                print("FAILED: \(error)")
                throw ExitCode(2)
            }
        }

        /// The witness keys and quorum: pinned in the state file, else from the flags (then pinned by this run).
        func pinnedWitnesses(_ previous: LogMonitorState?) throws -> ([CosignatureVerifier], Int) {
            let given: [CosignatureVerifier]
            do { given = try witnessKeys.map { try CosignatureVerifier(encoded: $0) } } catch {
                throw ValidationError("a --witness-key is not a cosignature/v1 verifier key (name+hash+base64, type 0x04): \(error)")
            }
            if let pinned = previous?.witnessKeys {
                let keys = try pinned.map { try CosignatureVerifier(encoded: $0) }
                let quorum = previous?.witnessQuorum ?? keys.count
                guard given.isEmpty || Set(given) == Set(keys), witnessQuorum == nil || witnessQuorum == quorum else {
                    throw ValidationError("the state file pins other witness keys or another quorum; start a new state file to change them")
                }
                return (keys, quorum)
            }
            if given.isEmpty {
                guard witnessQuorum == nil || witnessQuorum == 0 else { throw ValidationError("--witness-quorum needs --witness-key") }
                return ([], 0)
            }
            let quorum = witnessQuorum ?? given.count
            guard (1...given.count).contains(quorum) else { throw ValidationError("--witness-quorum must be from 1 to the \(given.count) witness keys") }
            return (given, quorum)
        }

        static func describe(_ report: LogMonitorReport, origin: String) -> String {
            var lines = ["\(origin): \(report.oldSize) → \(report.newSize) entries, consistent and signed"
                         + (report.cosignedBy.isEmpty ? "" : ", cosigned by " + report.cosignedBy.joined(separator: ", "))]
            if report.organizationsRegistered > 0 { lines.append("  organizations registered: \(report.organizationsRegistered)") }
            for (organization, c) in report.byOrganization.sorted(by: { ($0.key ?? 0) < ($1.key ?? 0) }) {
                let who = organization.map { "organization \($0)" } ?? "platform"
                lines.append("  \(who): \(c.created) records created (\(c.late) late), \(c.corrected) corrected, \(c.voided) voided; "
                             + "\(c.certificatesIssued) certificates issued, \(c.certificatesRevoked) revoked")
            }
            if !report.revokedSerials.isEmpty { lines.append("  revoked: " + report.revokedSerials.joined(separator: ", ")) }
            if !report.spotChecks.isEmpty { lines.append("  spot checks: " + report.spotChecks.joined(separator: ", ")) }
            if !report.signingKeys.isEmpty { lines.append("  signing keys: " + report.signingKeys.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        }
    }
}
