import Testing
@testable import LedgerCore

struct MaskingTests {
    @Test(arguments: [
        ("110101199003071234", "1101**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("E123456789", "E123**6789"),
        ("E1234567", "******67"),
        ("AB12", "**12"),
        ("7", "7"),
    ])
    func masksDocumentNumber(_ number: String, _ expected: String) {
        #expect(Masking.documentNumber(number) == expected)
    }

    @Test(arguments: [
        ("13812345678", "138****5678"),
        ("010-12345678", "********5678"),
        ("+8613812345678", "**********5678"),
        ("12345", "*2345"),
        ("110", "***"),
    ])
    func masksPhone(_ phone: String, _ expected: String) {
        #expect(Masking.phone(phone) == expected)
    }

    @Test(arguments: [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("李", "李"),
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J*** S****"),
        ("Mary-Jane O'Neil", "M***-J*** O*****"),
        (" Li ", "L*"),
    ])
    func masksName(_ name: String, _ expected: String) {
        #expect(Masking.name(name) == expected)
    }

    @Test func keepsLengthOneForOne() {
        let number = "110101199003071234"
        #expect(Masking.documentNumber(number).count == number.count)
    }
}
