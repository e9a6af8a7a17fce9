import LedgerCore
import Testing

struct CertificateSerialTests {
    static let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test func randomSerialsAreSixteenCrockfordSymbolsThatPassTheirCheck() {
        let source = RandomSource.seeded(1)
        var seen: Set<String> = []
        for _ in 0..<2000 {
            let serial = CertificateSerial.random(source)
            #expect(serial.value.count == 16)
            #expect(serial.value.allSatisfy(Self.alphabet.contains))
            #expect(CertificateSerial(serial.value) == serial)
            seen.insert(serial.value)
        }
        #expect(seen.count == 2000, "75 random bits: no repeats")
    }

    @Test func typedSerialsAreReadLeniently() throws {
        let serial = CertificateSerial.random(.seeded(2))
        #expect(serial.grouped.count == 19)
        #expect(serial.grouped.split(separator: "-").map(\.count) == [4, 4, 4, 4])
        #expect(CertificateSerial(serial.grouped) == serial)
        #expect(CertificateSerial(" " + serial.grouped.lowercased().replacingOccurrences(of: "-", with: " ") + " ") == serial)
        // Crockford: O reads as 0, I and L as 1.
        let confusable = serial.value.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        #expect(CertificateSerial(confusable) == serial)
    }

    @Test func everySingleSymbolTypoIsDetected() {
        let serial = CertificateSerial.random(.seeded(3)).value
        let symbols = Array(serial)
        for position in symbols.indices {
            for replacement in Self.alphabet where replacement != symbols[position] {
                var typo = symbols
                typo[position] = replacement
                #expect(CertificateSerial(String(typo)) == nil, "\(String(typo)) passed the check")
            }
        }
    }

    @Test func wrongLengthsAndForeignSymbolsAreRefused() {
        let serial = CertificateSerial.random(.seeded(4)).value
        #expect(CertificateSerial(String(serial.dropLast())) == nil)
        #expect(CertificateSerial(serial + "0") == nil)
        #expect(CertificateSerial(String(serial.dropLast()) + "U") == nil)
        #expect(CertificateSerial("") == nil)
        #expect(CertificateSerial("志愿服务记录证明志愿服务记录证明") == nil)
    }
}
