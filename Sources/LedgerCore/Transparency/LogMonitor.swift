import Foundation

/// What a monitor remembers between runs (`vledger log monitor --state FILE`): the log's key, and the last checkpoint it
/// verified with the right edge of that tree (the hashes of its largest complete subtrees, left to right), enough to
/// extend the tree by the new entries alone.
public struct LogMonitorState: Codable, Sendable, Equatable {
    public var origin: String
    public var verifierKey: String
    public var size: Int
    /// Base64.
    public var root: String
    /// Base64 hashes of the complete subtrees of the tree of `size` entries, largest first.
    public var rightEdge: [String]
    /// The witnesses' cosignature/v1 verifier keys pinned on the first run that named them, and how many of them must
    /// have cosigned each checkpoint (nil in a state file from before witnesses).
    public var witnessKeys: [String]? = nil
    public var witnessQuorum: Int? = nil
}

/// What changed in the log since the last run.
public struct LogMonitorReport: Sendable, Equatable {
    public struct Changes: Sendable, Equatable {
        public var created = 0, corrected = 0, voided = 0, late = 0, certificatesIssued = 0, certificatesRevoked = 0
    }

    public var oldSize: Int
    public var newSize: Int
    /// By organization id (nil: the platform).
    public var byOrganization: [Int64?: Changes] = [:]
    public var organizationsRegistered = 0
    public var revokedSerials: [String] = []
    /// "7 frozen", "7 drawn".
    public var spotChecks: [String] = []
    /// The witnesses whose cosignature of the checkpoint verified, by name.
    public var cosignedBy: [String] = []
    /// Signing keys added, rotated in and marked compromised: "KID added".
    public var signingKeys: [String] = []
}

/// Why a monitor refuses what the log serves: each is a sign the log is not what it signed before.
public enum LogMonitorError: Error, Equatable, CustomStringConvertible {
    case badSignature
    case wrongOrigin(expected: String, got: String)
    case shrank(from: Int, to: Int)
    case forked(size: Int)
    case inconsistent(from: Int, to: Int)
    case entriesDoNotMatchRoot(size: Int)
    case notEnoughCosignatures(valid: Int, required: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .badSignature: "the checkpoint is not signed by the log's key"
        case .wrongOrigin(let expected, let got): "the checkpoint is of \(got.prefix(80)), not of \(expected.prefix(80))"
        case .shrank(let from, let to): "the log shrank from \(from) to \(to) entries: history was rewritten"
        case .forked(let size): "the log signed two different trees of \(size) entries: history was rewritten"
        case .inconsistent(let from, let to): "the consistency proof from \(from) to \(to) entries does not verify: history was rewritten"
        case .entriesDoNotMatchRoot(let size): "the served entries do not hash to the signed root of \(size) entries"
        case .notEnoughCosignatures(let valid, let required):
            "the checkpoint has \(valid) valid cosignature(s) by the pinned witnesses, \(required) required: it may be a view shown to this monitor alone"
        case .malformed(let what): "the log served something malformed: \(what.prefix(120))"
        }
    }
}

/// Checks a log from outside, by its C2SP tlog-tiles endpoints: the checkpoint's signature, its consistency with the
/// last one seen, and that the new entries extend the old tree to the new root; then reports what the entries say.
public struct LogMonitor: Sendable {
    /// GETs a path of the log's server ("log/checkpoint", "api/v1/log/consistency-proof?from=1&to=2") and returns the body.
    public typealias Fetch = @Sendable (String) async throws -> [UInt8]
    let fetch: Fetch

