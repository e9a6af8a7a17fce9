import Foundation
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import Testing

struct QRCodeTests {
    static func url(bytes: Int) -> String {
        let prefix = "https://verify.example.gov.cn/v/"
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return prefix + String((0..<(bytes - prefix.utf8.count)).map { alphabet[($0 * 37 + 11) % alphabet.count] })
    }

    @Test func theLongestAllowedURLFitsVersion16AtLevelM() throws {
        let qr = try QRCode(Self.url(bytes: QRCodeBudget.maxURLBytes))
        // 450 bytes need version 16 exactly at level M (version 14 would do at level L).
        #expect(qr.version == 16)
        #expect(qr.size == 17 + 4 * 16)
        #expect(throws: QRCode.Failure.self) { _ = try QRCode(Self.url(bytes: 700)) }
    }

    @Test func aRealVerificationURLFitsAndDecodesBack() async throws {
        let issued = try await Sample.issued(by: try await Sample.keyring())
        let qr = try QRCode(issued.verificationURL)
        #expect(qr.version <= QRCodeBudget.maxVersion)
        let png = try qr.png(scale: 6)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let file = try Sample.directory().appendingPathComponent("qr.png")
        try Data(png).write(to: file)
        #expect(try QRCodeReader.decode(pngFile: file.path) == [issued.verificationURL])
        if let zbarimg = Tool.path("zbarimg") {
            let decoded = try Tool.run(zbarimg, ["--quiet", "--raw", file.path]).trimmingCharacters(in: .newlines)
            #expect(decoded == issued.verificationURL)
        } else {
            Issue.record("zbarimg is not installed (make deps installs zbar-tools)")
        }
    }

    @Test func svgDrawsEveryDarkModuleWithAQuietZone() throws {
        let qr = try QRCode("https://verify.example.gov.cn/v/ABCD-EFGH-JKMN-PQRS")
        let svg = qr.svg()
        let side = qr.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\""))
        // Each dark run is one "M x y h n v1 h-n z": their lengths add up to the dark modules.
        let runs = svg.matches(of: #/M(\d+) (\d+)h(\d+)v1/#)
        var darkInSVG = 0
        for run in runs {
            let (x, y, length) = (Int(run.1)!, Int(run.2)!, Int(run.3)!)
            #expect(x >= 4 && y >= 4 && x + length <= qr.size + 4 && y < qr.size + 4)
            darkInSVG += length
        }
        let dark = (0..<qr.size).reduce(0) { total, y in total + (0..<qr.size).filter { qr.isDark(x: $0, y: y) }.count }
        #expect(darkInSVG == dark)
        #expect(qr.isDark(x: 0, y: 0), "finder pattern corner")
    }
}
