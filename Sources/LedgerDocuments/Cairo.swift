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

/// One typographic role of the PDF (serif, bold serif, sans) as an ordered list of faces: each character
/// is drawn with the first face that has it, so Latin text can use a Latin face and a rare character in a
/// name still finds a glyph in a larger CJK font further down the list.
final class FontStack: @unchecked Sendable {
    struct Face {
        let face: OpaquePointer
        /// fontconfig's character set of the face (referenced, kept for the process's life).
        let charset: OpaquePointer
        let file: String
    }

    /// Immutable once made; cairo font faces are thread-safe.
    let faces: [Face]

    init(faces: [Face]) { self.faces = faces }

    /// Whether face `index` has a glyph for `scalar`.
    func face(_ index: Int, has scalar: Unicode.Scalar) -> Bool {
        FcCharSetHasChar(faces[index].charset, scalar.value) != 0
    }

    /// The index of the face that draws `scalar`: the first that has it, else the last (a missing glyph).
    func faceIndex(for scalar: Unicode.Scalar) -> Int {
        for (index, face) in faces.enumerated() where FcCharSetHasChar(face.charset, scalar.value) != 0 {
            return index
        }
        return faces.count - 1
    }

    /// `text` cut into runs that each take one face. Spaces go with the first face too (a Latin font's narrow
    /// space, between Chinese words as well).
    func runs(_ text: String) -> [(face: OpaquePointer, text: String)] {
        guard faces.count > 1 else { return [(faces[0].face, text)] }
        // Cut between Unicode scalars (a combining mark may take another face than its base letter).
        let scalars = text.unicodeScalars
        var runs: [(face: OpaquePointer, text: String)] = []
        var runStart = scalars.startIndex
        var current = -1
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let face = faceIndex(for: scalars[index])
            if face != current {
                if current >= 0 { runs.append((faces[current].face, String(scalars[runStart..<index]))) }
                runStart = index
                current = face
            }
            index = scalars.index(after: index)
        }
        if current >= 0 { runs.append((faces[current].face, String(scalars[runStart..<scalars.endIndex]))) }
        return runs
    }
}

/// The fonts of the PDF, found through fontconfig among the system's fonts. CJK text uses TrueType fonts
/// (Debian: fonts-arphic-uming, a Ming/Song serif, and fonts-wqy-microhei, a sans), Latin text in the serif
/// roles Liberation Serif (fonts-liberation). Cairo subsets TrueType fonts by copying the glyphs used, which is
/// fast and small (tens of KB a page); the OpenType/CFF Noto CJK fonts used before made cairo parse and copy
/// megabytes of subroutines on every page (1.45 MB, 70 ms). They remain a fallback for characters the
/// TrueType fonts lack (rare characters in names), as does any font fontconfig knows for Chinese.
final class CertificateFonts: @unchecked Sendable {
    let serif: FontStack
    let serifBold: FontStack
    let sans: FontStack

    /// The files chosen, for error messages and tests.
    var files: [String] { [serif, serifBold, sans].flatMap { $0.faces.map(\.file) } }

