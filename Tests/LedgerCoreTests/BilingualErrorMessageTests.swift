import Testing
@testable import LedgerCore

struct BilingualErrorMessageTests {
    static let messages: [String] = [
        CreditCodeError.wrongLength(actual: 3).message,
        CreditCodeError.invalidCharacter("I", position: 2).message,
        CreditCodeError.wrongCheckCharacter.message,
        DocumentNumberError.empty.message,
        DocumentNumberError.wrongLength(actual: 3).message,
        DocumentNumberError.invalidCharacter("A", position: 1).message,
        DocumentNumberError.wrongCheckCharacter.message,
        DocumentNumberError.invalidBirthDate.message,
        DocumentNumberError.birthDateBefore1900.message,
        DocumentNumberError.birthDateInFuture.message,
        DocumentNumberError.birthDateMismatch.message,
        DocumentNumberError.sexMismatch.message,
        DocumentNumberError.invalidPassportNumber.message,
        DocumentNumberError.invalidOtherNumber.message,
        VolunteerNumberError.wrongFormat.message,
        VolunteerNumberError.wrongCheckDigit.message,
        RegionCodeError.wrongFormat.message,
        RegionCodeError.leadingZero.message,
        HolidayFileError(line: 1, reason: .missingKind).message,
    ]

    @Test(arguments: messages)
    func chineseComesFirstThenEnglish(_ message: String) throws {
        let separator = try #require(message.range(of: " / "))
        let chinese = message[..<separator.lowerBound]
        let english = message[separator.upperBound...]
        #expect(chinese.unicodeScalars.first.map { (0x4E00...0x9FFF).contains($0.value) } == true)
        #expect(english.first.map { $0.isASCII && $0.isLetter } == true)
        // Only quoted input or the file format's own keywords (休, 班) may be Chinese in the English part.
        let englishWords = english.split(separator: " ").filter { !$0.contains("\"") && !$0.contains("/") }
        #expect(englishWords.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func descriptionIsTheMessage() {
        #expect("\(DocumentNumberError.wrongCheckCharacter)" == "证件号码校验位错误 / the ID number's check digit is wrong")
        #expect(RegionCodeError.leadingZero.errorDescription == RegionCodeError.leadingZero.message)
    }
}
