/// The width and height an image file declares in its header (PNG IHDR, JPEG SOF, WebP VP8/VP8L/VP8X), read
/// without decoding it, so that an upload declaring a giant canvas is refused before anyone renders it.
public struct ImageDimensions: Sendable, Hashable {
    public var width: Int
    public var height: Int

    /// At most this many pixels a side, and this many in all: far above any phone photo of a sign-in sheet.
    public static let maximumSide = 10_000
    public static let maximumPixels = 40_000_000

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Whether both sides are at least one pixel and within the limits.
    public var isSane: Bool {
        (1...Self.maximumSide).contains(width) && (1...Self.maximumSide).contains(height) && width * height <= Self.maximumPixels
    }

    /// The dimensions declared by a PNG, JPEG or WebP file; nil when its header cannot be read.
    public static func read(_ bytes: [UInt8]) -> ImageDimensions? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(bytes) }
        if bytes.starts(with: [0xFF, 0xD8]) { return jpeg(bytes) }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return webP(bytes) }
        return nil
    }

    /// The first chunk of a PNG is IHDR: width and height as big-endian 32-bit numbers.
    static func png(_ b: [UInt8]) -> ImageDimensions? {
        guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        return ImageDimensions(width: bigEndian(b, 16, 4), height: bigEndian(b, 20, 4))
    }

    /// Walks the JPEG's marker segments up to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC), which
    /// holds the height and then the width as big-endian 16-bit numbers.
    static func jpeg(_ b: [UInt8]) -> ImageDimensions? {
        var i = 2
        while i + 1 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            i += 2
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { continue }  // segments without a length
            guard marker != 0xD9, marker != 0xDA, i + 2 <= b.count else { return nil }  // image end or data before any frame
            let length = bigEndian(b, i, 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard length >= 7, i + 7 <= b.count else { return nil }
                return ImageDimensions(width: bigEndian(b, i + 5, 2), height: bigEndian(b, i + 3, 2))
            }
            i += length
        }
        return nil
    }

    /// A WebP's first chunk: lossy (`VP8 `: 14-bit sizes after the key frame's start code), lossless (`VP8L`:
    /// 14-bit sizes less one after the signature byte) or extended (`VP8X`: the canvas's 24-bit sizes less one).
    static func webP(_ b: [UInt8]) -> ImageDimensions? {
        guard b.count >= 30 else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8 ":
            guard Array(b[23..<26]) == [0x9D, 0x01, 0x2A] else { return nil }
            return ImageDimensions(width: littleEndian(b, 26, 2) & 0x3FFF, height: littleEndian(b, 28, 2) & 0x3FFF)
        case "VP8L":
            guard b[20] == 0x2F else { return nil }
            let bits = littleEndian(b, 21, 4)
            return ImageDimensions(width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return ImageDimensions(width: littleEndian(b, 24, 3) + 1, height: littleEndian(b, 27, 3) + 1)
        default:
            return nil
        }
    }

    private static func bigEndian(_ b: [UInt8], _ at: Int, _ count: Int) -> Int {
        b[at..<at + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ b: [UInt8], _ at: Int, _ count: Int) -> Int {
        b[at..<at + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
