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
}
