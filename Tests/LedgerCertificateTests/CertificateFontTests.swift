import Foundation
import LedgerCertificates
import LedgerCore
@testable import LedgerDocuments
import Testing

/// The PDF's fonts: TrueType faces found through fontconfig (small, fast subsets), a larger CJK font only for
/// characters they lack, and a clear error naming the Debian packages when no font covers Chinese.
struct CertificateFontTests {
    @Test func anOrdinaryCertificateUsesTheTrueTypeFontsOnly() async throws {
        let rendered = try await CertificatePDFTests.render()
        let fonts = try Tool.run(try CertificatePDFTests.tool("pdffonts"), [rendered.pdf.path])
        #expect(fonts.contains("UMingCN"), "the Chinese serif:\n\(fonts)")
        #expect(fonts.contains("WenQuanYiMicroHei"), "the sans:\n\(fonts)")
        #expect(fonts.contains("LiberationSerif"), "Latin text in the serif:\n\(fonts)")
        #expect(fonts.contains("LiberationSerif-Bold"), "Latin text in the bold serif:\n\(fonts)")
        // The bold Chinese (title, facts, table header): AR PL UMing emboldened, whose outlines cairo embeds as "CairoFont".
        #expect(fonts.contains("CairoFont"), "the synthetic bold:\n\(fonts)")
        #expect(!fonts.contains("Noto"), "no OpenType/CFF CJK face (a megabyte and tens of milliseconds):\n\(fonts)")
    }

    /// 𠮷 (U+20BB7) is in none of the TrueType fonts, 䶮 (U+4DAE) not in the sans: they come from Noto CJK,
    /// and the text stays selectable.
    @Test func aRareCharacterInANameFallsBackToAFontThatHasIt() async throws {
        let issued = try await Sample.issued(by: try await Sample.keyring(), name: "刘䶮𠮷")
        let rendered = try CertificatePDFTests.render(issued)
        let text = try CertificatePDFTests.text(rendered.pdf)
        #expect(text.contains("刘䶮𠮷"))
        try CertificatePDFTests.expectFontsEmbeddedAndSubset(rendered.pdf)
        let fonts = try Tool.run(try CertificatePDFTests.tool("pdffonts"), [rendered.pdf.path])
        #expect(fonts.contains("Noto"), "the fallback face:\n\(fonts)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: rendered.pdf.path)[.size] as? NSNumber).intValue
        #expect(size < 150_000, "\(size) bytes")
    }

    @Test func eachRoleFindsAFaceForLatinAndChineseCharacters() throws {
        let fonts = try CertificateFonts.load()
        for stack in [fonts.serif, fonts.serifBold, fonts.sans] {
            let latin = stack.faceIndex(for: "A")
            let chinese = stack.faceIndex(for: "证")
            #expect(stack.face(latin, has: "A") && stack.face(chinese, has: "证"))
            let runs = stack.runs("证明 No. 12")
            #expect(runs.map(\.text).joined() == "证明 No. 12", "runs keep every character in order")
        }
        #expect(fonts.serif.runs("证明 No.").count == 2, "the serif: Chinese in the CJK face, the rest in the Latin one")
        // A combining mark after a Chinese character: cut between scalars, nothing lost or doubled.
        let combining = "证\u{0301}明 e\u{0301}"
        #expect(fonts.serif.runs(combining).map(\.text).joined().unicodeScalars.elementsEqual(combining.unicodeScalars))
    }

    @Test func withoutAnyFontCoveringChineseTheErrorNamesTheDebianPackages() {
        #expect {
            var cache: [String: FontStack.Face] = [:]
            _ = try CertificateFonts.stack(latin: ["Liberation Serif"], cjk: ["No Such CJK Family 7f3a"], fallback: ["Nor This 7f3b"],
                                           style: ":weight=regular", cache: &cache)
        } throws: { error in
            let text = "\(error)"
            return text.contains("fonts-arphic-uming") && text.contains("fonts-wqy-microhei") && text.contains("No Such CJK Family 7f3a")
        }
    }
}