    public init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    /// One run: from `state` (nil: the first, trusting `verifierKey`), to the new state and what changed. With
    /// `witnesses`, at least `quorum` of them must have cosigned the checkpoint (C2SP tlog-cosignature/v1).
    public func run(state: LogMonitorState?, verifierKey: NoteVerifier, witnesses: [CosignatureVerifier] = [],
                    quorum: Int = 0) async throws -> (LogMonitorState, LogMonitorReport) {
        let note = String(decoding: try await fetch("log/checkpoint"), as: UTF8.self)
        let checkpoint: Checkpoint
        let cosigners: [CosignatureVerifier]
        do {
            let opened = try SignedNote.open(note, verifiers: [verifierKey])
            checkpoint = try Checkpoint(text: opened.text)
            cosigners = opened.cosigners(among: witnesses)
        } catch NoteError.unverified {
            throw LogMonitorError.badSignature
        } catch {
            throw LogMonitorError.malformed("checkpoint: \(error)")
        }
        guard checkpoint.origin == verifierKey.name else { throw LogMonitorError.wrongOrigin(expected: verifierKey.name, got: checkpoint.origin) }
        guard cosigners.count >= quorum else { throw LogMonitorError.notEnoughCosignatures(valid: cosigners.count, required: quorum) }
        let oldSize = state?.size ?? 0
        var edge = try state.map { try Self.hashes($0.rightEdge) } ?? []
        if let state {
            guard checkpoint.size >= state.size else { throw LogMonitorError.shrank(from: state.size, to: checkpoint.size) }
            let oldRoot = try Self.hash(state.root)
            if checkpoint.size == state.size, checkpoint.root != oldRoot { throw LogMonitorError.forked(size: state.size) }
            if checkpoint.size > state.size, state.size > 0 {
                let body = try await fetch("api/v1/log/consistency-proof?from=\(state.size)&to=\(checkpoint.size)")
                guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                      let proof = json["proof"] as? [String] else { throw LogMonitorError.malformed("consistency proof") }
                guard Merkle.verifyConsistency(oldSize: state.size, newSize: checkpoint.size, oldRoot: oldRoot, newRoot: checkpoint.root,
                                               proof: try Self.hashes(proof)) else {
                    throw LogMonitorError.inconsistent(from: state.size, to: checkpoint.size)
                }
            }
        }
        // The new entries, from the entry bundles, extend the old right edge to the new root.
        var report = LogMonitorReport(oldSize: oldSize, newSize: checkpoint.size)
        report.cosignedBy = cosigners.map(\.name)
        var index = oldSize
        while index < checkpoint.size {
            let tile = index / 256, width = min(256, checkpoint.size - tile * 256)
            let bundle = try await fetch("log/tile/entries/\(Self.tilePath(tile))" + (width == 256 ? "" : ".p/\(width)"))
            let entries = try Self.entries(of: bundle)
            guard entries.count == width else { throw LogMonitorError.malformed("entry bundle \(tile) has \(entries.count) entries") }
            for entry in entries[(index - tile * 256)...] {
                Self.append(.leaf(entry), to: &edge, size: index)
                index += 1
                report.note(try? LogEntry(bytes: entry))
            }
        }
        guard Self.root(of: edge) == checkpoint.root else { throw LogMonitorError.entriesDoNotMatchRoot(size: checkpoint.size) }
        let next = LogMonitorState(origin: checkpoint.origin, verifierKey: verifierKey.encoded, size: checkpoint.size,
                                   root: Data(checkpoint.root.bytes).base64EncodedString(),
                                   rightEdge: edge.map { Data($0.bytes).base64EncodedString() },
                                   witnessKeys: witnesses.isEmpty ? nil : witnesses.map(\.encoded), witnessQuorum: witnesses.isEmpty ? nil : quorum)
        return (next, report)
    }

    /// Adds the leaf at `size` to the complete subtrees of the tree of `size` leaves: equal neighbours merge.
    static func append(_ leaf: TreeHash, to edge: inout [TreeHash], size: Int) {
        edge.append(leaf)
        var count = size
        while count & 1 == 1 {
            let right = edge.removeLast(), left = edge.removeLast()
            edge.append(.node(left, right))
            count >>= 1
        }
    }

    /// The root from the complete subtrees, largest first: folded from the right.
    static func root(of edge: [TreeHash]) -> TreeHash {
        guard var hash = edge.last else { return .empty }
        for left in edge.dropLast().reversed() { hash = .node(left, hash) }
        return hash
    }

    /// "x001/x234/067" for 1234067.
    static func tilePath(_ n: Int) -> String { TilePath.encode(n) }

    static func entries(of bundle: [UInt8]) throws -> [[UInt8]] {
        var entries: [[UInt8]] = [], i = 0
        while i < bundle.count {
            guard i + 2 <= bundle.count else { throw LogMonitorError.malformed("a truncated entry bundle") }
            let length = Int(bundle[i]) << 8 | Int(bundle[i + 1])
            guard i + 2 + length <= bundle.count else { throw LogMonitorError.malformed("a truncated entry bundle") }
            entries.append(Array(bundle[(i + 2)..<(i + 2 + length)]))
            i += 2 + length
        }
        return entries
    }

    static func hash(_ text: String) throws -> TreeHash {
        guard let bytes = Data(base64Encoded: text), let hash = TreeHash(Array(bytes)) else { throw LogMonitorError.malformed("a hash") }
        return hash
    }

    static func hashes(_ texts: [String]) throws -> [TreeHash] { try texts.map(hash) }
}

extension LogMonitorReport {
    mutating func note(_ entry: LogEntry?) {
        guard let entry else { return }
        switch entry.event {
        case .recordRevision:
            var changes = byOrganization[entry.organization] ?? Changes()
            switch entry.change {
            case "created": changes.created += 1
            case "corrected": changes.corrected += 1
            case "voided": changes.voided += 1
            default: break
            }
            if entry.late == true { changes.late += 1 }
            byOrganization[entry.organization] = changes
        case .certificateIssued:
            byOrganization[entry.organization, default: Changes()].certificatesIssued += 1
        case .certificateRevoked:
            byOrganization[entry.organization, default: Changes()].certificatesRevoked += 1
            if let serial = entry.serial { revokedSerials.append(serial) }
        case .organizationCreated:
            organizationsRegistered += 1
        case .spotCheckFrozen, .spotCheckDrawn, .spotCheckAssigned, .spotCheckPublished:
            let step = switch entry.event {
            case .spotCheckFrozen: "frozen"
            case .spotCheckDrawn: "drawn"
            case .spotCheckAssigned: "assigned"
            default: "published"
            }
            if let campaign = entry.campaign { spotChecks.append("\(campaign) \(step)") }
        case .signingKeyAdded, .signingKeyRotated, .signingKeyCompromised:
            let change = switch entry.event {
            case .signingKeyAdded: "added"
            case .signingKeyRotated: "rotated in" + (entry.replaces.map { " replacing \($0)" } ?? "")
            default: "COMPROMISED"
            }
            if let key = entry.key { signingKeys.append("\(key) \(change)") }
        }
    }
}
