import Foundation
import Hummingbird
import LedgerCore
import Synchronization

/// The transparency log as C2SP tlog-tiles serves it, cacheable as static files: the signed checkpoint, the note
/// verifier key, hash tiles and entry bundles; and JSON inclusion and consistency proofs. Public, without a login.
struct LogRoutes {
    let ledger: Ledger
    let log: LogPublisher
    /// Full tiles and bundles never change once served: the last ones asked for stay in memory.
    let tiles = ImmutableTileCache(budgetBytes: 32 << 20)

    /// Tiles are 256 hashes wide (height 8).
    static let tileWidth = 256

    func registerPublic(on router: Router<LedgerRequestContext>) {
        router.get("/log/checkpoint") { _, _ -> Response in
            guard let note = try await log.servedCheckpointNote() else {
                // A witness quorum is required and no checkpoint has reached it yet.
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "5"],
                                body: .init(byteBuffer: ByteBuffer(string: "no checkpoint has been cosigned by the witness quorum yet\n")))
            }
            return Self.text(note, cache: "no-cache")
        }
        router.get("/log/vkey") { _, _ -> Response in
            Self.text(log.verifier.encoded + "\n", cache: "public, max-age=86400")
        }
        // Tiles are described by C2SP tlog-tiles and in getLogCheckpoint's description; their paths, of several segments,
        // have no OpenAPI form, hence their own group.
        let tiles = router.group("log/tile")
        tiles.get("**") { _, context -> Response in
            let path = context.parameters.getCatchAll().map(String.init)
            guard let tile = TilePath(path) else { throw HTTPError(.notFound, message: "no such tile path") }
            let key = path.joined(separator: "/")
            if let cached = self.tiles[key] { return Self.tileResponse(cached) }
            let size = try await log.checkpoint().size
            let bytes: [UInt8]
            if let level = tile.level {
                let shift = Self.tileLevelShift * level
                guard tile.lastLeafIndex(shift: shift) < size else { throw HTTPError(.notFound, message: "the log has no such tile yet") }
                let start = tile.index * Self.tileWidth
                let hashes = try await ledger.store.read { r in
                    try r.logHashes(after: (level: shift, index: start - 1), limit: tile.width).filter { $0.level == shift }
                }
                guard hashes.count == tile.width else { throw HTTPError(.notFound, message: "the log has no such tile yet") }
                bytes = hashes.flatMap(\.hash.bytes)
            } else {
                guard tile.lastLeafIndex(shift: 0) < size else { throw HTTPError(.notFound, message: "the log has no such entries yet") }
                let entries = try await ledger.store.read { try $0.logEntries(from: tile.index * Self.tileWidth, limit: tile.width) }
                guard entries.count == tile.width else { throw HTTPError(.notFound, message: "the log has no such entries yet") }
                bytes = entries.flatMap { entry in [UInt8(entry.count >> 8), UInt8(entry.count & 0xFF)] + entry }
            }
            let buffer = ByteBuffer(bytes: bytes)
            self.tiles[key] = buffer
            return Self.tileResponse(buffer)
        }
    }

    static func tileResponse(_ bytes: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
                 body: .init(byteBuffer: bytes))
    }

    /// A tile's tree level is its level times 8.
    static let tileLevelShift = 8

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.get("log/certificate-proofs/:serial") { _, context -> Response in
            let proof = try await ledger.certificateLogProof(serial: try context.parameters.require("serial"))
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache",
                                                   .contentDisposition: "attachment; filename=\"certificate-\(proof.index).tlog-proof\""],
                            body: .init(byteBuffer: ByteBuffer(string: proof.text)))
        }
        api.get("log/inclusion-proof") { request, _ -> InclusionProofBody in
            let index = try Self.required(request.queryInt("index"), "index")
            let size = try Self.required(request.queryInt("size"), "size")
            let logSize = try await log.checkpoint().size
            guard size >= 1, size <= logSize else { throw Self.beyondLog("size", logSize) }
            guard index >= 0, index < size else {
                throw LedgerError.invalidField(field: "index", reason: "须小于 size / must be below size")
            }
            let (leaf, proof) = try await ledger.store.read { r in
                let tree = StoredLogTree(r)
                return (try tree.hash(level: 0, index: index), try Merkle.inclusionProof(index: index, size: size, in: tree))
            }
            return InclusionProofBody(index: index, size: size, leafHash: Self.base64(leaf), proof: proof.map(Self.base64))
        }
        api.get("log/consistency-proof") { request, _ -> ConsistencyProofBody in
            let from = try Self.required(request.queryInt("from"), "from")
            let to = try Self.required(request.queryInt("to"), "to")
            let logSize = try await log.checkpoint().size
            guard to <= logSize else { throw Self.beyondLog("to", logSize) }
            guard from >= 1, from <= to else {
                throw LedgerError.invalidField(field: "from", reason: "须在 1 到 to 之间 / must be from 1 to `to`")
            }
            let proof = try await ledger.store.read { try Merkle.consistencyProof(oldSize: from, newSize: to, in: StoredLogTree($0)) }
            return ConsistencyProofBody(from: from, to: to, proof: proof.map(Self.base64))
        }
    }

    struct InclusionProofBody: ResponseEncodable {
        var index: Int
        var size: Int
        var leafHash: String
        var proof: [String]
    }

    struct ConsistencyProofBody: ResponseEncodable {
        var from: Int
        var to: Int
        var proof: [String]
    }

    static func base64(_ hash: TreeHash) -> String { Data(hash.bytes).base64EncodedString() }

    static func required(_ value: Int?, _ field: String) throws -> Int {
        guard let value else { throw LedgerError.invalidField(field: field, reason: "必填 / required") }
        return value
    }

    static func beyondLog(_ field: String, _ size: Int) -> LedgerError {
        .invalidField(field: field, reason: "须在 1 到已签名的日志大小 \(size) 之间 / must be from 1 to the signed log size \(size)")
    }

    static func text(_ body: String, cache: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: cache],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A tile path of C2SP tlog-tiles after `tile/`: `L/N[.p/W]` or `entries/N[.p/W]`, N in 3-digit elements of which all
