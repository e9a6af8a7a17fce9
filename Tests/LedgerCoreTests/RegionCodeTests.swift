import Testing
@testable import LedgerCore

struct RegionCodeTests {
    @Test(arguments: [("110101", "110000"), (" 440305 ", "440000"), ("650000", "650000")])
    func acceptsSixDigitsAndNamesTheProvince(_ text: String, _ province: String) throws {
        let code = try RegionCode(text)
        #expect(code.value == text.trimmingCharacters(in: .whitespaces))
        #expect(code.provinceCode == province)
    }

    @Test(arguments: ["", "11010", "1101011", "11010a", "11 101", "１１０１０１" /* full-width digits */])
    func rejectsAnythingButSixDigits(_ text: String) {
        #expect(throws: RegionCodeError.wrongFormat) { try RegionCode(text) }
    }

    @Test func rejectsLeadingZero() {
        #expect(throws: RegionCodeError.leadingZero) { try RegionCode("011010") }
    }

    @Test func codesAsAPlainString() throws {
        #expect(try RulesFixtures.json([try RegionCode("110101")]) == #"["110101"]"#)
        #expect(throws: DecodingError.self) { try RulesFixtures.decode([RegionCode].self, json: #"["010101"]"#) }
    }
}
