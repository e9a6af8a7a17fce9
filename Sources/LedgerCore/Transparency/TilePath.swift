/// A tile path of C2SP tlog-tiles after `tile/`: `L/N[.p/W]` (a hash tile at level L) or `entries/N[.p/W]` (an entry
/// bundle). N is written in 3-digit elements of which all but the last start with `x`, with no leading `x000`.
///
/// Only the canonical spelling of a path parses: a path is what a tile is cached and served under, so `-01`, `+01`,
/// `0001` or `x000/001` must not name tile 1 too. Every number is bounded before any arithmetic: a tile lies inside a
/// tree of at most `maximumTreeSize` leaves, so nothing a stranger writes in a path can overflow.
public struct TilePath: Equatable, Sendable {
    /// Hash tiles are 256 hashes wide: 8 tree levels a tile level.
    public static let width = 256
    public static let levelShift = 8
    /// The largest tree a tile may belong to: 2^40 leaves, far beyond any city's log.
    public static let maximumTreeSize = 1 << 40
    /// Elements of N at most: 2^40 / 256 tiles need 4 of 3 digits.
    static let maximumElements = 4

    /// nil: an entry bundle.
    public var level: Int?
    public var index: Int
    /// 256 for a full tile, 1...255 for a partial one.
    public var width: Int

    public init?(level: Int?, index: Int, width: Int = TilePath.width) {
        if let level, !(0...7).contains(level) { return nil }
        guard (1...Self.width).contains(width), index >= 0 else { return nil }
        let shift = Self.levelShift * (level ?? 0)
        // The tile's last leaf must lie inside the largest tree: index * 256 + width <= 2^40 >> shift.
        let capacity = Self.maximumTreeSize >> shift
        guard capacity >= width, index <= (capacity - width) / Self.width else { return nil }
        self.level = level
        self.index = index
        self.width = width
    }

    /// Parses the path's elements (after `tile/`); nil unless they are a canonical tile path within bounds.
    public init?<S: StringProtocol>(_ components: [S]) {
        guard (2...(Self.maximumElements + 3)).contains(components.count) else { return nil }
        var parts = components.map { Substring($0) }
        let level: Int?
        if parts[0] == "entries" {
            level = nil
        } else {
            guard parts[0].count == 1, let digit = Self.digits(parts[0]), digit <= 7 else { return nil }
            level = digit
        }
        parts.removeFirst()
        var width = Self.width
        if parts.count >= 2, parts[parts.count - 2].hasSuffix(".p") {
            let w = parts[parts.count - 1]
            guard (1...3).contains(w.count), w.first != "0", let value = Self.digits(w), value < Self.width else { return nil }
            width = value
            parts.removeLast()
            parts[parts.count - 1] = parts[parts.count - 1].dropLast(2)
        }
        guard (1...Self.maximumElements).contains(parts.count) else { return nil }
        var index = 0
        for (position, part) in parts.enumerated() {
            var element = part
            if position < parts.count - 1 {
                guard element.first == "x" else { return nil }
                element = element.dropFirst()
            }
            guard element.count == 3, let value = Self.digits(element) else { return nil }
            // A leading x000 element is another spelling of a shorter path.
            if position == 0, parts.count > 1, value == 0 { return nil }
            index = index * 1000 + value
        }
        self.init(level: level, index: index, width: width)
    }

    /// The canonical path after `tile/`, e.g. `0/x001/x234/067.p/8` or `entries/067`.
    public var path: String {
        (level.map(String.init) ?? "entries") + "/" + Self.encode(index) + (width == Self.width ? "" : ".p/\(width)")
    }

    /// "x001/x234/067" for 1234067.
    public static func encode(_ n: Int) -> String {
        var parts: [String] = []
        var rest = max(0, n)
        repeat {
            let element = rest % 1000
            parts.insert(element < 10 ? "00\(element)" : element < 100 ? "0\(element)" : "\(element)", at: 0)
            rest /= 1000
        } while rest > 0
        return parts.enumerated().map { $0.offset < parts.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
    }

    /// The first leaf after the tile, when its hashes are at tree level `shift` (bounded by `maximumTreeSize`).
    public var endLeaf: Int {
        (index * Self.width + width) << (Self.levelShift * (level ?? 0))
    }

    /// The value of ASCII decimal digits only (no sign, no space), or nil.
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 3 else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