/// but the last start with `x`.
struct TilePath: Equatable {
    /// nil: an entry bundle.
    var level: Int?
    var index: Int
    /// 256 for a full tile, 1...255 for a partial one.
    var width: Int

    init?(_ components: [String]) {
        var parts = components
        guard parts.count >= 2 else { return nil }
        if parts[0] == "entries" {
            level = nil
        } else {
            guard let level = Int(parts[0]), String(level) == parts[0], (0...7).contains(level) else { return nil }
            self.level = level
        }
        parts.removeFirst()
        width = LogRoutes.tileWidth
        if parts.count >= 2, parts[parts.count - 2].hasSuffix(".p") {
            guard let w = Int(parts[parts.count - 1]), String(w) == parts[parts.count - 1], (1..<LogRoutes.tileWidth).contains(w) else { return nil }
            width = w
            parts.removeLast()
            parts[parts.count - 1] = String(parts[parts.count - 1].dropLast(2))
        }
        var index = 0
        for (position, part) in parts.enumerated() {
            var digits = Substring(part)
            if position < parts.count - 1 {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy(\.isASCII), let value = Int(digits), index <= Int.max / 1000 else { return nil }
            index = index * 1000 + value
        }
        guard parts.count <= 6 else { return nil }
        self.index = index
    }

    /// The last leaf the tile covers, when its hashes are at tree level `shift`.
    func lastLeafIndex(shift: Int) -> Int {
        ((index * LogRoutes.tileWidth + width) << shift) - 1
    }
}

/// Tiles and entry bundles already served, up to a byte budget; the oldest go first. What a tile path names never changes
/// once it exists, so a cached one is always right.
final class ImmutableTileCache: Sendable {
    private struct State {
        var tiles: [String: ByteBuffer] = [:]
        var order: [String] = []
        var bytes = 0
    }

    private let budgetBytes: Int
    private let state = Mutex(State())

    init(budgetBytes: Int) {
        self.budgetBytes = budgetBytes
    }

    subscript(path: String) -> ByteBuffer? {
        get { state.withLock { $0.tiles[path] } }
        set {
            guard let newValue, newValue.readableBytes <= budgetBytes else { return }
            state.withLock { state in
                guard state.tiles[path] == nil else { return }
                state.tiles[path] = newValue
                state.order.append(path)
                state.bytes += newValue.readableBytes
                while state.bytes > budgetBytes, !state.order.isEmpty {
                    let oldest = state.order.removeFirst()
                    state.bytes -= state.tiles.removeValue(forKey: oldest)?.readableBytes ?? 0
                }
            }
        }
    }
}
