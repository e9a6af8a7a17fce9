import Crypto
import Foundation

/// Ron Rivest's consistent sampling, bit for bit as the PyPI package `consistent-sampler` (1.0.10) does it,
/// so that anyone can re-derive a spot check's sample with a public tool.
///
/// Every id gets a ticket number, a decimal fraction in (0, 1) written as a string: the SHA-256 of
/// `hex(SHA-256(seed)) + id` (UTF-8) read as an integer, written in decimal with at least 64 digits,
/// digits reversed, after `0.`. Ids are drawn lowest ticket first (ticket strings compared as strings,
/// then ids by code point). With replacement, a drawn id gets its next ticket, a fraction above the old one.
public struct ConsistentSampler: Sendable {
    public let seed: String
    /// `sha256_hex(seed)`: 64 lowercase hex digits.
    public let seedHash: String
    /// SHA-256 state after absorbing `seedHash`, which is exactly one 64-byte block.
    private let seeded: SHA256

    public init(seed: String) {
        self.seed = seed
        seedHash = SHA256.hash(data: Data(seed.utf8)).hexString
        var hasher = SHA256()
        hasher.update(data: Array(seedHash.utf8))
        seeded = hasher
    }

    // MARK: Tickets

    /// `first_fraction(id, seed)`: the generation-1 ticket number at full precision.
    public func firstTicket(_ id: String) -> String {
        Self.uniform(digest(id))
    }

    /// The first 19 digits after `0.` of `firstTicket(id)` as one number: ordering by this key orders
    /// tickets as strings, except between equal keys.
    public func ticketKey(_ id: String) -> UInt64 {
        Self.key(digest(id))
    }

