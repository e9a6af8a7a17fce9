import Foundation

/// Where a message goes: a mobile phone (by SMS) or an email address. Built only through `phone(_:)` and
/// `email(_:)`, which check and normalize, so two spellings of one number are one destination.
public enum MessageRecipient: Sendable, Hashable, CustomStringConvertible {
    case phone(String)
    case email(String)

    /// A phone number without spaces or hyphens; a Chinese mobile number loses its `+86`/`0086` prefix.
    public static func phone(checking value: String, field: String = "phone") throws(LedgerError) -> MessageRecipient {
        var text = String(value.trimmingCharacters(in: .whitespaces).filter { $0 != " " && $0 != "-" })
        for prefix in ["+86", "0086"] where text.hasPrefix(prefix) && text.count == prefix.count + 11 {
            text = String(text.dropFirst(prefix.count))
        }
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard (5...16).contains(digits.count), digits.allSatisfy(IdentifierText.isASCIIDigit) else {
            throw .invalidField(field: field, reason: "不是有效的手机号码 / is not a valid mobile phone number")
        }
        return .phone(text)
    }

    /// An email address, at most 254 characters, its domain in lower case.
    public static func email(checking value: String, field: String = "email") throws(LedgerError) -> MessageRecipient {
        let text = value.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = Set("<>()[],;:\\\"")
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
              !text.contains(where: { forbidden.contains($0) }) else {
            throw .invalidField(field: field, reason: "不是有效的电子邮件地址 / is not a valid email address")
        }
        return .email(parts[0] + "@" + parts[1].lowercased())
    }

    /// `sms` or `email`: the channel a message to this recipient takes.
    public var channel: MessageChannel {
        switch self {
        case .phone: .sms
        case .email: .email
        }
    }

    /// The number or address.
    public var address: String {
        switch self {
        case .phone(let number): number
        case .email(let address): address
        }
    }

    /// `phone:NUMBER` or `email:ADDRESS`: the key one-time codes and throttles are kept under.
    public var key: String { "\(channel == .sms ? "phone" : "email"):\(address)" }

    /// Masked, for logs and pages (`138****5678`, `a***@example.cn`).
    public var masked: String {
        switch self {
        case .phone(let number):
            return Masking.phone(number)
        case .email(let address):
            let parts = address.split(separator: "@", maxSplits: 1)
            return (parts.first.map { String($0.prefix(1)) } ?? "") + "***@" + (parts.count > 1 ? String(parts[1]) : "")
        }
    }

    public var description: String { masked }
}

/// How a message travels.
public enum MessageChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case sms
    case email
}

/// The language a message is written in.
public enum MessageLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case zh
    case en
}

/// One message to one person: a one-time code or a notice. Email sends `subject` and `body`; an SMS gateway sends
/// the template configured for `kind` with `parameters` (Chinese SMS gateways only send pre-approved templates), and
/// `body` where the gateway takes free text.
public struct OutgoingMessage: Sendable, Hashable {
    public var recipient: MessageRecipient
    /// What the message is (`verification-code`, later the notices' kinds): chooses the SMS template.
    public var kind: String
    public var subject: String
    /// Plain text.
    public var body: String
    public var language: MessageLanguage
    /// The template's values (`code`, `minutes`, ...), for gateways that fill templates themselves.
    public var parameters: [String: String]

    public init(recipient: MessageRecipient, kind: String, subject: String, body: String, language: MessageLanguage,
                parameters: [String: String] = [:]) {
        self.recipient = recipient
        self.kind = kind
        self.subject = subject
        self.body = body
        self.language = language
        self.parameters = parameters
    }
}

/// Delivers messages: SMTP email, an HTTP SMS gateway, or the development outbox, chosen in configuration. Sending
/// returns once the message was handed over (accepted by the mail server or gateway); a failure throws
/// `MessageDeliveryError`. Implementations never log a message's body or parameters (they may hold a code).
public protocol MessageSender: Sendable {
    /// The channels this sender delivers on; a message for another channel fails with `.noChannel`.
    var channels: Set<MessageChannel> { get }
    func send(_ message: OutgoingMessage) async throws
}

/// Why a message was not delivered.
public enum MessageDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing is configured to send on this channel.
    case noChannel(MessageChannel)
    /// The mail server or gateway refused or failed; the reason never holds credentials or the message.
    case failed(channel: MessageChannel, reason: String)

    public var description: String {
        switch self {
        case .noChannel(let channel): "no sender is configured for \(channel.rawValue)"
        case .failed(let channel, let reason): "\(channel.rawValue) delivery failed: \(reason)"
        }
    }
}

/// One sender per channel, as configured (email by SMTP, SMS by a gateway); a message goes to its channel's sender.
public struct ChannelMessageSender: MessageSender {
    public let senders: [MessageChannel: any MessageSender]

    public init(email: (any MessageSender)?, sms: (any MessageSender)?) {
        var senders: [MessageChannel: any MessageSender] = [:]
        if let email { senders[.email] = email }
        if let sms { senders[.sms] = sms }
        self.senders = senders
    }

    public var channels: Set<MessageChannel> { Set(senders.keys) }

    public func send(_ message: OutgoingMessage) async throws {
        guard let sender = senders[message.recipient.channel] else { throw MessageDeliveryError.noChannel(message.recipient.channel) }
        try await sender.send(message)
    }
}