    /// The Debian packages that provide the preferred fonts.
    static let packages = "fonts-arphic-uming fonts-wqy-microhei fonts-liberation"

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
        // Faces by file and style, shared between the roles: cairo makes one subset per face, so a fallback face
        // used by two roles is embedded once.
        var cache: [String: FontStack.Face] = [:]
        // For characters the first CJK font lacks: regular faces only, the same for every role.
        let fallback = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", ":lang=zh-cn"]
        // Bold: AR PL UMing has one weight; fontconfig asks cairo to embolden it (synthetic bold). Noto Serif CJK
        // (OpenType/CFF: larger and slower) serves when AR PL UMing is not installed.
        let latinSerif = ["Liberation Serif", "serif:lang=en"]
        serif = try Self.stack(latin: latinSerif, cjk: ["AR PL UMing CN", "Noto Serif CJK SC"], fallback: fallback,
                               style: ":weight=regular", cache: &cache)
        serifBold = try Self.stack(latin: latinSerif, cjk: ["AR PL UMing CN", "Noto Serif CJK SC"], fallback: fallback,
                                   style: ":weight=bold", cache: &cache)
        sans = try Self.stack(latin: [], cjk: ["WenQuanYi Micro Hei", "Noto Sans CJK SC"], fallback: fallback,
                              style: ":weight=regular", cache: &cache)
    }

    /// The faces of a role: the first Latin font of `latin` found, the first CJK font of `cjk` found (in `style`),
    /// then every `fallback` font found (regular), for characters the ones before lack.
    static func stack(latin: [String], cjk: [String], fallback: [String], style: String,
                      cache: inout [String: FontStack.Face]) throws(CairoFailure) -> FontStack {
        var faces: [FontStack.Face] = []
        func find(_ name: String, style: String, needs: [UInt32]) -> FontStack.Face? {
            // The family asked for, not a substitute fontconfig offers in its place.
            guard let found = face(name + style, needs: needs, family: name.contains(":") ? nil : name) else { return nil }
            // The same file in another style is another face (AR PL UMing regular and its synthetic bold).
            let key = found.file + style
            if let known = cache[key] { return known }
            cache[key] = found
            return found
        }
        func add(_ face: FontStack.Face) {
            if !faces.contains(where: { $0.file == face.file }) { faces.append(face) }
        }
        for name in latin {
            if let face = find(name, style: style, needs: [0x41, 0x61, 0x30]) {
                add(face)
                break
            }
        }
        let chinese: [UInt32] = [0x5FD7, 0x8BC1, 0x41, 0x30]
        var primary: FontStack.Face?
        for (name, style) in cjk.map({ ($0, style) }) + fallback.map({ ($0, ":weight=regular") }) where primary == nil {
            primary = find(name, style: style, needs: chinese)
        }
        guard let primary else {
            throw CairoFailure("no font covering Chinese was found (tried \((cjk + fallback).joined(separator: ", "))): "
                + "install \(packages) (make deps)")
        }
        add(primary)
        for name in fallback {
            if let face = find(name, style: ":weight=regular", needs: chinese) { add(face) }
        }
        return FontStack(faces: faces)
    }

    /// A cairo face for the best fontconfig match of `pattern`, if that font has every character of `needs`
    /// (and, when `family` is given, is that family).
    private static func face(_ pattern: String, needs: [UInt32], family: String? = nil) -> FontStack.Face? {
        guard let parsed = pattern.withCString({ FcNameParse(UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }) else {
            return nil
        }
        defer { FcPatternDestroy(parsed) }
        FcConfigSubstitute(nil, parsed, FcMatchPattern)
        FcDefaultSubstitute(parsed)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, parsed, &result), result == FcResultMatch else { return nil }
        defer { FcPatternDestroy(match) }
        if let family {
            var matched = false
            var name: UnsafeMutablePointer<FcChar8>?
            var n: Int32 = 0
            while FcPatternGetString(match, FC_FAMILY, n, &name) == FcResultMatch, let name {
                if String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)).lowercased() == family.lowercased() {
                    matched = true
                }
                n += 1
            }
            guard matched else { return nil }
        }
        var charset: OpaquePointer?
        guard FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) == FcResultMatch, let charset,
              needs.allSatisfy({ FcCharSetHasChar(charset, $0) != 0 }) else { return nil }
        var file: UnsafeMutablePointer<FcChar8>?
        var path = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file != nil
            ? String(cString: UnsafeRawPointer(file!).assumingMemoryBound(to: CChar.self)) : "?"
        var index: Int32 = 0
        if FcPatternGetInteger(match, FC_INDEX, 0, &index) == FcResultMatch, index != 0 { path += "#\(index)" }
        guard let face = cairo_ft_font_face_create_for_pattern(match), let kept = FcCharSetCopy(charset) else { return nil }
        return FontStack.Face(face: face, charset: kept, file: path)
    }
}
