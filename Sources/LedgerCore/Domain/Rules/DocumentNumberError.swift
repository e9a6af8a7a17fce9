import Foundation

/// Why an identity document number is not acceptable.
public enum DocumentNumberError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    case empty
    /// A resident ID number that is not 18 characters long.
    case wrongLength(actual: Int)
    /// A resident ID number with a character other than a digit (or a final X); `position` is 1-based.
    case invalidCharacter(Character, position: Int)
    case wrongCheckCharacter
    case invalidBirthDate
    case birthDateBefore1900
    case birthDateInFuture
    /// The declared date of birth differs from the one encoded in the resident ID number.
    case birthDateMismatch
    /// The declared sex differs from the one encoded in the resident ID number.
    case sexMismatch
    case invalidPassportNumber
    case invalidOtherNumber

    public var message: String {
        switch self {
        case .empty:
            "证件号码不能为空 / the document number is empty"
        case .wrongLength(let actual):
            "居民身份证号码应为 18 位，实为 \(actual) 位 / a resident ID number has 18 characters, not \(actual)"
        case .invalidCharacter(let character, let position):
            "身份证号码第 \(position) 位的“\(character)”无效（前 17 位应为数字，最后一位为数字或 X）"
                + " / the ID number has an invalid character \"\(character)\" at position \(position)"
                + " (the first 17 must be digits, the last a digit or X)"
        case .wrongCheckCharacter:
            "证件号码校验位错误 / the ID number's check digit is wrong"
        case .invalidBirthDate:
            "身份证号码中的出生日期不是有效日期 / the date of birth in the ID number is not a real date"
        case .birthDateBefore1900:
            "身份证号码中的出生日期早于 1900 年 / the date of birth in the ID number is before 1900"
        case .birthDateInFuture:
            "身份证号码中的出生日期晚于今天 / the date of birth in the ID number is in the future"
        case .birthDateMismatch:
            "出生日期与身份证号码不一致 / date of birth does not match the ID number"
        case .sexMismatch:
            "性别与身份证号码不一致 / sex does not match the ID number"
        case .invalidPassportNumber:
            "护照号码应为 5 至 20 位字母或数字 / a passport number must be 5 to 20 letters or digits"
        case .invalidOtherNumber:
            "证件号码应为 1 至 40 个可打印字符，且不含空格 / the document number must be 1 to 40 printable characters without spaces"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
