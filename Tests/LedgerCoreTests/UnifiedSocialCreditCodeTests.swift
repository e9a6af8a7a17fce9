import Testing
@testable import LedgerCore

struct UnifiedSocialCreditCodeTests {
    /// Published codes of well-known companies; check characters verified independently (Python).
    static let publishedCodes = [
        "91110000600037341L",
        "91440300708461136T",  // 深圳市腾讯计算机系统有限公司
        "91330100716105852F",  // 阿里巴巴（中国）有限公司
        "914403001922038216",  // 华为技术有限公司
        "91110000802100433B",  // 北京百度网讯科技有限公司
        "91110108551385082Q",  // 小米科技有限责任公司
    ]

    @Test(arguments: publishedCodes)
    func acceptsPublishedCode(_ code: String) throws {
        #expect(try UnifiedSocialCreditCode(code).value == code)
    }

    @Test(arguments: publishedCodes)
    func checkCharacterMatchesIndependentComputation(_ code: String) {
        #expect(UnifiedSocialCreditCode.checkCharacter(for: String(code.prefix(17))) == code.last)
    }

    /// Edge values of the check computation, computed independently (Python): a weighted sum
    /// divisible by 31 gives "0" (31 maps to 0), remainder 1 gives "Y" (30), remainder 30 gives "1".
    @Test(arguments: [("53110105000000002", "0"), ("5311010500000000C", "Y"), ("5311010500000000P", "1")])
    func checkCharacterAtTheEndsOfTheRange(_ first17: String, _ expected: Character) throws {
        #expect(UnifiedSocialCreditCode.checkCharacter(for: first17) == expected)
        #expect(try UnifiedSocialCreditCode(first17 + String(expected)).value.hasSuffix(String(expected)))
    }

    @Test func normalisesLowercaseAndSurroundingSpaces() throws {
        let code = try UnifiedSocialCreditCode("  91440300708461136t ")
        #expect(code.value == "91440300708461136T")
        #expect(code == (try UnifiedSocialCreditCode("91440300708461136T")))
    }

    @Test func exposesItsParts() throws {
        let code = try UnifiedSocialCreditCode("91440300708461136T")
        #expect(code.registrationAuthority == "9")
        #expect(code.organizationType == "1")
        #expect(code.regionCode == "440300")
    }

    @Test func generatedSampleCodeValidates() throws {
        let first17 = "53110105MJ0000001"  // a social organization (5) in Beijing Dongcheng
        let check = try #require(UnifiedSocialCreditCode.checkCharacter(for: first17))
        #expect(try UnifiedSocialCreditCode(first17 + String(check)).organizationType == "3")
    }

    @Test(arguments: ["9144030070846113", "91440300708461136TT", ""])
    func rejectsWrongLength(_ text: String) {
        #expect(throws: CreditCodeError.wrongLength(actual: text.count)) { try UnifiedSocialCreditCode(text) }
    }

    @Test(arguments: ["I", "O", "S", "V", "Z", "-", "中"])
    func rejectsCharacterOutsideTheAlphabet(_ bad: String) {
        let text = "91440300" + bad + "08461136T"
        #expect(throws: CreditCodeError.invalidCharacter(Character(bad), position: 9)) {
            try UnifiedSocialCreditCode(text)
        }
    }

    @Test func rejectsWrongCheckCharacter() {
        let wrong = RulesFixtures.withWrongLastCharacter("91440300708461136T", alphabet: "0123456789ABCDEFGHJKLMNPQRTUWXY")
        #expect(throws: CreditCodeError.wrongCheckCharacter) { try UnifiedSocialCreditCode(wrong) }
    }

    @Test func wrongCheckCharacterMessageDoesNotRevealTheExpectedOne() {
        #expect(CreditCodeError.wrongCheckCharacter.message
            == "统一社会信用代码校验位错误 / the unified social credit code's check character is wrong")
    }

    @Test func checkCharacterNeedsSeventeenValidCharacters() {
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "9144030070846113") == nil)
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "91440300I08461136") == nil)
    }

    @Test func codesAsAPlainString() throws {
        let code = try UnifiedSocialCreditCode("91440300708461136T")
        #expect(try RulesFixtures.json([code]) == #"["91440300708461136T"]"#)
        #expect(try RulesFixtures.decode([UnifiedSocialCreditCode].self, json: #"["91440300708461136t"]"#) == [code])
        #expect(throws: DecodingError.self) {
            try RulesFixtures.decode([UnifiedSocialCreditCode].self, json: #"["91440300708461136A"]"#)
        }
    }
}
