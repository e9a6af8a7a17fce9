import Foundation
import LedgerCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends email through an SMTP server (RFC 5321): EHLO, then STARTTLS or implicit TLS, AUTH PLAIN or LOGIN when
/// credentials are configured, MAIL FROM / RCPT TO / DATA with dot-stuffing, one connection per message. Every step
/// waits at most `timeout`; a refusal names the step and the server's reply, never the credentials or the message.
public struct SMTPMailer: MessageSender {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS (port 587); refused when the server does not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only for a relay on this host (credentials are then refused unless it is a loopback address).
        case none
    }

    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var security: Security
        /// Both or neither.
        public var username: String?
        public var password: String?
        /// The sender, `address` or `Name <address>`.
        public var from: String
        /// Each step (connect, a reply) waits at most this long.
        public var timeout: TimeAmount = .seconds(30)
        /// Certificates (PEM file) trusted besides the system's, for a server with a private CA.
        public var extraTrustRootsFile: String?
        /// The name this client gives in EHLO.
        public var clientName = "vledger.localhost"

        public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
            self.from = from
        }
    }

    public let settings: Settings
    private let sender: MailAddress
    private let logger: Logger?

    public init(_ settings: Settings, logger: Logger? = nil) throws {
        self.settings = settings
        self.sender = try MailAddress(parsing: settings.from)
        self.logger = logger
    }

    public var channels: Set<MessageChannel> { [.email] }

    /// Checks a sender as `mail-from` takes it: `address` or `Name <address>`.
    public static func checkSender(_ text: String) throws {
        _ = try MailAddress(parsing: text)
    }

    public func send(_ message: OutgoingMessage) async throws {
        guard case .email(let to) = message.recipient else { throw MessageDeliveryError.noChannel(message.recipient.channel) }
        let content = MailContent.render(message, from: sender, to: to, date: Date(),
                                         messageId: "\(UUID().uuidString.lowercased())@\(sender.domain)")
        do {
            try await deliver(content, to: to)
            logger?.info("email sent", metadata: ["to": "\(message.recipient.masked)", "kind": "\(message.kind)"])
        } catch let error as SMTPFailure {
            logger?.warning("email not sent", metadata: ["to": "\(message.recipient.masked)", "reason": "\(error.reason)"])
            throw MessageDeliveryError.failed(channel: .email, reason: error.reason)
        }
    }

    /// One SMTP transaction for one recipient.
    func deliver(_ content: String, to recipient: String) async throws {
        let tls = try settings.security == .none ? nil : NIOSSLContext(configuration: tlsConfiguration())
        let connection = try await SMTPConnection.open(host: settings.host, port: settings.port,
                                                       implicitTLS: settings.security == .tls ? tls : nil, timeout: settings.timeout)
        do {
            try await connection.expect(220, step: "greeting")
            var capabilities = try await connection.command("EHLO \(settings.clientName)", expect: 250, step: "EHLO").lines
            if settings.security == .starttls {
                guard capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) else {
                    throw SMTPFailure(reason: "the server does not offer STARTTLS (set smtp-security to tls or none); it offers "
                                          + capabilities.dropFirst().joined(separator: ", ").prefix(200))
                }
                _ = try await connection.command("STARTTLS", expect: 220, step: "STARTTLS")
                try await connection.startTLS(tls!, serverHostname: settings.host)
                capabilities = try await connection.command("EHLO \(settings.clientName)", expect: 250, step: "EHLO after STARTTLS").lines
            }
            if let username = settings.username, let password = settings.password {
                try await authenticate(connection, username: username, password: password, capabilities: capabilities)
            }
            _ = try await connection.command("MAIL FROM:<\(sender.address)>", expect: 250, step: "MAIL FROM")
            _ = try await connection.command("RCPT TO:<\(recipient)>", expect: [250, 251], step: "RCPT TO")
            _ = try await connection.command("DATA", expect: 354, step: "DATA")
            _ = try await connection.command(Self.dotStuffed(content) + ".", expect: [250], step: "message", content: true)
            _ = try? await connection.command("QUIT", expect: 221, step: "QUIT")
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// AUTH PLAIN, else AUTH LOGIN, as the server offers; never over an unencrypted connection to another host.
    private func authenticate(_ connection: SMTPConnection, username: String, password: String, capabilities: [String]) async throws {
        if settings.security == .none && !Self.isLoopback(settings.host) {
            throw SMTPFailure(reason: "refusing to send the SMTP password unencrypted to \(settings.host) (set smtp-security to starttls or tls)")
        }
        let mechanisms = Set(capabilities.filter { $0.uppercased().hasPrefix("AUTH") }
            .flatMap { $0.uppercased().dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init) })
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            _ = try await connection.command("AUTH PLAIN \(token)", expect: 235, step: "AUTH PLAIN", secret: true)
        } else if mechanisms.contains("LOGIN") {
            _ = try await connection.command("AUTH LOGIN", expect: 334, step: "AUTH LOGIN")
            _ = try await connection.command(Data(username.utf8).base64EncodedString(), expect: 334, step: "AUTH LOGIN user", secret: true)
            _ = try await connection.command(Data(password.utf8).base64EncodedString(), expect: 235, step: "AUTH LOGIN password", secret: true)
        } else {
            throw SMTPFailure(reason: "the server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
    }

    private func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let file = settings.extraTrustRootsFile { configuration.additionalTrustRoots = [.file(file)] }
        return configuration
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The message with CRLF line ends and every line that starts with a dot given another (RFC 5321 4.5.2), ending in CRLF.
    static func dotStuffed(_ content: String) -> String {
        let lines = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        var text = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return text
    }
}

