/// The text encodings the CSV reader understands; GB18030 also covers GBK, which Excel in China uses for "CSV".
public enum CSVTextEncoding: String, Sendable {
    case utf8
    case gb18030
    case utf16LittleEndian
    case utf16BigEndian

    /// The name shown to users in error messages.
    var displayName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GBK/GB18030"
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        }
    }
}
