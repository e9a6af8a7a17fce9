import Crypto

/// A SHA-256 hash in the transparency log's Merkle tree (RFC 6962 / RFC 9162 §2.1).
public struct TreeHash: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let size = 32

    /// The hash in `bytes`, which must be 32 bytes long.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = bytes
    }

    init(digest: SHA256.Digest) {
        bytes = Array(digest)
    }

    /// MTH({}) = SHA-256 of nothing.
    public static let empty = TreeHash(digest: SHA256.hash(data: [UInt8]()))

    /// SHA-256(0x00 ‖ entry): the hash of a leaf.
    public static func leaf(_ entry: some Sequence<UInt8>) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(entry))
        return TreeHash(digest: hasher.finalize())
    }

    /// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node.
    public static func node(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return TreeHash(digest: hasher.finalize())
    }

    public var description: String { bytes.hexString }
}

/// Where the hashes of complete subtrees come from: an array in memory, or the tiles of a stored log.
public protocol MerkleHashSource {
    /// The hash of the complete subtree of 2^`level` leaves that starts at leaf `index` · 2^`level`.
    func hash(level: Int, index: Int) throws -> TreeHash
}

/// The Merkle tree hash, inclusion and consistency proofs of RFC 9162 §2.1, over any `MerkleHashSource`:
/// every hash a proof needs is the hash of a range D[start:end) that starts at a multiple of a power of two at least
/// its length, so it folds from at most log₂(n) complete subtrees.
public enum Merkle {
    /// MTH(D[start:end]) for a range that starts where a subtree of at least its size starts.
    public static func rangeHash(_ start: Int, _ end: Int, in source: some MerkleHashSource) throws -> TreeHash {
        precondition(start <= end, "an empty or forward range")
        guard end > start else { return .empty }
        // The complete subtrees of the range, largest first, by the binary digits of its length.
        var pieces: [TreeHash] = []
        var position = start, remaining = end - start
        for level in stride(from: Int.bitWidth - remaining.leadingZeroBitCount - 1, through: 0, by: -1) where remaining & (1 << level) != 0 {
            pieces.append(try source.hash(level: level, index: position >> level))
            position += 1 << level
            remaining -= 1 << level
        }
        var hash = pieces.removeLast()
        while let left = pieces.popLast() { hash = .node(left, hash) }
        return hash
    }

    /// The root of the tree of the first `size` leaves.
    public static func root(size: Int, in source: some MerkleHashSource) throws -> TreeHash {
        try rangeHash(0, size, in: source)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1), bottom up.
    public static func inclusionProof(index: Int, size: Int, in source: some MerkleHashSource) throws -> [TreeHash] {
        guard index >= 0, index < size else { throw MerkleError.indexOutOfRange(index: index, size: size) }
        var proof: [TreeHash] = []
        try path(index, 0, size, source, into: &proof)
        return proof
    }

    private static func path(_ m: Int, _ start: Int, _ end: Int, _ source: some MerkleHashSource, into proof: inout [TreeHash]) throws {
        let n = end - start
        guard n > 1 else { return }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            try path(m, start, start + k, source, into: &proof)
            proof.append(try rangeHash(start + k, end, in: source))
        } else {
            try path(m - k, start + k, end, source, into: &proof)
            proof.append(try rangeHash(start, start + k, in: source))
        }
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` (RFC 9162 §2.1.4.1).
    public static func consistencyProof(oldSize: Int, newSize: Int, in source: some MerkleHashSource) throws -> [TreeHash] {
        guard oldSize >= 0, oldSize <= newSize else { throw MerkleError.sizesOutOfOrder(old: oldSize, new: newSize) }
        guard oldSize > 0, oldSize < newSize else { return [] }
        var proof: [TreeHash] = []
        try subproof(oldSize, 0, newSize, complete: true, source, into: &proof)
        return proof
    }

    private static func subproof(_ m: Int, _ start: Int, _ end: Int, complete: Bool, _ source: some MerkleHashSource,
                                 into proof: inout [TreeHash]) throws {
        let n = end - start
        if m == n {
            if !complete { proof.append(try rangeHash(start, end, in: source)) }
            return
        }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            try subproof(m, start, start + k, complete: complete, source, into: &proof)
            proof.append(try rangeHash(start + k, end, in: source))
        } else {
            try subproof(m - k, start + k, end, complete: false, source, into: &proof)
            proof.append(try rangeHash(start, start + k, in: source))
        }
    }

    /// Whether `proof` shows the leaf with hash `leaf` at `index` in the tree of `size` leaves with root `root`
    /// (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leaf: TreeHash, index: Int, size: Int, proof: [TreeHash], root: TreeHash) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index, sn = size - 1, r = leaf
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of
    /// `newSize` leaves with root `newRoot` (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: TreeHash, newRoot: TreeHash, proof: [TreeHash]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = first, sr = first
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }

    /// The largest power of two strictly less than `n` (n > 1).
    static func largestPowerOfTwo(below n: Int) -> Int {
        1 << (Int.bitWidth - (n - 1).leadingZeroBitCount - 1)
    }
}

/// Why a proof cannot be made.
public enum MerkleError: Error, Equatable, Sendable {
    case indexOutOfRange(index: Int, size: Int)
    case sizesOutOfOrder(old: Int, new: Int)
    /// The source has no such complete subtree (yet).
    case missingSubtree(level: Int, index: Int)
    /// A queued entry was sequenced by another writer meanwhile (the log's lock was not held).
    case alreadySequenced(queueId: Int64)
}

/// Leaf hashes in memory, for tests, tools and small trees: a complete subtree is hashed from its leaves.
public struct InMemoryMerkleTree: MerkleHashSource, Sendable {
    public private(set) var leaves: [TreeHash] = []

    public init(leaves: [TreeHash] = []) {
        self.leaves = leaves
    }

    public mutating func append(entry: some Sequence<UInt8>) {
        leaves.append(.leaf(entry))
    }

    public func hash(level: Int, index: Int) throws -> TreeHash {
        let start = index << level, end = start + (1 << level)
        guard level >= 0, index >= 0, end <= leaves.count else { throw MerkleError.missingSubtree(level: level, index: index) }
        return subtree(start, end)
    }

    private func subtree(_ start: Int, _ end: Int) -> TreeHash {
        if end - start == 1 { return leaves[start] }
        let middle = (start + end) / 2
        return .node(subtree(start, middle), subtree(middle, end))
    }

    public var root: TreeHash { (try? Merkle.root(size: leaves.count, in: self)) ?? .empty }
}
