import LedgerCore
import Testing

/// Claim evidence declaring a giant canvas is refused from its header, before anything decodes it.
struct ImageDimensionsTests {
    static func png(_ width: UInt32, _ height: UInt32) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + bigEndian(width) + bigEndian(height)
            + [8, 2, 0, 0, 0, 0, 0, 0, 0] + Array(repeating: 0, count: 16)
    }

    /// A JPEG with an APP0 segment before its baseline frame header (SOF0: precision, height, width).
    static func jpeg(_ width: UInt16, _ height: UInt16, frame: UInt8 = 0xC0) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
            + [0xFF, 0xC4, 0, 4, 0, 0]  // a (tiny) DHT segment first, which is not a frame
            + [0xFF, frame, 0, 17, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
            + Array(repeating: 0, count: 9) + [0xFF, 0xD9]
    }

    static func webP(_ chunk: String, _ payload: [UInt8]) -> [UInt8] {
        Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array(chunk.utf8) + [UInt8(payload.count), 0, 0, 0] + payload
            + Array(repeating: 0, count: 16)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(value >> (8 * UInt32($0)) & 0xFF) } }

    @Test func eachFormatsHeaderGivesItsDimensions() {
        #expect(ImageDimensions.read(Self.png(640, 480)) == ImageDimensions(width: 640, height: 480))
        #expect(ImageDimensions.read(Self.jpeg(4032, 3024)) == ImageDimensions(width: 4032, height: 3024))
        #expect(ImageDimensions.read(Self.jpeg(800, 600, frame: 0xC2)) == ImageDimensions(width: 800, height: 600), "progressive")
        // Lossy: frame tag, start code 9d 01 2a, then 14-bit width and height, little-endian.
        #expect(ImageDimensions.read(Self.webP("VP8 ", [0, 0, 0, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01]))
                == ImageDimensions(width: 640, height: 480))
        // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
        let bits: UInt32 = (640 - 1) | (480 - 1) << 14
        #expect(ImageDimensions.read(Self.webP("VP8L", [0x2F] + (0..<4).map { UInt8(bits >> (8 * UInt32($0)) & 0xFF) }))
                == ImageDimensions(width: 640, height: 480))
        // Extended: flags, then the canvas's width-1 and height-1 in 24 bits each.
        #expect(ImageDimensions.read(Self.webP("VP8X", [0, 0, 0, 0, 0x7F, 0x02, 0, 0xDF, 0x01, 0]))
                == ImageDimensions(width: 640, height: 480))
    }

    @Test func aGiantCanvasIsRefusedNamingTheField() {
        for bytes in [Self.png(50_000, 50_000), Self.png(10_001, 10), Self.png(8_000, 8_000), Self.png(0, 480), Self.jpeg(60_000, 60_000),
                      Self.webP("VP8X", [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])] {
            #expect(throws: LedgerError.self) { try ClaimEvidence.checked(bytes) }
            do {
                _ = try ClaimEvidence.checked(bytes)
            } catch {
                #expect(error.field == "evidence" && error.kind == .invalidInput, "\(error)")
            }
        }
        do {
            _ = try ClaimEvidence.checked(Self.png(50_000, 50_000))
        } catch {
            #expect(error.message.contains("50000×50000"), "\(error.message)")
        }
        #expect((try? ClaimEvidence.checked(Self.png(10_000, 4_000))) != nil, "40 megapixels, 10,000 a side: the limits themselves pass")
        #expect((try? ClaimEvidence.checked(Self.jpeg(4032, 3024)))?.contentType == "image/jpeg")
    }

    @Test func aHeaderThatCannotBeReadIsRefused() {
        let truncated = Array(Self.png(640, 480).prefix(20))
        #expect(ImageDimensions.read(truncated) == nil)
        #expect(throws: LedgerError.self) { try ClaimEvidence.checked(truncated) }
        // A JPEG whose segments run past the end, or reach the scan before any frame.
        #expect(ImageDimensions.read([0xFF, 0xD8, 0xFF, 0xE0, 0x40, 0x00, 1, 2]) == nil)
        #expect(ImageDimensions.read([0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]) == nil)
        #expect(ImageDimensions.read(Self.webP("VP8 ", [0, 0, 0, 1, 2, 3, 0x80, 0x02, 0xE0, 0x01])) == nil, "no start code")
    }
}