/// A failed SMTP step, with a reason safe to log.
struct SMTPFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// One reply: its code and its lines' texts (after the code).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

/// An SMTP connection: commands written as lines, replies read one by one, each within the timeout. Used by one task.
final class SMTPConnection {
    let channel: any Channel
    private var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
    private let timeout: TimeAmount

    private init(channel: any Channel, replies: AsyncThrowingStream<SMTPReply, any Error>, timeout: TimeAmount) {
        self.channel = channel
        self.replies = replies.makeAsyncIterator()
        self.timeout = timeout
    }

    static func open(host: String, port: Int, implicitTLS: NIOSSLContext?, timeout: TimeAmount) async throws -> SMTPConnection {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: host))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyForwarder(continuation: continuation))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw SMTPFailure(reason: "cannot connect to \(host):\(port): \(error)")
        }
        return SMTPConnection(channel: channel, replies: stream, timeout: timeout)
    }

    /// The next reply, which must have one of `codes`.
    @discardableResult
    func expect(_ codes: Set<Int>, step: String) async throws -> SMTPReply {
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { [channel] in channel.close(promise: nil) }
        defer { deadline.cancel() }
        let reply: SMTPReply?
        do {
            reply = try await replies.next()
        } catch {
            throw SMTPFailure(reason: "\(step): connection failed: \(error)")
        }
        guard let reply else { throw SMTPFailure(reason: "\(step): no reply within \(timeout.nanoseconds / 1_000_000_000) s or connection closed") }
        guard codes.contains(reply.code) else {
            throw SMTPFailure(reason: "\(step) refused: \(reply.code) \(reply.lines.joined(separator: " ").prefix(200))")
        }
        return reply
    }

    func expect(_ code: Int, step: String) async throws {
        try await expect([code], step: step)
    }

    /// Writes `line` (CRLF added) and waits for the reply. A `secret` line (credentials) appears in no error.
    /// `content` (the message after DATA) may span lines; a command may not.
    func command(_ line: String, expect codes: Set<Int>, step: String, secret: Bool = false, content: Bool = false) async throws -> SMTPReply {
        guard content || !line.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            throw SMTPFailure(reason: "\(step): a line break inside a command")
        }
        do {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
        } catch {
            throw SMTPFailure(reason: "\(step): the connection failed while sending")
        }
        return try await expect(codes, step: step)
    }

    func command(_ line: String, expect code: Int, step: String, secret: Bool = false) async throws -> SMTPReply {
        try await command(line, expect: [code], step: step, secret: secret)
    }

    /// Puts TLS under the connection (after the server's 220 to STARTTLS); later commands go encrypted.
    func startTLS(_ context: NIOSSLContext, serverHostname: String) async throws {
        do {
            try await channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname),
                                                               position: .first)
            }.get()
        } catch {
            throw SMTPFailure(reason: "STARTTLS: \(error)")
        }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Cuts the server's bytes into replies: lines `CODE-text` continue a reply, `CODE text` ends it (RFC 5321 4.2).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var lines: [String] = []
    /// A reply longer than this is refused (a server sending without end).
    private static let maxLineBytes = 4096
    private static let maxLines = 100

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineBytes { throw SMTPFailure(reason: "a reply line longer than \(Self.maxLineBytes) bytes") }
            return .needMoreData
        }
        let length = view.distance(from: view.startIndex, to: newline) + 1
        var utf8 = buffer.readBytes(length: length) ?? []
        while let last = utf8.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { utf8.removeLast() }
        let line = String(decoding: utf8, as: UTF8.self)
        guard utf8.count >= 3, let code = Int(String(decoding: utf8.prefix(3), as: UTF8.self)) else {
            throw SMTPFailure(reason: "not an SMTP reply: \(line.prefix(80))")
        }
        let text = utf8.count > 4 ? String(decoding: utf8.dropFirst(4), as: UTF8.self) : ""
        lines.append(text)
        if lines.count > Self.maxLines { throw SMTPFailure(reason: "a reply of more than \(Self.maxLines) lines") }
        if utf8.count > 3 && utf8[3] == UInt8(ascii: "-") { return .continue }
        context.fireChannelRead(Self.wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// Hands replies to the waiting task; the end of the connection ends the stream.
final class SMTPReplyForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPReply
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation

    init(continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}
