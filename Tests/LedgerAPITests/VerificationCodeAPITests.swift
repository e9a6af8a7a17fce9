import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerApp
import LedgerCore
import Logging
import Testing

/// `POST /api/v1/verification-codes` through the real application: 202 with the destination masked and the same answer
/// for anyone, the code in the development outbox only, bad input 422, throttled 429 with `Retry-After`, no sender 422,
/// a failing gateway 503; `/dev/outbox` exists only in development mode; the message settings are checked and masked.
@Suite struct VerificationCodeAPITests {
    /// Runs `body` against the application of `configuration` over the fixture's ledger sending through `outbox`.
    static func withApp(_ fixture: APIFixture, outbox: DevelopmentOutbox?, configuration: AppConfiguration = AppConfiguration(),
                        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var ledger = fixture.ledger
        ledger.messages = outbox
        ledger.verificationCodes = VerificationCodeSettings(key: SymmetricKey(data: Data(repeating: 3, count: 32)), platformName: "测试平台")
        var logger = Logger(label: "verification-code-api")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration, ledger: ledger, logger: logger, closesStore: false)
        try await app.test(.router, body)
    }

    static func post(_ client: any TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/verification-codes", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: body))
    }

    @Test func aCodeIsSentToAnyPhoneAndShownOnlyInTheDevOutbox() async throws {
        let fixture = try await APIFixture.make()
        let outbox = DevelopmentOutbox()
        try await Self.withApp(fixture, outbox: outbox) { client in
            // A phone on file and one nobody has: the same answer, masked.
            let known = try await Self.post(client, #"{"purpose": "register", "phone": "\#(fixture.volunteerA.phone)"}"#)
            let unknown = try await Self.post(client, #"{"purpose": "register", "phone": "+86 139-1234-0001"}"#)
            #expect(known.status == .accepted && unknown.status == .accepted)
            let answer = try JSONSerialization.jsonObject(with: Data(buffer: unknown.body)) as? [String: String]
            #expect(answer == ["purpose": "register", "channel": "sms", "destination": "139****0001", "expiresAt": "2026-06-15T12:05:00+08:00"])
            #expect(Set((try JSONSerialization.jsonObject(with: Data(buffer: known.body)) as? [String: String] ?? [:]).keys) == Set(answer?.keys ?? [:].keys))
            let code = try #require(outbox.entries.first?.message.parameters["code"])
            #expect(outbox.entries.first?.message.recipient == .phone("13912340001"))
            #expect(!String(buffer: unknown.body).contains(code))

            // The dev outbox page lists it, newest first.
            let page = try await client.execute(uri: "/dev/outbox", method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(code) && html.contains("13912340001"))
            #expect(html.range(of: "13912340001")!.lowerBound < html.range(of: fixture.volunteerA.phone)!.lowerBound)

            // Email too, in English.
            let email = try await Self.post(client, #"{"purpose": "reset-password", "email": "Li@Example.CN", "language": "en"}"#)
            #expect(email.status == .accepted)
            #expect(outbox.entries.first?.message.body.contains("resetting your password") == true)

            // Bad input is 422 naming the field, and sends nothing.
            let sent = outbox.entries.count
            for (body, field) in [(#"{"purpose": "login", "phone": "13800138000"}"#, "purpose"),
                                  (#"{"purpose": "register"}"#, "phone"),
                                  (#"{"purpose": "register", "phone": "13800138000", "email": "a@b.cn"}"#, "phone"),
                                  (#"{"purpose": "register", "phone": "12ab"}"#, "phone"),
                                  (#"{"purpose": "register", "email": "a@b.cn\r\nBcc: x@y.cn"}"#, "email"),
                                  (#"{"purpose": "register", "phone": "13800138000", "language": "fr"}"#, "language")] {
                let response = try await Self.post(client, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect((try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["field"] as? String == field, "\(body)")
            }
            #expect(outbox.entries.count == sent)

            // A fourth code for one phone within the minute: 429 with Retry-After.
            for _ in 0..<2 { #expect(try await Self.post(client, #"{"purpose": "register", "phone": "13912340001"}"#).status == .accepted) }
            let throttled = try await Self.post(client, #"{"purpose": "register", "phone": "13912340001"}"#)
            #expect(throttled.status == .tooManyRequests && throttled.headers[.retryAfter] == "60")
            #expect(String(buffer: throttled.body).contains("verification-code-throttled"))
        }
    }

    @Test func withoutDevModeThereIsNoOutboxPageAndNoSenderIsA422AndAFailingGatewayA503() async throws {
        let fixture = try await APIFixture.make()
        try await Self.withApp(fixture, outbox: nil) { client in
            #expect(try await client.execute(uri: "/dev/outbox", method: .get).status == .notFound)
            let response = try await Self.post(client, #"{"purpose": "register", "phone": "13800138000"}"#)
            #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("SMS"))
        }
        var configuration = AppConfiguration()
        configuration.smsGatewayURL = "http://127.0.0.1:9/sms"
        configuration.smsTemplates = ["verification-code": "SMS_1"]
        try await Self.withApp(fixture, outbox: nil, configuration: configuration) { client in
            #expect(try await client.execute(uri: "/dev/outbox", method: .get).status == .notFound)
            let response = try await Self.post(client, #"{"purpose": "register", "phone": "13800138000"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body).contains("message-not-delivered"))
            // Email is not configured on this platform.
            #expect(try await Self.post(client, #"{"purpose": "register", "email": "a@example.cn"}"#).status == .unprocessableContent)
        }
    }

    @Test func messageSettingsAreCheckedTogetherAndSecretsMasked() throws {
        #expect(throws: ConfigurationError.self) { try AppConfiguration.load(flags: ["smtp-host": "smtp.example.cn"], environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try AppConfiguration.load(flags: ["smtp-host": "smtp.example.cn", "mail-from": "a@example.cn", "smtp-username": "u"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) { try AppConfiguration.load(flags: ["sms-gateway-url": "https://sms.example.cn/send"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try AppConfiguration.load(flags: ["messages": "maybe"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try AppConfiguration.load(flags: ["sms-gateway-auth": "no colon"], environment: [:]) }
        let configuration = try AppConfiguration.load(flags: [
            "smtp-host": "smtp.example.cn", "mail-from": "平台 <noreply@example.cn>", "smtp-username": "mailer",
            "sms-gateway-url": "https://user:pw@sms.example.cn/send?key=k-123", "sms-templates": "verification-code=SMS_9",
        ], environment: ["VLEDGER_SMTP_PASSWORD": "smtp-secret-42", "VLEDGER_SMS_GATEWAY_AUTH": "Authorization: Bearer tok-99", "VLEDGER_MESSAGES": "dev"])
        #expect(configuration.messageMode == .dev && configuration.smsTemplates == ["verification-code": "SMS_9"])
        let printed = configuration.printed
        for secret in ["smtp-secret-42", "tok-99", "k-123", "pw@"] { #expect(!printed.contains(secret), "\(secret) printed") }
        #expect(printed.contains("smtp-host = smtp.example.cn") && printed.contains("messages = dev"))
        #expect(try configuration.messageSender(logger: Logger(label: "t")) is DevelopmentOutbox)
    }
}
