import CCairo
import CQRencode
import Foundation
import LedgerCore

/// A QR code symbol made by libqrencode: byte mode, error correction level M, at most version 16
/// (81 modules), so that a phone reads it easily when printed 35 mm wide or more.
public struct QRCode: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case tooLong(bytes: Int)
        case encoder(Int32)

        public var description: String {
            switch self {
            case .tooLong(let bytes): "\(bytes) bytes do not fit a QR code of version \(QRCodeBudget.maxVersion) at level M"
            case .encoder(let code): "libqrencode failed (errno \(code))"
            }
        }
    }

    /// 1 to 40; at most `QRCodeBudget.maxVersion` here.
    public let version: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Dark modules, row by row.
    private let modules: [Bool]
    /// The light border around the symbol the standard requires, in modules.
    public static let quietZone = 4
    /// Pixels per module of the image `drawImage` embeds: more than a printer or rasterizer draws a module with at
    /// 150 dpi, so that it scales the image down (averaging, as for vector edges) rather than up (uneven modules).
    static let imagePixelsPerModule = 4

    public init(_ text: String) throws {
        let length = text.utf8.count
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            if errno == ERANGE { throw Failure.tooLong(bytes: length) }
            throw Failure.encoder(errno)
        }
        defer { QRcode_free(code) }
        version = Int(code.pointee.version)
        size = Int(code.pointee.width)
        let data = code.pointee.data!
        modules = (0..<(size * size)).map { data[$0] & 1 == 1 }
        guard version <= QRCodeBudget.maxVersion else { throw Failure.tooLong(bytes: length) }
    }

    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// Horizontal runs of dark modules: (row, first column, length).
    var darkRuns: [(y: Int, x: Int, length: Int)] {
        var runs: [(Int, Int, Int)] = []
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                runs.append((y, start, x - start))
            }
        }
        return runs
    }

    /// The symbol as SVG, one unit per module with the quiet zone; `pixels` sets the rendered width.
    public func svg(pixels: Int? = nil) -> String {
        let total = size + 2 * Self.quietZone
        let dimension = pixels.map { " width=\"\($0)\" height=\"\($0)\"" } ?? ""
        var path = ""
        path.reserveCapacity(darkRuns.count * 16)
        for run in darkRuns {
            path += "M\(run.x + Self.quietZone) \(run.y + Self.quietZone)h\(run.length)v1h-\(run.length)z"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(total) \(total)"\(dimension) \
            shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="\(total)" height="\(total)" \
            fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// The symbol as a PNG with `scale` pixels per module and the quiet zone.
    public func png(scale: Int = 8) throws -> [UInt8] {
        let side = Int32((size + 2 * Self.quietZone) * scale)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side) else { throw CairoFailure("no image surface") }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        draw(in: cr, x: 0, y: 0, width: Double(side))
        cairo_surface_flush(surface)
        return try CairoBytes.png(surface)
    }

    /// Draws the symbol with its quiet zone as a square of `width` at (x, y): a white square, then black through
    /// a 1-bit mask of `imagePixelsPerModule` pixels a module scaled without smoothing. In a PDF that is one
    /// stencil mask of about 1.3 KB, as sharp in print as the rectangles of `draw`, which take a thousand path
    /// operations (60 KB of content to write and compress for every certificate).
    func drawImage(in cr: OpaquePointer?, x: Double, y: Double, width: Double) {
        let modules = size + 2 * Self.quietZone
        let scale = Self.imagePixelsPerModule
        let side = modules * scale
        // A 1-bit mask (a PDF stencil mask): bit set where a module is dark; cairo's A1 pixels fill 32-bit words
        // from the least significant bit on little-endian machines, the most significant on big-endian ones.
        guard let mask = cairo_image_surface_create(CAIRO_FORMAT_A1, Int32(side), Int32(side)),
              cairo_surface_status(mask) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(mask) else {
            draw(in: cr, x: x, y: y, width: width)
            return
        }
        defer { cairo_surface_destroy(mask) }
        cairo_surface_flush(mask)
        let stride = Int(cairo_image_surface_get_stride(mask))
        // One row of pixels per row of modules, copied to the module's other pixel rows.
        for moduleRow in 0..<modules {
            let first = data + moduleRow * scale * stride
            let words = UnsafeMutableRawPointer(first).assumingMemoryBound(to: UInt32.self)
            for index in 0..<stride / 4 { words[index] = 0 }
            for moduleColumn in 0..<modules where isDark(x: moduleColumn - Self.quietZone, y: moduleRow - Self.quietZone) {
                for pixel in moduleColumn * scale..<(moduleColumn + 1) * scale {
                    let bit = UInt32(1) << UInt32(pixel % 32)
                    words[pixel / 32] |= 1.littleEndian == 1 ? bit : UInt32(0x8000_0000) >> UInt32(pixel % 32)
                }
            }
            for copy in 1..<scale { (first + copy * stride).update(from: first, count: stride) }
        }
        cairo_surface_mark_dirty(mask)
        cairo_save(cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_rectangle(cr, x, y, width, width)
        cairo_fill(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, width / Double(side), width / Double(side))
        cairo_set_source_rgb(cr, 0, 0, 0)
        let pattern = cairo_pattern_create_for_surface(mask)
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST)
        cairo_mask(cr, pattern)
        cairo_pattern_destroy(pattern)
        cairo_restore(cr)
    }

    /// Draws the symbol with its quiet zone as a square of `width` at (x, y) on a cairo context.
    func draw(in cr: OpaquePointer?, x: Double, y: Double, width: Double) {
        let module = width / Double(size + 2 * Self.quietZone)
        cairo_save(cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_rectangle(cr, x, y, width, width)
        cairo_fill(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        for run in darkRuns {
            cairo_rectangle(cr, x + Double(run.x + Self.quietZone) * module, y + Double(run.y + Self.quietZone) * module,
                            Double(run.length) * module, module)
        }
        cairo_fill(cr)
        cairo_restore(cr)
    }
}
