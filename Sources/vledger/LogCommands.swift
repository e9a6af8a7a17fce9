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
                left as it was.
                """)

        @Option(help: "The server's base URL, e.g. https://volunteer.example.gov.cn.") var url: String
        @Option(help: "The state file, created on the first run.") var state: String
        @Option(help: "The log's verifier key (name+hash+base64), to pin on the first run.") var key: String?

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
            do {
                let (next, report) = try await LogMonitor(fetch: fetch).run(state: previous, verifierKey: verifier)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(next).write(to: URL(fileURLWithPath: state), options: .atomic)
                print(Self.describe(report, origin: next.origin))
            } catch let error as LogMonitorError {
                print("FAILED: \(error)")
                throw ExitCode(2)
            }
        }

        static func describe(_ report: LogMonitorReport, origin: String) -> String {
            var lines = ["\(origin): \(report.oldSize) → \(report.newSize) entries, consistent and signed"]
            if report.organizationsRegistered > 0 { lines.append("  organizations registered: \(report.organizationsRegistered)") }
            for (organization, c) in report.byOrganization.sorted(by: { ($0.key ?? 0) < ($1.key ?? 0) }) {
                let who = organization.map { "organization \($0)" } ?? "platform"
                lines.append("  \(who): \(c.created) records created (\(c.late) late), \(c.corrected) corrected, \(c.voided) voided; "
                             + "\(c.certificatesIssued) certificates issued, \(c.certificatesRevoked) revoked")
            }
            if !report.revokedSerials.isEmpty { lines.append("  revoked: " + report.revokedSerials.joined(separator: ", ")) }
            if !report.spotChecks.isEmpty { lines.append("  spot checks: " + report.spotChecks.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        }
    }
}
