import Foundation
import LedgerCore

/// A mail address as configured for the sender: `address` or `Display Name <address>`.
struct MailAddress: Sendable, Hashable {
    var name: String?
    var address: String

    init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            self.name = name.isEmpty ? nil : name
            self.address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        } else {
            self.name = nil
            self.address = trimmed
        }
        guard case .email(let checked) = try MessageRecipient.email(checking: address, field: "mail-from") else {
            throw LedgerError.invalidField(field: "mail-from", reason: "not an email address")
        }
        self.address = checked
        if let name, name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw LedgerError.invalidField(field: "mail-from", reason: "a line break in the name")
        }
    }

    var domain: String { String(address.split(separator: "@").last ?? "localhost") }

    /// As a header value, the name encoded (RFC 2047) when it is not plain ASCII.
    var header: String {
        guard let name else { return "<\(address)>" }
        return "\(MailContent.encodedWords(name)) <\(address)>"
    }
}

/// The text of one email (RFC 5322 with MIME): UTF-8 subject and sender name as RFC 2047 encoded words, the UTF-8 body
/// in base64 lines of 76 characters, Date and Message-ID, marked as automatically sent.
enum MailContent {
    static func render(_ message: OutgoingMessage, from: MailAddress, to: String, date: Date, messageId: String) -> String {
        let headers = [
            "From: \(from.header)",
            "To: <\(to)>",
            "Subject: \(encodedWords(message.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(messageId)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "Content-Language: \(message.language == .zh ? "zh-CN" : "en")",
            "Auto-Submitted: auto-generated",
        ]
        let body = Data(message.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.map(fold).joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// `text` as it may stand in a header: plain printable ASCII as it is, anything else as `=?UTF-8?B?...?=` words of
    /// at most 75 characters (never cutting a character), folded onto continuation lines. Line breaks become spaces.
    static func encodedWords(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !flat.contains("=?") && flat.utf8.count <= 900 {
            return flat
        }
        // 36 bytes of UTF-8 make 48 characters of base64, a word of 60: a header line with its name stays within 78.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in flat {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk.append(contentsOf: bytes.prefix(36))
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A header folded (RFC 5322 2.2.3) before a space wherever a line would pass 78 characters.
    static func fold(_ header: String) -> String {
        header.components(separatedBy: "\r\n").map { line -> String in
            var rest = Substring(line), lines: [Substring] = []
            while rest.count > 78, let space = rest.prefix(78).dropFirst().lastIndex(of: " ") {
                lines.append(rest[..<space])
                rest = rest[space...]
            }
            return (lines + [rest]).joined(separator: "\r\n")
        }.joined(separator: "\r\n")
    }

    /// `Mon, 15 Jun 2026 04:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