    /// SHA-256 of `seedHash + id`, as the package hashes it.
    @inline(__always)
    func digest(_ id: String) -> SHA256.Digest {
        var hasher = seeded
        var id = id
        id.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    /// `sha256_uniform(text)`: SHA-256 of the UTF-8 text as a reversed decimal fraction.
    public static func uniform(_ text: String) -> String {
        uniform(SHA256.hash(data: Data(text.utf8)))
    }

    static func uniform(_ digest: SHA256.Digest) -> String {
        var limbs = limbs(digest)
        // Base-10^19 chunks, least significant first.
        var chunks: [UInt64] = []
        repeat {
            var remainder: UInt64 = 0
            for i in 0..<4 {
                let (q, r) = chunkBase.dividingFullWidth((high: remainder, low: limbs[i]))
                limbs[i] = q
                remainder = r
            }
            chunks.append(remainder)
        } while limbs != [0, 0, 0, 0]
        var digits: [UInt8] = []
        digits.reserveCapacity(80)
        // Reversed decimal: least significant digit first.
        for (index, chunk) in chunks.enumerated() {
            var value = chunk
            let isTop = index == chunks.count - 1
            var written = 0
            while written < 19 && (!isTop || value != 0) {
                digits.append(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
                written += 1
            }
        }
        while digits.count < 64 { digits.append(UInt8(ascii: "0")) }
        return "0." + String(decoding: digits, as: UTF8.self)
    }

    private static let chunkBase: UInt64 = 10_000_000_000_000_000_000

    @inline(__always)
    static func limbs(_ digest: SHA256.Digest) -> [UInt64] {
        digest.withUnsafeBytes { raw in
            (0..<4).map { i in
                var limb: UInt64 = 0
                for j in 0..<8 { limb = limb << 8 | UInt64(raw[i * 8 + j]) }
                return limb
            }
        }
    }

    /// The first 19 digits of the reversed decimal: the integer's 19 lowest digits, lowest first.
    @inline(__always)
    static func key(_ digest: SHA256.Digest) -> UInt64 {
        var low: UInt64 = digest.withUnsafeBytes { raw in
            var remainder: UInt64 = 0
            for i in 0..<4 {
                var limb: UInt64 = 0
                for j in 0..<8 { limb = limb << 8 | UInt64(raw[i * 8 + j]) }
                remainder = chunkBase.dividingFullWidth((high: remainder, low: limb)).remainder
            }
            return remainder
        }
        var key: UInt64 = 0
        for _ in 0..<19 {
            key = key &* 10 &+ low % 10
            low /= 10
        }
        return key
    }

    /// `next_fraction(x)`: a pseudorandom ticket above `ticket`, for sampling with replacement.
    public static func nextTicket(after ticket: String) -> String {
        let x = Array(ticket.utf8)
        let x0 = x + [UInt8(ascii: "0")]
        let firstNonNine = (2..<x0.count).first { x0[$0] < UInt8(ascii: "9") } ?? x0.count
        var y: [UInt8] = Array("0.".utf8)
        var counter = 0
        while !(Self.less(x0, y)) {
            counter += 1
            let fraction = uniform(ticket + ":" + String(counter))
            y = Array(x0[..<firstNonNine]) + Array(fraction.utf8.dropFirst(2))
        }
        return String(decoding: y, as: UTF8.self)
    }

    /// `trim(x, digits)`: the ticket cut (not rounded) to `digits` digits after its leading 9s, for display.
    public static func trim(_ ticket: String, digits: Int = 9) -> String {
        let x0 = Array(ticket.utf8) + [UInt8(ascii: "0")]
        let firstNonNine = (2..<x0.count).first { x0[$0] < UInt8(ascii: "9") } ?? x0.count
        return String(decoding: Array(ticket.utf8).prefix(firstNonNine + digits), as: UTF8.self)
    }

    /// Python's string order on byte arrays: UTF-8 byte order is code-point order.
    @inline(__always)
    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    // MARK: Drawing

    /// One draw: the id, its position in the input, its ticket and generation (1 unless drawn again).
    public struct Draw: Sendable, Hashable {
        public var id: String
        public var index: Int
        public var ticket: String
        public var generation: Int
    }

    /// `sampler(ids, seed, with_replacement, take=size)`: the first `size` draws in order.
    /// Ids must be distinct (byte for byte, as the package checks).
    public func sample(_ ids: [String], size: Int, withReplacement: Bool = false) throws(SamplingError) -> [Draw] {
        guard size > 0, !ids.isEmpty else { return [] }
        let candidates = try lowest(min(size, ids.count), of: ids)
        guard withReplacement else { return candidates }
        // Every draw with replacement comes from the `size` lowest first tickets: any other id has at
        // least `size` lower tickets ahead of its first one.
        var heap = TicketHeap(candidates.map { HeapTicket(ticket: Array($0.ticket.utf8), id: Array($0.id.utf8), draw: $0) })
        var draws: [Draw] = []
        draws.reserveCapacity(size)
        while draws.count < size, let smallest = heap.pop() {
            draws.append(smallest.draw)
            var next = smallest.draw
            next.ticket = Self.nextTicket(after: smallest.draw.ticket)
            next.generation += 1
            heap.push(HeapTicket(ticket: Array(next.ticket.utf8), id: smallest.id, draw: next))
        }
        return draws
    }

    /// The `count` ids with the lowest first tickets, lowest first, after checking that ids are distinct.
    public func lowest(_ count: Int, of ids: [String]) throws(SamplingError) -> [Draw] {
        try lowest(count, of: ids.count) { ids[$0] }
    }

    /// As `lowest(_:of:)`, over ids produced on demand (the benchmark's ten million).
    public func lowest(_ count: Int, of total: Int, id: (Int) -> String) throws(SamplingError) -> [Draw] {
        guard count > 0, total > 0 else { return [] }
        var keys = [UInt64](repeating: 0, count: total)
        for index in 0..<total { keys[index] = ticketKey(id(index)) }
        // A separate pass: the table's random accesses would otherwise evict the hashing's working set.
        var seen = KeySet(capacity: total)
        for index in 0..<total where !seen.insert(keys[index]) {
            // Equal ids have equal keys; different ids rarely do. Find the earlier holder of the key.
            let other = keys[..<index].firstIndex(of: keys[index])!
            if id(other).utf8.elementsEqual(id(index).utf8) { throw .duplicateId(id(index)) }
        }
        seen = KeySet(capacity: 0)
        // An immutable copy for the closure, so that the loop above writes to an unboxed array.
        let ranks = keys
        keys = []
        let precedes = { (a: Int, b: Int) -> Bool in
            if ranks[a] != ranks[b] { return ranks[a] < ranks[b] }
            return self.precedesAtFullPrecision(id(a), id(b))
        }
        let chosen: [Int]
        if count * 4 >= total {
            chosen = Array((0..<total).sorted(by: precedes).prefix(count))
        } else {
            chosen = Self.smallest(count, of: total, by: precedes)
        }
        return chosen.map { Draw(id: id($0), index: $0, ticket: firstTicket(id($0)), generation: 1) }
    }

    /// Whether `a`'s first ticket sorts before `b`'s, as Python compares (ticket, id) tuples.
    func precedesAtFullPrecision(_ a: String, _ b: String) -> Bool {
        let ta = Array(firstTicket(a).utf8), tb = Array(firstTicket(b).utf8)
        if ta != tb { return Self.less(ta, tb) }
        return Self.less(Array(a.utf8), Array(b.utf8))
    }

    /// The `count` smallest of `0..<total` under `precedes`, in order, with a bounded max-heap.
    static func smallest(_ count: Int, of total: Int, by precedes: (Int, Int) -> Bool) -> [Int] {
        var heap: [Int] = []
        heap.reserveCapacity(count)
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < heap.count, precedes(heap[largest], heap[left]) { largest = left }
                if right < heap.count, precedes(heap[largest], heap[right]) { largest = right }
                if largest == parent { return }
                heap.swapAt(parent, largest)
                parent = largest
            }
        }
        for index in 0..<total {
            if heap.count < count {
                heap.append(index)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard precedes(heap[parent], heap[child]) else { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
            } else if precedes(index, heap[0]) {
                heap[0] = index
                siftDown(0)
            }
        }
        return heap.sorted(by: precedes)
    }
}

/// A set of ticket keys: open addressing with linear probing over a power-of-two table. Keys are
/// uniformly distributed, so a multiplicative hash spreads them; faster than `Set` for ten million.
struct KeySet {
    private var slots: [UInt64]
    private let mask: Int
    private let shift: UInt64
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: Self.empty, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Adds `key` (below 10^19, so never the empty marker); false when it was there already.
    mutating func insert(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let stored = slots[slot]
            if stored == Self.empty {
                slots[slot] = key
                return true
            }
            if stored == key { return false }
            slot = (slot + 1) & mask
        }
    }
}

