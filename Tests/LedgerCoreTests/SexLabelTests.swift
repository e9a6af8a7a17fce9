import Testing
@testable import LedgerCore

struct SexLabelTests {
    @Test(arguments: [
        ("男", Sex.male), ("女", .female), ("male", .male), ("Female", .female),
        ("M", .male), ("f", .female), (" 男 ", .male),
    ])
    func parsesLabel(_ text: String, _ expected: Sex) {
        #expect(Sex(label: text) == expected)
    }

    @Test(arguments: ["", "未知", "x", "men"])
    func rejectsUnknownLabel(_ text: String) {
        #expect(Sex(label: text) == nil)
    }

    @Test func hasChineseLabels() {
        #expect(Sex.male.chineseLabel == "男")
        #expect(Sex.female.chineseLabel == "女")
    }

    @Test func encodesRawValueAndDecodesLabels() throws {
        #expect(try RulesFixtures.json([Sex.female]) == #"["female"]"#)
        #expect(try RulesFixtures.decode([Sex].self, json: #"["男","female"]"#) == [.male, .female])
        #expect(throws: DecodingError.self) { try RulesFixtures.decode([Sex].self, json: #"["?"]"#) }
    }
}
