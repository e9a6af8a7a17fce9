import CCairo
import Foundation
import Synchronization

struct CairoFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Collects what cairo writes to a stream (PDF pages, PNG files).
final class CairoBytes {
    var bytes: [UInt8] = []

    /// The callback cairo calls with each chunk; `closure` is an unretained `CairoBytes`.
    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<CairoBytes>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    static func png(_ surface: OpaquePointer) throws -> [UInt8] {
        let sink = CairoBytes()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, write, Unmanaged.passUnretained(sink).toOpaque())
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw CairoFailure("PNG encoding failed: \(String(cString: cairo_status_to_string(status)))") }
        return sink.bytes
    }
}

/// The CJK fonts of the PDF, found through fontconfig among the system's fonts (Debian: fonts-noto-cjk;
/// any font covering simplified Chinese will do). Cairo embeds the glyphs used as a subset, so the PDF
/// renders the same everywhere; three faces keep the file near 1 MB (CJK subsets carry large shared
/// subroutine tables).
final class CertificateFonts: @unchecked Sendable {
    /// cairo font faces; immutable once made, and cairo's font faces are thread-safe.
    let serif: OpaquePointer
    let serifBold: OpaquePointer
    let sans: OpaquePointer
    /// The files chosen, for error messages and tests.
    let files: [String]

    private static let shared = Mutex<Result<CertificateFonts, CairoFailure>?>(nil)

    static func load() throws -> CertificateFonts {
        try shared.withLock { cached in
            if let cached { return try cached.get() }
            let result = Result<CertificateFonts, CairoFailure> { () throws(CairoFailure) in try CertificateFonts() }
            cached = result
            return try result.get()
        }
    }

    private init() throws(CairoFailure) {
        guard FcInit() != 0 else { throw CairoFailure("fontconfig could not be initialized") }
        var files: [String] = []
        func face(_ names: [String], bold: Bool) throws(CairoFailure) -> OpaquePointer {
            for name in names {
                if let (face, file) = Self.face(name + (bold ? ":weight=bold" : ":weight=regular")) {
                    files.append(file)
                    return face
                }
            }
            throw CairoFailure("no font covering Chinese was found (tried \(names.joined(separator: ", "))): install fonts-noto-cjk")
        }
        let serifNames = ["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", ":lang=zh-cn"]
        let sansNames = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", ":lang=zh-cn"]
        serif = try face(serifNames, bold: false)
        serifBold = try face(serifNames, bold: true)
        sans = try face(sansNames, bold: false)
        self.files = files
    }

    /// A cairo face for the best fontconfig match of `pattern`, if that font covers Chinese (志).
    private static func face(_ pattern: String) -> (OpaquePointer, String)? {
        guard let parsed = pattern.withCString({ FcNameParse(UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }) else {
            return nil
        }
        defer { FcPatternDestroy(parsed) }
        FcConfigSubstitute(nil, parsed, FcMatchPattern)
        FcDefaultSubstitute(parsed)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, parsed, &result), result == FcResultMatch else { return nil }
        defer { FcPatternDestroy(match) }
        var charset: OpaquePointer?
        guard FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) == FcResultMatch, let charset,
              FcCharSetHasChar(charset, 0x5FD7) != 0, FcCharSetHasChar(charset, 0x8BC1) != 0 else { return nil }
        var file: UnsafeMutablePointer<FcChar8>?
        let path = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file != nil
            ? String(cString: UnsafeRawPointer(file!).assumingMemoryBound(to: CChar.self)) : "?"
        guard let face = cairo_ft_font_face_create_for_pattern(match) else { return nil }
        return (face, path)
    }
}
