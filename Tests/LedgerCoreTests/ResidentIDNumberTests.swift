import Testing
@testable import LedgerCore

struct ResidentIDNumberTests {
    let today = RulesFixtures.today

    @Test func readsTheStandardsExample() throws {
        // The worked example from GB 11643-1999.
        let id = try ResidentIDNumber("11010519491231002X", today: today)
        #expect(id.regionCode == "110105")
        #expect(id.birthDate == RulesFixtures.date("1949-12-31"))
        #expect(id.sex == .female)
    }

    @Test func checkCharacterMatchesIndependentComputation() {
        // Values computed separately in Python.
        #expect(ResidentIDNumber.checkCharacter(for: "11010519491231002") == "X")
        #expect(ResidentIDNumber.checkCharacter(for: "11010119900307123") == "3")
        #expect(ResidentIDNumber.checkCharacter(for: "44030419850101001") == "3")
        #expect(ResidentIDNumber.checkCharacter(for: "1101011990030712") == nil)
        #expect(ResidentIDNumber.checkCharacter(for: "1101011990030712A") == nil)
    }

    @Test func normalisesLowercaseX() throws {
        let id = try ResidentIDNumber(" 11010519491231002x ", today: today)
        #expect(id.value == "11010519491231002X")
    }

    @Test func oddSequenceDigitIsMale() throws {
        #expect(try ResidentIDNumber(RulesFixtures.residentID(sequence: "123"), today: today).sex == .male)
        #expect(try ResidentIDNumber(RulesFixtures.residentID(sequence: "124"), today: today).sex == .female)
    }

    @Test func rejectsWrongCheckDigit() {
        let wrong = RulesFixtures.withWrongLastCharacter(RulesFixtures.residentID(), alphabet: "0123456789X")
        #expect(throws: DocumentNumberError.wrongCheckCharacter) { try ResidentIDNumber(wrong, today: today) }
    }

    @Test(arguments: ["19900230", "19901301", "19900000"])
    func rejectsBirthDateThatIsNotARealDay(_ birth: String) {
        #expect(throws: DocumentNumberError.invalidBirthDate) {
            try ResidentIDNumber(RulesFixtures.residentID(birth: birth), today: today)
        }
    }

    @Test func acceptsLeapDay() throws {
        let id = try ResidentIDNumber(RulesFixtures.residentID(birth: "20000229"), today: today)
        #expect(id.birthDate == RulesFixtures.date("2000-02-29"))
    }

    @Test func rejectsBirthDateAfterToday() throws {
        #expect(throws: DocumentNumberError.birthDateInFuture) {
            try ResidentIDNumber(RulesFixtures.residentID(birth: "20260602"), today: today)
        }
        #expect(try ResidentIDNumber(RulesFixtures.residentID(birth: "20260601"), today: today).birthDate == today)
    }

    @Test func rejectsBirthDateBefore1900() {
        #expect(throws: DocumentNumberError.birthDateBefore1900) {
            try ResidentIDNumber(RulesFixtures.residentID(birth: "18991231"), today: today)
        }
    }

    @Test func rejectsWrongLength() {
        #expect(throws: DocumentNumberError.wrongLength(actual: 17)) {
            try ResidentIDNumber(String(RulesFixtures.residentID().dropLast()), today: today)
        }
        #expect(throws: DocumentNumberError.empty) { try ResidentIDNumber("  ", today: today) }
    }

    @Test func rejectsNonDigitsWithTheirPosition() {
        #expect(throws: DocumentNumberError.invalidCharacter("A", position: 5)) {
            try ResidentIDNumber("1101A1199003071233", today: today)
        }
        #expect(throws: DocumentNumberError.invalidCharacter("X", position: 17)) {
            try ResidentIDNumber("1101011990030712X3", today: today)
        }
    }

    @Test func codesAsAPlainString() throws {
        let id = try ResidentIDNumber("11010519491231002X", today: today)
        #expect(try RulesFixtures.json([id]) == #"["11010519491231002X"]"#)
        #expect(try RulesFixtures.decode([ResidentIDNumber].self, json: #"["11010519491231002x"]"#) == [id])
        #expect(throws: DecodingError.self) {
            try RulesFixtures.decode([ResidentIDNumber].self, json: #"["110105194912310021"]"#)
        }
    }
}
