import Testing
@testable import LedgerCore

struct VolunteerNumberTests {
    @Test(arguments: ["V79927398713", "V12345678903", "V00000000000"])
    func acceptsNumberWithLuhnCheckDigit(_ text: String) throws {
        #expect(try VolunteerNumber(text).value == text)
    }

    @Test func normalisesSpacesAndLowercaseV() throws {
        #expect(try VolunteerNumber(" v79927398713 ").value == "V79927398713")
    }

    @Test func checkDigitMatchesIndependentComputation() {
        // Values computed separately in Python; 7992739871 -> 3 is the textbook Luhn example.
        #expect(VolunteerNumber.checkDigit(for: "7992739871") == "3")
        #expect(VolunteerNumber.checkDigit(for: "2025000001") == "3")
        #expect(VolunteerNumber.checkDigit(for: "799273987") == nil)
    }

    @Test func detectsEverySingleDigitError() {
        let valid = Array("V79927398713")
        for position in 1..<valid.count {
            for digit in "0123456789" where digit != valid[position] {
                var typo = valid
                typo[position] = digit
                #expect(throws: VolunteerNumberError.wrongCheckDigit) { try VolunteerNumber(String(typo)) }
            }
        }
    }

    @Test(arguments: ["", "V7992739871", "V799273987130", "X79927398713", "79927398713", "V7992739871A", "V 79927398713"])
    func rejectsWrongFormat(_ text: String) {
        #expect(throws: VolunteerNumberError.wrongFormat) { try VolunteerNumber(text) }
    }

    @Test func randomNumbersAreValidAndReproducible() throws {
        var generator = SeededGenerator(state: 42)
        let numbers = (0..<200).map { _ in VolunteerNumber.random(using: &generator) }
        for number in numbers {
            #expect(try VolunteerNumber(number.value) == number)
        }
        #expect(Set(numbers).count == numbers.count)
        var again = SeededGenerator(state: 42)
        #expect(VolunteerNumber.random(using: &again) == numbers[0])
    }

    @Test func codesAsAPlainString() throws {
        let number = try VolunteerNumber("V79927398713")
        #expect(try RulesFixtures.json([number]) == #"["V79927398713"]"#)
        #expect(throws: DecodingError.self) { try RulesFixtures.decode([VolunteerNumber].self, json: #"["V79927398714"]"#) }
    }
}
