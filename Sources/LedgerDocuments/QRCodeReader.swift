import CCairo
import CZbar
import Foundation

/// Reads QR codes from a PNG image with zbar, e.g. a photo or a rendering of a certificate's code.
public enum QRCodeReader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A QR code found in an image: its text and where its corners are, in pixels.
    public struct Symbol: Sendable {
        public var text: String
        public var minX: Int
        public var maxX: Int
        public var minY: Int
        public var maxY: Int
    }

    /// The texts of the QR codes found in the PNG file at `path`.
    public static func decode(pngFile path: String) throws -> [String] {
        try symbols(pngFile: path).map(\.text)
    }

    /// The QR codes found in the PNG file at `path`.
    public static func symbols(pngFile path: String) throws -> [Symbol] {
        guard let surface = cairo_image_surface_create_from_png(path) else {
            throw Failure(description: "\(path): cannot read the image")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw Failure(description: "\(path): not a PNG image (\(String(cString: cairo_status_to_string(status))))")
        }
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let format = cairo_image_surface_get_format(surface)
        guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else {
            throw Failure(description: "\(path): empty image")
        }
        // zbar reads 8-bit gray ("Y800"); cairo's 32-bit pixels are native-endian 0xAARRGGBB.
        var gray = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            let row = data.advanced(by: y * stride)
            for x in 0..<width {
                switch format {
                case CAIRO_FORMAT_ARGB32, CAIRO_FORMAT_RGB24:
                    let pixel = UnsafeRawPointer(row.advanced(by: x * 4)).loadUnaligned(as: UInt32.self)
                    let alpha = format == CAIRO_FORMAT_ARGB32 ? Double((pixel >> 24) & 0xFF) / 255 : 1
                    let r = Double((pixel >> 16) & 0xFF), g = Double((pixel >> 8) & 0xFF), b = Double(pixel & 0xFF)
                    // Premultiplied over white.
                    let luma = 0.299 * r + 0.587 * g + 0.114 * b + (1 - alpha) * 255
                    gray[y * width + x] = UInt8(max(0, min(255, luma.rounded())))
                case CAIRO_FORMAT_A8:
                    gray[y * width + x] = 255 - row[x]
                default:
                    throw Failure(description: "\(path): unsupported pixel format")
                }
            }
        }
        return try scan(gray: gray, width: width, height: height)
    }

    static func scan(gray: [UInt8], width: Int, height: Int) throws -> [Symbol] {
        guard let scanner = zbar_image_scanner_create() else { throw Failure(description: "zbar is not usable") }
        defer { zbar_image_scanner_destroy(scanner) }
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        guard let image = zbar_image_create() else { throw Failure(description: "zbar is not usable") }
        defer { zbar_image_destroy(image) }
        let y800: UInt = 0x3030_3859  // fourcc('Y','8','0','0')
        zbar_image_set_format(image, UInt(y800))
        zbar_image_set_size(image, UInt32(width), UInt32(height))
        return gray.withUnsafeBytes { buffer -> [Symbol] in
            zbar_image_set_data(image, buffer.baseAddress, UInt(buffer.count), nil)
            guard zbar_scan_image(scanner, image) > 0 else { return [] }
            var found: [Symbol] = []
            var symbol = zbar_image_first_symbol(image)
            while let current = symbol {
                if let text = zbar_symbol_get_data(current) {
                    let length = Int(zbar_symbol_get_data_length(current))
                    let corners = (0..<zbar_symbol_get_loc_size(current)).map {
                        (Int(zbar_symbol_get_loc_x(current, $0)), Int(zbar_symbol_get_loc_y(current, $0)))
                    }
                    found.append(Symbol(text: String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self),
                                        minX: corners.map(\.0).min() ?? 0, maxX: corners.map(\.0).max() ?? 0,
                                        minY: corners.map(\.1).min() ?? 0, maxY: corners.map(\.1).max() ?? 0))
                }
                symbol = zbar_symbol_next(current)
            }
            // Detach the buffer before it goes away; zbar_image_destroy must not touch it.
            zbar_image_set_data(image, nil, 0, nil)
            return found
        }
    }
}
