import Foundation

/// A witness the log submits its checkpoints to: its submission prefix (`POST <url>/add-checkpoint`) and its cosigner key.
public struct WitnessEndpoint: Sendable, Hashable {
    public let url: String
    public let key: CosignatureVerifier

    public init(url: String, key: CosignatureVerifier) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.key = key
    }

    /// "URL VKEY", e.g. "https://witness.bureau.example.gov.cn witness.bureau.example.gov.cn+1a2b3c4d+BA…".
    public init(described text: String) throws(NoteError) {
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 2, let url = URL(string: fields[0]), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .malformedKey("a witness is \"URL VKEY\": its http(s) submission URL, a space, its cosignature/v1 verifier key")
        }
        self.init(url: fields[0], key: try CosignatureVerifier(encoded: fields[1]))
    }

    public var described: String { "\(url) \(key.encoded)" }
}

/// Sends an add-checkpoint body to a URL and returns the answer's status and body; the server supplies it (HTTP stays
/// out of the domain).
public typealias WitnessPost = @Sendable (_ url: String, _ body: [UInt8]) async throws -> (status: Int, body: [UInt8])

/// Why a witness gave no cosignature this round (retried at the next).
public enum WitnessSubmissionError: Error, Equatable, CustomStringConvertible {
    case refused(witness: String, status: Int, reason: String)
    case badCosignature(witness: String)
    /// The witness cosigned a larger tree than the log has signed: the log cannot prove consistency to it.
    case witnessAhead(witness: String, size: Int)
    case unreachable(witness: String, reason: String)

    public var description: String {
        switch self {
        case .refused(let witness, let status, let reason): "witness \(witness.prefix(80)) refused the checkpoint (\(status)): \(reason.prefix(200))"
        case .badCosignature(let witness): "witness \(witness.prefix(80)) answered without a valid cosignature by its key"
        case .witnessAhead(let witness, let size): "witness \(witness.prefix(80)) has cosigned \(size) entries, more than the log has signed"
        case .unreachable(let witness, let reason): "witness \(witness.prefix(80)) unreachable: \(reason.prefix(200))"
        }
    }
}

extension WitnessEndpoint {
    /// Submits `note` (the log-signed checkpoint `checkpoint`) from the size the witness last cosigned, `old` (0 if
    /// unknown); on 409 learns the witness's size from the answer and tries once more from there. Returns the witness's
    /// cosignature line (the witness now holds the checkpoint's size).
    func submit(_ checkpoint: Checkpoint, note: String, text: String, old: Int, post: WitnessPost,
                proof: @Sendable (Int) async throws -> [TreeHash]) async throws(WitnessSubmissionError) -> String {
        var old = old
        for attempt in 0..<2 {
            guard old <= checkpoint.size else { throw .witnessAhead(witness: key.name, size: old) }
            let body: [UInt8]
            let answer: (status: Int, body: [UInt8])
            do {
                let hashes = old == 0 || old == checkpoint.size ? [] : try await proof(old)
                body = Array(((["old \(old)"] + hashes.map { Data($0.bytes).base64EncodedString() }).map { $0 + "\n" }.joined()
                              + "\n" + note).utf8)
                answer = try await post(url + "/add-checkpoint", body)
            } catch {
                throw .unreachable(witness: key.name, reason: "\(error)")
            }
            let text200 = String(decoding: answer.body.prefix(4096), as: UTF8.self)
            if answer.status == 409, attempt == 0, let size = Int(text200.trimmingCharacters(in: .whitespacesAndNewlines)), size != old {
                old = size
                continue
            }
            guard answer.status == 200 else { throw .refused(witness: key.name, status: answer.status, reason: text200) }
            let lines = String(decoding: answer.body, as: UTF8.self).split(separator: "\n")
            guard let line = lines.first(where: { key.cosignatureTime(line: $0, text: text) != nil }) else {
                throw .badCosignature(witness: key.name)
            }
            return String(line) + "\n"
        }
        throw .refused(witness: key.name, status: 409, reason: "the old size conflicts again")
    }
}
