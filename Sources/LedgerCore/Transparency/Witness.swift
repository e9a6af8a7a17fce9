import Foundation

/// A log a witness watches: its origin and the note key that signs its checkpoints.
public struct WitnessedLog: Sendable, Hashable {
    public let origin: String
    public let key: NoteVerifier

    public init(origin: String, key: NoteVerifier) {
        self.origin = origin
        self.key = key
    }

    /// "VKEY" (the origin is the key's name, as for this project's logs) or "ORIGIN VKEY".
    public init(described text: String) throws(NoteError) {
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard (1...2).contains(fields.count) else { throw .malformedKey("a witnessed log is \"VKEY\" or \"ORIGIN VKEY\"") }
        let key = try NoteVerifier(encoded: fields[fields.count - 1])
        let origin = fields.count == 2 ? fields[0] : key.name
        guard NoteVerifier.isValidName(origin) else { throw .malformedKey("an origin has no spaces or '+'") }
        self.init(origin: origin, key: key)
    }
}

/// The latest tree a witness cosigned for one log.
public struct WitnessedTree: Codable, Sendable, Equatable {
    public var size: Int
    /// Base64.
    public var root: String
}

/// Why a witness refuses an `add-checkpoint` request, with the HTTP status C2SP tlog-witness gives each.
public enum WitnessRefusal: Error, Equatable, CustomStringConvertible {
    /// 400: not an old size line, proof lines, a blank line and a signed checkpoint; or old size above the checkpoint's.
    case malformed(String)
    /// 404: the checkpoint's origin is not a log this witness watches.
    case unknownLog
    /// 403: no signature by the log's key verifies.
    case unverified
    /// 409: `old` is not the size the witness last cosigned (`size`), answered as `text/x.tlog.size`.
    case conflict(size: Int)
    /// 409: a tree of the size the witness cosigned, with another root: the log forked.
    case forked(size: Int)
    /// 422: the consistency proof from the witness's tree to the new one does not verify.
    case inconsistent
    /// 500: the witness could not keep its state; nothing was cosigned.
    case storage(String)

    public var status: Int {
        switch self {
        case .malformed: 400
        case .unknownLog: 404
        case .unverified: 403
        case .conflict, .forked: 409
        case .inconsistent: 422
        case .storage: 500
        }
    }

    /// The size a 409 answer carries, per C2SP tlog-witness.
    public var knownSize: Int? {
        switch self {
        case .conflict(let size), .forked(let size): size
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .malformed(let what): "malformed request: \(what)"
        case .unknownLog: "unknown log"
        case .unverified: "the checkpoint is not signed by the log's key"
        case .conflict(let size): "the old size is not the witnessed size \(size)"
        case .forked(let size): "a different tree of the witnessed size \(size): the log forked"
        case .inconsistent: "the consistency proof does not verify"
        case .storage(let what): "the witness could not keep its state: \(what)"
        }
    }
}

/// Where a witness keeps, per origin, the tree it last cosigned; it must survive restarts, or the witness could be made
/// to cosign a fork of what it cosigned before.
public protocol WitnessStateStorage: Sendable {
    func load() throws -> [String: WitnessedTree]
    /// Durable before it returns.
    func save(_ trees: [String: WitnessedTree]) throws
}

/// A JSON state file replaced atomically: written to a temporary file in its folder, flushed to disk, renamed over the
/// old one (the folder flushed too). One witness process per file.
public struct WitnessStateFile: WitnessStateStorage {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    struct Contents: Codable {
        var logs: [String: WitnessedTree]
    }

