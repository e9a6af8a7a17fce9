import Foundation
import LedgerTestSupport
import LedgerCore
@testable import LedgerMessages
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The SMTP client against a real SMTP server started by the test (aiosmtpd, `scripts/smtp_test_server.py`), which
/// decodes each message with Python's `email` package: headers, UTF-8 subject and Chinese body as another parser reads
/// them, AUTH PLAIN and LOGIN, STARTTLS with a certificate the client must check, and refusals as errors.
@Suite("SMTP email", .serialized)
struct SMTPMailerTests {
    static let message = OutgoingMessage(
        recipient: .email("li.ming@example.cn"), kind: "verification-code",
        subject: "志愿服务信息平台验证码：注册账号（5 分钟内有效）——请勿转告他人",
        body: "您正在注册账号，验证码：482913，5 分钟内有效。\n.这一行以句点开头\n请勿告诉他人。",
        language: .zh, parameters: ["code": "482913"])

    static func mailer(port: Int, security: SMTPMailer.Security = .none, username: String? = nil, password: String? = nil,
                       host: String = "127.0.0.1", trust: String? = nil, timeout: TimeAmount = .seconds(10)) throws -> SMTPMailer {
        var settings = SMTPMailer.Settings(host: host, port: port, security: security, username: username, password: password,
                                           from: "志愿服务信息平台 <noreply@volunteer.example.cn>")
        settings.extraTrustRootsFile = trust
        settings.timeout = timeout
        return try SMTPMailer(settings)
    }

    @Test func aChineseMessageArrivesWithProperHeadersAndItsBodyDecodes() async throws {
        try await SMTPTestServer.with(["--user", "mailer", "--password", "p@ss w0rd"]) { server in
            try await Self.mailer(port: server.port, username: "mailer", password: "p@ss w0rd").send(Self.message)
            let received = try await server.nextMessage()
            #expect(received["mail_from"] as? String == "noreply@volunteer.example.cn")
            #expect(received["rcpt_tos"] as? [String] == ["li.ming@example.cn"])
            #expect(received["authenticated"] as? Bool == true)
            #expect(received["subject"] as? String == Self.message.subject)
            #expect(received["from"] as? String == "志愿服务信息平台 <noreply@volunteer.example.cn>")
            #expect(received["to"] as? String == "li.ming@example.cn")
            #expect(received["content_type"] as? String == "text/plain" && received["charset"] as? String == "utf-8")
            #expect(received["transfer_encoding"] as? String == "base64")
            #expect(received["date_parsed"] as? Bool == true)
            #expect((received["message_id"] as? String)?.hasSuffix("@volunteer.example.cn>") == true)
            let body = try #require(received["body"] as? String)
            #expect(body.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == Self.message.body)
            #expect(received["defects"] as? [String] == [])
            // Every line of the message as sent is ASCII and short; no header carries raw UTF-8.
            let raw = try #require((received["raw"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(raw.allSatisfy { $0 < 0x80 })
            #expect(String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        }
    }

    @Test func starttlsWithACheckedCertificateAndAuthLogin() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await SMTPTestServer.with(["--user", "mailer", "--password", "secret-1", "--only-login", "--tls-dir", directory.path]) { server in
            let certificate = directory.appendingPathComponent("cert.pem").path
            // Without the certificate trusted, the client refuses the server and sends nothing.
            await #expect(throws: MessageDeliveryError.self) {
                try await Self.mailer(port: server.port, security: .starttls, username: "mailer", password: "secret-1", host: "localhost")
                    .send(Self.message)
            }
            try await Self.mailer(port: server.port, security: .starttls, username: "mailer", password: "secret-1", host: "localhost",
                                  trust: certificate).send(Self.message)
            let received = try await server.nextMessage()
            #expect(received["encrypted"] as? Bool == true && received["authenticated"] as? Bool == true)
            #expect(received["subject"] as? String == Self.message.subject)
        }
    }

    @Test func aWrongPasswordAndARefusedRecipientAreErrorsThatHoldNoSecret() async throws {
        try await SMTPTestServer.with(["--user", "mailer", "--password", "right-password"]) { server in
            do {
                try await Self.mailer(port: server.port, username: "mailer", password: "wrong-password-123").send(Self.message)
                Issue.record("a wrong password was accepted")
            } catch let error as MessageDeliveryError {
                guard case .failed(.email, let reason) = error else { Issue.record("\(error)"); return }
                #expect(reason.contains("AUTH") && reason.contains("535"))
                #expect(!reason.contains("wrong-password-123") && !reason.contains("d3JvbmctcGFzc3dvcmQtMTIz"))
            }
        }
        try await SMTPTestServer.with(["--reject-rcpt"]) { server in
            do {
                try await Self.mailer(port: server.port).send(Self.message)
                Issue.record("a refused recipient passed")
            } catch let error as MessageDeliveryError {
                #expect("\(error)".contains("RCPT TO refused: 550"))
            }
        }
        // Credentials are never sent unencrypted to another host.
        await #expect(throws: MessageDeliveryError.self) {
            try await Self.mailer(port: 1, username: "u", password: "p", host: "smtp.example.invalid").send(Self.message)
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // A listener that accepts and stays silent.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        let started = ContinuousClock.now
        do {
            try await Self.mailer(port: port, timeout: .milliseconds(500)).send(Self.message)
            Issue.record("a silent server took the message")
        } catch let error as MessageDeliveryError {
            #expect("\(error)".contains("greeting"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func headersAndDotStuffing() throws {
        #expect(SMTPMailer.dotStuffed("a\n.b\r\n..c\n") == "a\r\n..b\r\n...c\r\n")
        #expect(MailContent.encodedWords("Plain subject") == "Plain subject")
        let words = MailContent.encodedWords(String(repeating: "验证码", count: 20))
        for word in words.components(separatedBy: "\r\n ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
        }
        #expect(!MailContent.encodedWords("a\r\nBcc: x@y.cn").contains("\n"))
        #expect(throws: (any Error).self) { try MailAddress(parsing: "Name <not an address>") }
        #expect(MailContent.rfc5322Date(Date(timeIntervalSince1970: 1_781_496_000)) == "Mon, 15 Jun 2026 04:00:00 +0000")
    }
}

