import Testing
@testable import LedgerCore

struct IdentityDocumentTests {
    func document(_ type: DocumentType, _ number: String, birth: String? = nil, sex: Sex? = nil) throws(DocumentNumberError) -> IdentityDocument {
        try IdentityDocument.validated(type: type, number: number, declaredBirthDate: birth.map(RulesFixtures.date),
                                       declaredSex: sex, today: RulesFixtures.today)
    }

    @Test func residentIDWithMatchingDeclaredDetails() throws {
        let doc = try document(.residentID, " 11010519491231002x", birth: "1949-12-31", sex: .female)
        #expect(doc.type == .residentID)
        #expect(doc.number == "11010519491231002X")
    }

    @Test func residentIDIsValidatedAsSuch() {
        #expect(throws: DocumentNumberError.wrongCheckCharacter) { try document(.residentID, "110105194912310021") }
    }

    @Test func declaredBirthDateMustMatchTheNumber() {
        #expect(throws: DocumentNumberError.birthDateMismatch) {
            try document(.residentID, "11010519491231002X", birth: "1949-12-30")
        }
    }

    @Test func declaredSexMustMatchTheNumber() {
        #expect(throws: DocumentNumberError.sexMismatch) {
            try document(.residentID, "11010519491231002X", sex: .male)
        }
    }

    @Test func mismatchMessagesAreTheSpecifiedOnes() {
        #expect(DocumentNumberError.birthDateMismatch.message == "出生日期与身份证号码不一致 / date of birth does not match the ID number")
        #expect(DocumentNumberError.sexMismatch.message == "性别与身份证号码不一致 / sex does not match the ID number")
    }

    @Test(arguments: ["E1234", "e12345678", "G12345678", "12345678901234567890"])
    func acceptsPassportNumber(_ number: String) throws {
        #expect(try document(.passport, number).number == number.uppercased())
    }

    @Test(arguments: ["E123", "123456789012345678901", "E-1234567", "E 1234567", "Е1234567" /* Cyrillic Е */])
    func rejectsPassportNumber(_ number: String) {
        #expect(throws: DocumentNumberError.invalidPassportNumber) { try document(.passport, number) }
    }

    @Test func passportIgnoresDeclaredDetails() throws {
        #expect(try document(.passport, "E12345678", birth: "2000-01-01", sex: .male).number == "E12345678")
    }

    @Test(arguments: ["H1234567890", "a", "HK-A123456(7)", "港澳通行证C12345678", String(repeating: "9", count: 40)])
    func acceptsOtherNumber(_ number: String) throws {
        #expect(try document(.other, number).number == number.uppercased())
    }

    @Test(arguments: ["A 123", "A\t123", "A\u{7}123", String(repeating: "9", count: 41)])
    func rejectsOtherNumber(_ number: String) {
        #expect(throws: DocumentNumberError.invalidOtherNumber) { try document(.other, number) }
    }

    @Test(arguments: DocumentType.allCases)
    func rejectsEmptyNumber(_ type: DocumentType) {
        #expect(throws: DocumentNumberError.empty) { try document(type, "   ") }
    }

    @Test func dedupeKeyIsTypeAndNormalisedNumber() throws {
        let typed = try document(.passport, " e12345678 ")
        let pasted = try document(.passport, "E12345678")
        let other = try document(.other, "E12345678")
        #expect(typed == pasted)
        #expect(typed.dedupeKey == "passport:E12345678")
        #expect(typed.dedupeKey == pasted.dedupeKey)
        #expect(other.dedupeKey != pasted.dedupeKey)
        #expect(Set([typed, pasted, other]).count == 2)
    }
}