    public func load() throws -> [String: WitnessedTree] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return try JSONDecoder().decode(Contents.self, from: Data(contentsOf: URL(fileURLWithPath: path))).logs
    }

    public func save(_ trees: [String: WitnessedTree]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(Contents(logs: trees))
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission)
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            // The rename itself reaches the disk with its folder.
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            let descriptor = open(folder, O_RDONLY)
            if descriptor >= 0 {
                _ = fsync(descriptor)
                _ = close(descriptor)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

/// A C2SP tlog-witness: checks that each checkpoint a log submits is signed by the log and consistent with the tree the
/// witness last cosigned for it, keeps the new tree durably, then cosigns (tlog-cosignature/v1). No HTTP here: the
/// server hands the request body in and maps a `WitnessRefusal` to its status.
public actor Witness {
    public nonisolated let signer: CosignatureSigner
    let logs: [String: WitnessedLog]
    let storage: any WitnessStateStorage
    let now: @Sendable () -> Date
    private var trees: [String: WitnessedTree]

    /// The largest request body (a checkpoint with its signatures and a proof of at most 63 hashes is far smaller).
    public static let maximumBodySize = 64 * 1024
    static let maximumProofLines = 63

    public init(signer: CosignatureSigner, logs: [WitnessedLog], storage: any WitnessStateStorage,
                now: @escaping @Sendable () -> Date = Date.init) throws {
        self.signer = signer
        self.logs = Dictionary(logs.map { ($0.origin, $0) }, uniquingKeysWith: { first, _ in first })
        self.storage = storage
        self.now = now
        trees = try storage.load()
    }

    /// The tree last cosigned for `origin`.
    public func tree(of origin: String) -> WitnessedTree? { trees[origin] }

    /// Handles an `add-checkpoint` body; returns the cosignature line(s) to answer with. The check and the update of
    /// the state happen without a suspension point, so two requests cannot roll the state back.
    public func addCheckpoint(_ body: [UInt8]) throws(WitnessRefusal) -> String {
        guard body.count <= Self.maximumBodySize else { throw .malformed("the body is larger than 64 KiB") }
        guard let text = String(validating: body, as: UTF8.self) else { throw .malformed("the body is not UTF-8") }
        guard let split = text.range(of: "\n\n") else { throw .malformed("no blank line before the checkpoint") }
        let head = text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        let note = String(text[split.upperBound...])
        guard let sizeText = head.first?.dropFirst(4), head.first?.hasPrefix("old ") == true,
              let oldSize = Int(sizeText), oldSize >= 0, String(oldSize) == sizeText else {
            throw .malformed("the first line is \"old N\", N in decimal without leading zeros")
        }
        guard head.count - 1 <= Self.maximumProofLines else { throw .malformed("more than 63 consistency proof lines") }
        var proof: [TreeHash] = []
        for line in head.dropFirst() {
            guard let bytes = Data(base64Encoded: String(line)), let hash = TreeHash(Array(bytes)) else {
                throw .malformed("a consistency proof line is not a base64 SHA-256 hash")
            }
            proof.append(hash)
        }
        let origin = String(note.prefix { $0 != "\n" })
        guard let log = logs[origin] else { throw .unknownLog }
        let checkpoint: Checkpoint
        let signedText: String
        do {
            let opened = try SignedNote.open(note, verifiers: [log.key])
            checkpoint = try Checkpoint(text: opened.text)
            signedText = opened.text
        } catch NoteError.unverified {
            throw .unverified
        } catch {
            throw .malformed("the checkpoint: \(error)")
        }
        guard checkpoint.origin == origin else { throw .unknownLog }
        guard oldSize <= checkpoint.size else { throw .malformed("the old size is above the checkpoint's size") }
        let known = trees[origin]
        let knownSize = known?.size ?? 0
        guard oldSize == knownSize else { throw .conflict(size: knownSize) }
        if let known, known.size > 0 {
            guard let bytes = Data(base64Encoded: known.root), let knownRoot = TreeHash(Array(bytes)) else {
                throw .storage("the stored root of \(origin.prefix(80)) is damaged")
            }
            if checkpoint.size == known.size {
                guard checkpoint.root == knownRoot else { throw .forked(size: known.size) }
            } else {
                guard Merkle.verifyConsistency(oldSize: known.size, newSize: checkpoint.size, oldRoot: knownRoot,
                                               newRoot: checkpoint.root, proof: proof) else { throw .inconsistent }
            }
        } else {
            guard proof.isEmpty else { throw .malformed("the proof must be empty when the old size is 0") }
        }
        let tree = WitnessedTree(size: checkpoint.size, root: Data(checkpoint.root.bytes).base64EncodedString())
        if tree != known {
            var next = trees
            next[origin] = tree
            do { try storage.save(next) } catch { throw .storage("\(error)") }
            trees = next
        }
        let time = UInt64(max(0, now().timeIntervalSince1970.rounded(.down)))
        do { return try signer.cosignatureLine(text: signedText, time: time) } catch { throw .storage("signing failed: \(error)") }
    }
}
