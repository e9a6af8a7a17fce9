import Testing
@testable import LedgerCore

struct DocumentTypeLabelTests {
    @Test(arguments: [
        ("居民身份证", DocumentType.residentID), ("身份证", .residentID), ("resident_id", .residentID),
        ("护照", .passport), ("passport", .passport), ("PASSPORT", .passport),
        ("其他", .other), ("其它", .other), ("other", .other),
    ])
    func parsesLabel(_ text: String, _ expected: DocumentType) {
        #expect(DocumentType(label: text) == expected)
    }

    @Test(arguments: ["", "驾驶证", "residentID"])
    func rejectsUnknownLabel(_ text: String) {
        #expect(DocumentType(label: text) == nil)
    }

    @Test func hasChineseLabels() {
        #expect(DocumentType.allCases.map(\.chineseLabel) == ["居民身份证", "护照", "其他"])
    }

    @Test func encodesRawValue() throws {
        #expect(try RulesFixtures.json([DocumentType.residentID]) == #"["resident_id"]"#)
        #expect(try RulesFixtures.decode([DocumentType].self, json: #"["护照"]"#) == [.passport])
    }
}
