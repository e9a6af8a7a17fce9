import Foundation

/// The body of a C2SP tlog-checkpoint: which log (its origin), how many entries, and the tree's root.
public struct Checkpoint: Sendable, Hashable {
    /// The log's name, unique to it, e.g. "vledger.example.gov.cn/log".
    public let origin: String
    public let size: Int
    public let root: TreeHash
    /// Optional lines after the root, kept as they are.
    public let extensions: [String]

    public init(origin: String, size: Int, root: TreeHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note text: origin, decimal size and base64 root, each on its own line, then the extension lines.
    public var text: String {
        ([origin, String(size), Data(root.bytes).base64EncodedString()] + extensions).map { $0 + "\n" }.joined()
    }

    /// A checkpoint from its note text.
    public init(text: String) throws(NoteError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard text.hasSuffix("\n"), lines.removeLast().isEmpty, lines.count >= 3 else {
            throw .malformedCheckpoint("origin, size and root hash lines, each ending with a newline")
        }
        guard !lines[0].isEmpty else { throw .malformedCheckpoint("the origin line is empty") }
        guard let size = Int(lines[1]), size >= 0, String(size) == lines[1] else {
            throw .malformedCheckpoint("the size is a decimal number without leading zeros")
        }
        guard let bytes = Data(base64Encoded: lines[2]), let root = TreeHash(Array(bytes)),
              Data(bytes).base64EncodedString() == lines[2] else {
            throw .malformedCheckpoint("the root hash is 32 bytes in standard base64")
        }
        guard !lines.dropFirst(3).contains(where: \.isEmpty) else { throw .malformedCheckpoint("an empty extension line") }
        self.init(origin: lines[0], size: size, root: root, extensions: Array(lines.dropFirst(3)))
    }

    /// The checkpoint of a signed note from the log, whose key must have signed it and whose origin must be `origin`.
    public static func open(_ note: String, origin: String, logKey: NoteVerifier) throws(NoteError) -> (Checkpoint, SignedNote) {
        let opened = try SignedNote.open(note, verifiers: [logKey])
        let checkpoint = try Checkpoint(text: opened.text)
        guard checkpoint.origin == origin else { throw .malformedCheckpoint("the origin is not \(origin.prefix(80))") }
        return (checkpoint, opened)
    }
}
