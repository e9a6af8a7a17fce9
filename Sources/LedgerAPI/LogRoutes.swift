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
            // Only canonical paths within the largest tree parse: no other spelling reaches the store or the cache.
            guard let tile = TilePath(context.parameters.getCatchAll()) else { throw HTTPError(.notFound, message: "no such tile path") }
            let key = tile.path
            if let cached = self.tiles[key] { return Self.tileResponse(cached) }
            let size = try await log.checkpoint().size
            let bytes: [UInt8]
            if let level = tile.level {
                let shift = TilePath.levelShift * level
                guard tile.endLeaf <= size else { throw HTTPError(.notFound, message: "the log has no such tile yet") }
                let start = tile.index * TilePath.width
                let hashes = try await ledger.store.read { r in
                    try r.logHashes(after: (level: shift, index: start - 1), limit: tile.width).filter { $0.level == shift }
                }
                guard hashes.count == tile.width else { throw HTTPError(.notFound, message: "the log has no such tile yet") }
                bytes = hashes.flatMap(\.hash.bytes)
            } else {
                guard tile.endLeaf <= size else { throw HTTPError(.notFound, message: "the log has no such entries yet") }
                let entries = try await ledger.store.read { try $0.logEntries(from: tile.index * TilePath.width, limit: tile.width) }
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