/// Why ids cannot be sampled.
public enum SamplingError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateId(String)
    case invalidWeight(id: String)

    public var description: String {
        switch self {
        case .duplicateId(let id): "编号重复 / the id list contains \"\(id)\" more than once"
        case .invalidWeight(let id): "权重必须为正数 / the weight of \"\(id)\" must be positive"
        }
    }
}

/// A ticket in the with-replacement basket, ordered as Python orders `Ticket` tuples.
struct HeapTicket {
    var ticket: [UInt8]
    var id: [UInt8]
    var draw: ConsistentSampler.Draw

    static func < (a: HeapTicket, b: HeapTicket) -> Bool {
        if a.ticket != b.ticket { return a.ticket.lexicographicallyPrecedes(b.ticket) }
        if a.id != b.id { return a.id.lexicographicallyPrecedes(b.id) }
        return a.draw.generation < b.draw.generation
    }
}

/// A binary min-heap of tickets.
struct TicketHeap {
    private var items: [HeapTicket] = []

    init(_ tickets: [HeapTicket]) {
        for ticket in tickets { push(ticket) }
    }

    mutating func push(_ ticket: HeapTicket) {
        items.append(ticket)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> HeapTicket? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let smallest = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var least = parent
            if left < items.count, items[left] < items[least] { least = left }
            if right < items.count, items[right] < items[least] { least = right }
            if least == parent { break }
            items.swapAt(parent, least)
            parent = least
        }
        return smallest
    }
}
