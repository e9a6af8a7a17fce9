import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerCore
import Logging

/// Sends text messages through an HTTP SMS gateway: one `POST` of JSON to the configured URL per message, with the
/// template id configured for the message's kind (Chinese gateways send only pre-approved templates) and its values:
///
///     {"phone": "13800138000", "templateId": "SMS_123", "params": {"code": "123456", "minutes": "5", ...},
///      "text": "...", "language": "zh"}
///
/// The configured auth header (e.g. `Authorization: Bearer ...`) goes with it. Any answer but 2xx, or none within
/// 10 seconds, is a failure; neither the header's value nor the message appears in logs or errors.
public struct SMSGateway: MessageSender {
    public struct Settings: Sendable {
        public var url: URL
        /// Header name and value sent with every request, or nil.
        public var authHeader: (name: String, value: String)?
        /// Template id by message kind (`verification-code`).
        public var templates: [String: String]

        public init(url: URL, authHeader: (name: String, value: String)? = nil, templates: [String: String]) {
            self.url = url
            self.authHeader = authHeader
            self.templates = templates
        }
    }

    public let settings: Settings
    private let logger: Logger?
    private let session: URLSession

    public init(_ settings: Settings, logger: Logger? = nil, timeout: TimeInterval = 10) {
        self.settings = settings
        self.logger = logger
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout + 5
        self.session = URLSession(configuration: configuration)
    }

    public var channels: Set<MessageChannel> { [.sms] }

    /// The JSON body of `message`.
    public static func body(_ message: OutgoingMessage, templateId: String) throws -> Data {
        struct Body: Encodable {
            var phone: String
            var templateId: String
            var params: [String: String]
            var text: String
            var language: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Body(phone: message.recipient.address, templateId: templateId, params: message.parameters,
                                       text: message.body, language: message.language.rawValue))
    }

    public func send(_ message: OutgoingMessage) async throws {
        guard case .phone = message.recipient else { throw MessageDeliveryError.noChannel(message.recipient.channel) }
        guard let templateId = settings.templates[message.kind] else {
            throw MessageDeliveryError.failed(channel: .sms, reason: "no SMS template configured for \(message.kind) (sms-templates)")
        }
        var request = URLRequest(url: settings.url)
        request.httpMethod = "POST"
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        if let header = settings.authHeader { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let status: Int
        do {
            let (_, response) = try await session.upload(for: request, from: try Self.body(message, templateId: templateId))
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            let reason = "gateway unreachable: \((error as? URLError)?.code.rawValue.description ?? "error")"
            logger?.warning("text message not sent", metadata: ["to": "\(message.recipient.masked)", "reason": "\(reason)"])
            throw MessageDeliveryError.failed(channel: .sms, reason: reason)
        }
        guard (200..<300).contains(status) else {
            logger?.warning("text message not sent", metadata: ["to": "\(message.recipient.masked)", "status": "\(status)"])
            throw MessageDeliveryError.failed(channel: .sms, reason: "gateway answered HTTP \(status)")
        }
        logger?.info("text message sent", metadata: ["to": "\(message.recipient.masked)", "kind": "\(message.kind)"])
    }
}
