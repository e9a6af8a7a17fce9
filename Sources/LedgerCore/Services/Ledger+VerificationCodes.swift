import Foundation
import Metrics

/// One-time codes (验证码) that prove a person holds a phone or mailbox: sent through `Ledger.messages`, consumed by
/// the operation that needs them (registration, a new phone, a password reset, an organization's application).
extension Ledger {
    /// Sends a new six-digit code for `purpose` to `recipient`, replacing any earlier one. Needs no account, and
    /// answers the same whether or not anyone is known by that number or address. Throttled per destination and per
    /// client address (`verificationCodeThrottled`); the code itself is never returned, logged or stored.
    public func sendVerificationCode(purpose: VerificationPurpose, to recipient: MessageRecipient, language: MessageLanguage = .zh,
                                     clientAddress: String? = nil) async throws -> VerificationCodeSent {
        let (settings, sender) = try messageSettings(for: recipient)
        let destination = recipient.key
        let addressKey = clientAddress.map { "address:\($0.prefix(64))" }
        if let wait = settings.issueThrottle.delay(account: destination, address: addressKey, now: clock()) {
            LedgerMetrics.verificationCodeThrottled("send")
            throw LedgerError.verificationCodeThrottled(retryAfterSeconds: wait)
        }
        // Every send counts, delivered or not: a failing gateway is not hammered either.
        settings.issueThrottle.recordFailure(account: destination, address: addressKey, now: clock())
        let code = String(format: "%06d", random.next() % 1_000_000)
        let issuedAt = now
        let stored = StoredVerificationCode(purpose: purpose, destination: destination,
                                            codeHash: settings.hash(code: code, purpose: purpose, destination: destination),
                                            issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(settings.lifetime))
        try await store.write { try $0.replaceVerificationCode(stored) }
        let minutes = Int(settings.lifetime / 60)
        let message = OutgoingMessage(
            recipient: recipient, kind: "verification-code",
            subject: language == .zh ? "\(settings.platformName)验证码" : "\(settings.platformName) verification code",
            body: language == .zh
                ? "您正在\(purpose.label(.zh))，验证码：\(code)，\(minutes) 分钟内有效。请勿告诉他人；如非本人操作，请忽略本消息。"
                : "Your code for \(purpose.label(.en)) is \(code). It is valid for \(minutes) minutes. Do not share it; if you did not ask for it, ignore this message.",
            language: language, parameters: ["code": code, "minutes": String(minutes), "purpose": purpose.rawValue])
        do {
            try await sender.send(message)
        } catch {
            LedgerMetrics.verificationCodeSent(channel: recipient.channel, delivered: false)
            throw LedgerError.messageNotDelivered(channel: recipient.channel.rawValue)
        }
        LedgerMetrics.verificationCodeSent(channel: recipient.channel, delivered: true)
        return VerificationCodeSent(purpose: purpose, maskedDestination: recipient.masked, expiresAt: stored.expiresAt)
    }

    /// Checks `code` against the one sent for `purpose` to `destination` and uses it up when it matches. Each try
    /// counts, also in other server processes; a wrong code answers `verificationCodeWrong` with the tries left, an
    /// old or missing one `verificationCodeExpired`, the sixth try `verificationCodeUsedUp`. Wrong codes are throttled
    /// per destination and per client address.
    public func consumeVerificationCode(purpose: VerificationPurpose, destination: MessageRecipient, code: String,
                                        clientAddress: String? = nil) async throws {
        // A server that sends no codes has none to check.
        guard let settings = verificationCodes else { throw LedgerError.verificationCodeExpired }
        let key = destination.key
        let addressKey = clientAddress.map { "address:\($0.prefix(64))" }
        if let wait = settings.verifyThrottle.delay(account: key, address: addressKey, now: clock()) {
            LedgerMetrics.verificationCodeThrottled("verify")
            throw LedgerError.verificationCodeThrottled(retryAfterSeconds: wait)
        }
        let typed = String(code.filter { !$0.isWhitespace }.prefix(16))
        let typedHash = settings.hash(code: typed, purpose: purpose, destination: key)
        let now = self.now
        let maxAttempts = settings.maxAttempts
        // The try is committed whatever it finds; the outcome is thrown after the transaction.
        let outcome: LedgerError? = try await store.write { w in
            guard let stored = try w.countVerificationAttempt(purpose: purpose, destination: key) else { return .verificationCodeExpired }
            if stored.attempts > maxAttempts { return .verificationCodeUsedUp }
            if stored.expiresAt <= now { return .verificationCodeExpired }
            guard stored.codeHash == typedHash else {
                return stored.attempts == maxAttempts ? .verificationCodeUsedUp : .verificationCodeWrong(remainingTries: maxAttempts - stored.attempts)
            }
            try w.deleteVerificationCode(purpose: purpose, destination: key)
            return nil
        }
        if let outcome {
            settings.verifyThrottle.recordFailure(account: key, address: addressKey, now: clock())
            throw outcome
        }
        settings.verifyThrottle.recordSuccess(account: key)
    }

    /// Forgets codes expired more than an hour ago, at most `limit` at a time; returns how many.
    public func deleteExpiredVerificationCodes(limit: Int = 10_000) async throws -> Int {
        let before = now.addingTimeInterval(-3600)
        return try await store.write { try $0.deleteVerificationCodes(expiredBefore: before, limit: limit) }
    }

    /// The settings and sender for a code to `recipient`; a channel the platform does not send on is the field's error.
    private func messageSettings(for recipient: MessageRecipient) throws -> (VerificationCodeSettings, any MessageSender) {
        guard let settings = verificationCodes, let sender = messages, sender.channels.contains(recipient.channel) else {
            throw LedgerError.invalidField(
                field: recipient.channel == .sms ? "phone" : "email",
                reason: recipient.channel == .sms ? "本平台未开通短信发送 / this platform sends no SMS"
                    : "本平台未开通邮件发送 / this platform sends no email")
        }
        return (settings, sender)
    }
}

extension LedgerMetrics {
    /// A one-time code handed to the sender (`delivered`) or refused by it, per channel.
    static func verificationCodeSent(channel: MessageChannel, delivered: Bool) {
        Counter(label: "vledger_verification_codes_sent_total",
                dimensions: [("channel", channel.rawValue), ("outcome", delivered ? "delivered" : "failed")]).increment()
    }

    /// A send (`send`) or a check (`verify`) of a one-time code refused by its throttle.
    static func verificationCodeThrottled(_ step: String) {
        Counter(label: "vledger_verification_codes_throttled_total", dimensions: [("step", step)]).increment()
    }
}
