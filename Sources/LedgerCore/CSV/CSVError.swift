/// A failure while reading a CSV file; `description` is a bilingual (Chinese / English) message for the user.
public enum CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes on `line` are not valid in `encoding`.
    case invalidEncoding(line: Int, encoding: CSVTextEncoding)
    /// A quoted field starting on `line` has no closing quote before the end of the file.
    case unterminatedQuote(line: Int)
    /// The file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// The system's iconv cannot convert from `encoding`.
    case unsupportedEncoding(CSVTextEncoding)
    /// The row starting on `line` is longer than `limit` bytes.
    case lineTooLong(line: Int, limit: Int)
    /// The row starting on `line` has more than `limit` columns.
    case tooManyColumns(line: Int, limit: Int)

    /// The line the error concerns, when there is one.
    public var lineNumber: Int? {
        switch self {
        case let .invalidEncoding(line, _), let .unterminatedQuote(line), let .lineTooLong(line, _), let .tooManyColumns(line, _): line
        case .unreadableFile, .unsupportedEncoding: nil
        }
    }

    public var description: String {
        switch self {
        case let .invalidEncoding(line, .utf8):
            "第 \(line) 行不是有效的 UTF-8 编码，请将文件另存为 UTF-8 或 GBK 格式 / line \(line) is not valid UTF-8: save the file as UTF-8 or GBK"
        case let .invalidEncoding(line, .gb18030):
            "第 \(line) 行含有无效的 GBK/GB18030 字符，请在 Excel 中另存为“CSV UTF-8”格式 / line \(line) is not valid GBK/GB18030: save the file as \"CSV UTF-8\" in Excel"
        case let .invalidEncoding(line, encoding):
            "第 \(line) 行不是有效的 \(encoding.displayName) 编码，请将文件另存为 UTF-8 格式 / line \(line) is not valid \(encoding.displayName): save the file as UTF-8"
        case let .unterminatedQuote(line):
            "第 \(line) 行开始的带引号字段缺少结束引号 / the quoted field starting on line \(line) has no closing quote"
        case let .unreadableFile(path, reason):
            "无法读取文件 \(path)：\(reason) / cannot read file \(path): \(reason)"
        case let .unsupportedEncoding(encoding):
            "系统不支持 \(encoding.displayName) 解码，请将文件另存为 UTF-8 格式 / this system cannot decode \(encoding.displayName): save the file as UTF-8"
        case let .lineTooLong(line, limit):
            "第 \(line) 行超过 \(limit / 1024) KB，不像是服务记录 / line \(line) is longer than \(limit / 1024) KB: not a service record"
        case let .tooManyColumns(line, limit):
            "第 \(line) 行超过 \(limit) 列 / line \(line) has more than \(limit) columns"
        }
    }
}