/// `scripts/smtp_test_server.py` running for one test, on a free loopback port.
final class SMTPTestServer: Sendable {
    static var python: String {
        ProcessInfo.processInfo.environment["VLEDGER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/smtp_test_server.py").path

    let port: Int
    private let process: ChildProcess
    private let input: Pipe
    private let lines: OutputLines

    private init(port: Int, process: ChildProcess, input: Pipe, lines: OutputLines) {
        self.port = port
        self.process = process
        self.input = input
        self.lines = lines
    }

    static func with(_ arguments: [String], _ body: (SMTPTestServer) async throws -> Void) async throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let lines = OutputLines(output.fileHandleForReading)
        try process.run()
        let server: SMTPTestServer
        do {
            let ready = try await lines.next(timeout: .seconds(20))
            let port = try #require((try JSONSerialization.jsonObject(with: Data(ready.utf8)) as? [String: Any])?["port"] as? Int)
            server = SMTPTestServer(port: port, process: process, input: input, lines: lines)
        } catch {
            process.terminate()
            throw error
        }
        do {
            try await body(server)
        } catch {
            server.stop()
            throw error
        }
        server.stop()
    }

    /// The next message the server received, as the script decoded it.
    func nextMessage() async throws -> [String: Any] {
        let line = try await lines.next(timeout: .seconds(10))
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        lines.close()
    }
}

/// Lines a child process writes, collected as they come.
final class OutputLines: Sendable {
    struct NoLine: Error, CustomStringConvertible {
        var description: String { "the test server printed no line in time" }
    }

    private let handle: FileHandle
    private let state = Mutex((buffer: [UInt8](), lines: [String](), ended: false))

    init(_ handle: FileHandle) {
        self.handle = handle
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.state.withLock { state in
                if data.isEmpty { state.ended = true }
                state.buffer.append(contentsOf: data)
                while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    state.lines.append(String(decoding: state.buffer[..<newline], as: UTF8.self))
                    state.buffer.removeSubrange(...newline)
                }
            }
        }
    }

    func next(timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = state.withLock({ $0.lines.isEmpty ? nil : $0.lines.removeFirst() }) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NoLine()
    }

    func close() {
        handle.readabilityHandler = nil
    }
}
