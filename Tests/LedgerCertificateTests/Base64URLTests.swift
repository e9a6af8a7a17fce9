import Foundation
@testable import LedgerCertificates
import Testing

struct Base64URLTests {
    @Test func roundTripsEveryLengthAndMatchesFoundation() {
        var bytes: [UInt8] = []
        for length in 0..<70 {
            let encoded = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation, "length \(length)")
            #expect(Base64URL.decode(encoded) == bytes, "length \(length)")
            bytes.append(UInt8(truncatingIfNeeded: length * 73 + 11))
        }
    }

    @Test func refusesWhatIsNotBase64url() {
        #expect(Base64URL.decode("abc=") == nil, "no padding")
        #expect(Base64URL.decode("ab+/") == nil, "not the standard alphabet")
        #expect(Base64URL.decode("abcde") == nil, "no encoding has 4n+1 characters")
        #expect(Base64URL.decode("志愿") == nil)
        #expect(Base64URL.isEncoded("eyJhbGciOiJFZERTQSJ9") && !Base64URL.isEncoded("eyJ.hbG"))
    }

    /// Issue 12, defect 6: one byte is "AQ" and nothing else; "AR" to "Af" differ only in unused bits.
    @Test func refusesNonCanonicalLastCharacters() {
        #expect(Base64URL.decode("AQ") == [1])
        for spelling in ["AR", "AS", "AT", "Af"] { #expect(Base64URL.decode(spelling) == nil, "\(spelling)") }
        #expect(Base64URL.decode("AAE") == [0, 1])
        #expect(Base64URL.decode("AAF") == nil)
        // A last character is accepted exactly when its unused low bits are zero, at every length.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for length in [1, 2, 64] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 5) }
            let encoded = Base64URL.encode(bytes)
            let unusedBits = encoded.count * 6 - length * 8
            #expect(unusedBits > 0)
            for (value, character) in alphabet.enumerated() {
                let decoded = Base64URL.decode(encoded.dropLast() + String(character))
                let canonical = value & ((1 << unusedBits) - 1) == 0
                #expect((decoded != nil) == canonical, "length \(length), last character \(character)")
            }
        }
    }
}
