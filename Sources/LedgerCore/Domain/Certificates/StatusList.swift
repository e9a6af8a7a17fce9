/// Revocation status lists in the W3C Bitstring Status List format: list `n` holds one bit per status
/// index `n * size ..< (n + 1) * size`; a set bit means revoked. Certificates get random indexes, so a
/// list reveals nothing about when a revoked certificate was issued, and verifiers that fetch the
/// list learn nothing about which certificate they check.
public enum StatusListIndex {
    /// Bits per list: 131,072 (16 KiB), the minimum the W3C recommendation sets for group privacy.
    public static let listSize: Int64 = 131_072
    /// Lists are opened one after another so that none is more than half full, which keeps a random
    /// pick of a free index cheap.
    public static let certificatesPerList: Int64 = listSize / 2

    public static func list(of index: Int64) -> Int64 { index / listSize }
    public static func bit(of index: Int64) -> Int { Int(index % listSize) }

    /// A random index among the lists in use when `issued` certificates exist.
    public static func random(issued: Int, _ source: RandomSource) -> Int64 {
        let lists = 1 + Int64(issued) / certificatesPerList
        var generator = source.generator
        return Int64.random(in: 0..<(lists * listSize), using: &generator)
    }
}

/// The bits of one status list, most significant bit first within each byte (as the W3C format says:
/// index 0 is the leftmost bit).
public struct StatusBitstring: Sendable, Hashable {
    public private(set) var bytes: [UInt8]

    public init(size: Int64 = StatusListIndex.listSize) {
        bytes = Array(repeating: 0, count: Int((size + 7) / 8))
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var count: Int { bytes.count * 8 }

    public subscript(bit: Int) -> Bool {
        get {
            guard bit >= 0, bit < count else { return false }
            return bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0
        }
        set {
            guard bit >= 0, bit < count else { return }
            if newValue {
                bytes[bit / 8] |= 0x80 >> UInt8(bit % 8)
            } else {
                bytes[bit / 8] &= ~(0x80 >> UInt8(bit % 8))
            }
        }
    }
}

/// A status list to publish: which list, its bits, and when it was made.
public struct StatusListSnapshot: Sendable {
    public var list: Int64
    public var bits: StatusBitstring
    public var revokedCount: Int

    public init(list: Int64, bits: StatusBitstring, revokedCount: Int) {
        self.list = list
        self.bits = bits
        self.revokedCount = revokedCount
    }
}
