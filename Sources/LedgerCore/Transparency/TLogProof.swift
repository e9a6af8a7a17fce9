import Crypto
import Foundation

/// Why a tlog-proof is refused.
public enum TLogProofError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    /// The checkpoint inside is not signed by the log's key, or not of its origin.
    case checkpoint(NoteError)
    /// Fewer of the given witnesses cosigned the checkpoint than required.
    case tooFewCosignatures(valid: Int, required: Int)
    /// The inclusion proof does not lead from the entry to the checkpoint's root.
    case notIncluded(index: Int, size: Int)
    /// The logged entry is not the one of this certificate.
    case otherEntry(String)

    public var description: String {
        switch self {
        case .malformed(let why): "不是 c2sp.org/tlog-proof@v1 证明 / not a tlog-proof: \(why)"
        case .checkpoint(let error): "检查点未通过验证 / the checkpoint does not verify: \(error)"
        case .tooFewCosignatures(let valid, let required):
            "见证联署不足 / the checkpoint has \(valid) valid cosignature(s) by the given witnesses, \(required) required"
        case .notIncluded(let index, let size): "包含证明不成立 / entry \(index) is not proven in the tree of size \(size)"
        case .otherEntry(let why): "日志条目与证明不符 / the logged entry is not this certificate's: \(why)"
        }
    }
}

/// A C2SP tlog-proof: the signed checkpoint of the log (with its witnesses' cosignatures), the index of an entry and the
/// Merkle inclusion proof of that entry in the checkpoint's tree, so that anyone can check offline, with the log's key,
/// that the entry was logged. The extra data holds the entry's canonical bytes (unauthenticated until the proof checks).
public struct TLogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"
    /// A proof file is small: a checkpoint with up to 100 signature lines and at most 64 hashes.
    public static let maximumBytes = 64 * 1024

    public var extra: [UInt8]?
    public var index: Int
    public var hashes: [TreeHash]
    /// The signed checkpoint note, verbatim.
    public var checkpointNote: String

    public init(extra: [UInt8]?, index: Int, hashes: [TreeHash], checkpointNote: String) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpointNote = checkpointNote
    }

    /// The proof as text: header, optional extra line, index line, one base64 hash a line, a blank line, the checkpoint.
    public var text: String {
        var lines = [Self.header]
        if let extra { lines.append("extra " + Data(extra).base64EncodedString()) }
        lines.append("index \(index)")
        lines += hashes.map { Data($0.bytes).base64EncodedString() }
        return lines.map { $0 + "\n" }.joined() + "\n" + checkpointNote
    }

    /// A proof from its text.
    public init(text: String) throws(TLogProofError) {
        guard text.utf8.count <= Self.maximumBytes else { throw .malformed("larger than \(Self.maximumBytes) bytes") }
        guard let split = text.range(of: "\n\n") else { throw .malformed("no blank line before the checkpoint") }
        var lines = text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == Self.header else { throw .malformed("the first line is not \(Self.header)") }
        lines.removeFirst()
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let bytes = Data(base64Encoded: String(line.dropFirst(6))) else { throw .malformed("the extra data is not base64") }
            extra = Array(bytes)
            lines.removeFirst()
        }
        guard let line = lines.first, line.hasPrefix("index "), let index = Int(line.dropFirst(6)), index >= 0,
              String(index) == line.dropFirst(6) else {
            throw .malformed("no line 'index N' with N a decimal without leading zeros")
        }
        lines.removeFirst()
        guard lines.count <= 64 else { throw .malformed("more than 64 proof hashes") }
        var hashes: [TreeHash] = []
        for line in lines {
            guard let bytes = Data(base64Encoded: line), let hash = TreeHash(Array(bytes)) else {
                throw .malformed("a proof line is not a base64 SHA-256 hash: \(line.prefix(60))")
            }
            hashes.append(hash)
        }
        self.init(extra: extra, index: index, hashes: hashes, checkpointNote: String(text[split.upperBound...]))
    }

    /// Checks that `entry` is the logged entry at `index` in the tree of the checkpoint, which the log's key must have
    /// signed and at least `quorum` of `witnesses` cosigned (C2SP tlog-cosignature/v1). Returns the checkpoint and the
    /// witnesses whose cosignature verified.
    public func verify(entry: [UInt8], logKey: NoteVerifier, witnesses: [CosignatureVerifier] = [],
                       quorum: Int = 0) throws(TLogProofError) -> (checkpoint: Checkpoint, cosignedBy: [CosignatureVerifier]) {
        let checkpoint: Checkpoint, note: SignedNote
        do { (checkpoint, note) = try Checkpoint.open(checkpointNote, origin: logKey.name, logKey: logKey) } catch {
            throw .checkpoint(error)
        }
        let cosigners = note.cosigners(among: witnesses)
        guard cosigners.count >= quorum else { throw .tooFewCosignatures(valid: cosigners.count, required: quorum) }
        guard index < checkpoint.size,
              Merkle.verifyInclusion(leaf: .leaf(entry), index: index, size: checkpoint.size, proof: hashes, root: checkpoint.root) else {
            throw .notIncluded(index: index, size: checkpoint.size)
        }
        return (checkpoint, cosigners)
    }

    /// Checks the proof of a certificate's issuance: the extra data is the logged entry, an issuance whose digest is the
    /// SHA-256 of `token`; returns the entry, the checkpoint and the witnesses that cosigned it.
    public func verifyIssuance(of token: String, logKey: NoteVerifier, witnesses: [CosignatureVerifier] = [],
                               quorum: Int = 0) throws(TLogProofError) -> (LogEntry, Checkpoint, [CosignatureVerifier]) {
        guard let extra else { throw .malformed("no extra data: the logged entry is missing") }
        let entry: LogEntry
        do { entry = try LogEntry(bytes: extra) } catch { throw .otherEntry("the extra data is not a canonical log entry") }
        guard entry.event == .certificateIssued else { throw .otherEntry("the entry is a \(entry.event.rawValue)") }
        guard entry.digest == SHA256.hash(data: Array(token.utf8)).hexString else {
            throw .otherEntry("the entry commits to another token")
        }
        let (checkpoint, cosigners) = try verify(entry: extra, logKey: logKey, witnesses: witnesses, quorum: quorum)
        return (entry, checkpoint, cosigners)
    }
}
