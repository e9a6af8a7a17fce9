import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerMessages
import Synchronization
import Testing

/// The SMS gateway adapter against a local HTTP receiver (a Hummingbird server on a free loopback port) that records
/// what arrives: the method, the auth header, the JSON with the template id and the code; a gateway answering 500 or
/// not at all is an error.
@Suite("SMS gateway")
struct SMSGatewayTests {
    /// What the receiver saw.
    final class Received: Sendable {
        let requests = Mutex([(method: String, authorization: String?, contentType: String?, body: Data)]())
    }

    static func receiver(_ received: Received) -> some ApplicationProtocol {
        let router = Router()
        router.post("/sms") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 64 * 1024)
            received.requests.withLock {
                $0.append((request.method.rawValue, request.headers[.authorization], request.headers[.contentType], Data(buffer: body)))
            }
            return .ok
        }
        router.post("/broken") { _, _ -> HTTPResponse.Status in .internalServerError }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// How long the gateway waits for the in-process receiver: a bound, not a speed. In a full parallel test run on two
    /// cores the receiver's handler can wait well over the production default of 10 s for a thread.
    static let liveTimeout: TimeInterval = 120

    static let message = OutgoingMessage(recipient: .phone("13800138000"), kind: "verification-code", subject: "验证码",
                                         body: "您正在注册账号，验证码：482913，5 分钟内有效。", language: .zh,
                                         parameters: ["code": "482913", "minutes": "5", "purpose": "register"])

    @Test func theGatewayGetsTheTemplateIdAndTheCodeAsJSONWithTheAuthHeader() async throws {
        let received = Received()
        try await Self.receiver(received).test(.live) { client in
            let port = try #require(client.port)
            let gateway = SMSGateway(.init(url: URL(string: "http://127.0.0.1:\(port)/sms")!,
                                           authHeader: (name: "Authorization", value: "Bearer gateway-token-1"),
                                           templates: ["verification-code": "SMS_235071"]), timeout: Self.liveTimeout)
            try await gateway.send(Self.message)
            let request = try #require(received.requests.withLock { $0.first })
            #expect(request.method == "POST" && request.authorization == "Bearer gateway-token-1")
            #expect(request.contentType?.hasPrefix("application/json") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            #expect(json["phone"] as? String == "13800138000" && json["templateId"] as? String == "SMS_235071")
            #expect(json["params"] as? [String: String] == ["code": "482913", "minutes": "5", "purpose": "register"])
            #expect(json["text"] as? String == Self.message.body && json["language"] as? String == "zh")

            // A kind with no template, an email recipient: refused before anything is sent.
            var notice = Self.message
            notice.kind = "reminder"
            await #expect(throws: MessageDeliveryError.self) { try await gateway.send(notice) }
            var email = Self.message
            email.recipient = .email("a@example.cn")
            await #expect(throws: MessageDeliveryError.noChannel(.email)) { try await gateway.send(email) }
            #expect(received.requests.withLock { $0.count } == 1)
        }
    }

    @Test func aFailingOrSilentGatewayIsAnError() async throws {
        let received = Received()
        try await Self.receiver(received).test(.live) { client in
            let port = try #require(client.port)
            let broken = SMSGateway(.init(url: URL(string: "http://127.0.0.1:\(port)/broken")!,
                                          authHeader: (name: "X-Api-Key", value: "key-that-must-not-leak"),
                                          templates: ["verification-code": "SMS_1"]), timeout: Self.liveTimeout)
            do {
                try await broken.send(Self.message)
                Issue.record("a 500 from the gateway passed")
            } catch let error as MessageDeliveryError {
                #expect(error == .failed(channel: .sms, reason: "gateway answered HTTP 500"))
                #expect(!"\(error)".contains("key-that-must-not-leak"))
            }
        }
        // Nothing listening.
        let closed = SMSGateway(.init(url: URL(string: "http://127.0.0.1:9/sms")!, templates: ["verification-code": "SMS_1"]), timeout: 2)
        await #expect(throws: MessageDeliveryError.self) { try await closed.send(Self.message) }
    }
}
