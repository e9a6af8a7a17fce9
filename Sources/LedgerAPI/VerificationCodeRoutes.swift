import Foundation
import Hummingbird
import LedgerCore

/// `POST /api/v1/verification-codes` (`sendVerificationCode`): sends a one-time code to a phone or email address for one
/// purpose. No account is needed, and the answer is the same whether or not anyone is known by that destination; the
/// code is consumed later by the operation that needs it (registration takes `{phone, code}`).
struct VerificationCodeRoutes {
    let ledger: Ledger

    struct SendInput: Decodable {
        var purpose: String
        var phone: String?
        var email: String?
        /// `zh` (default) or `en`: the language of the message.
        var language: String?
    }

    struct SentBody: ResponseEncodable {
        var purpose: String
        var channel: String
        /// Masked (`138****8000`).
        var destination: String
        var expiresAt: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("verification-codes") { request, context -> EditedResponse<SentBody> in
            let input = try await request.decode(as: SendInput.self, context: context)
            guard let purpose = VerificationPurpose(rawValue: input.purpose) else {
                throw LedgerError.invalidField(field: "purpose", reason: "必须是 \(VerificationPurpose.allCases.map(\.rawValue).joined(separator: "、")) 之一 / must be one of "
                                               + VerificationPurpose.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let recipient: MessageRecipient
            switch (input.phone, input.email) {
            case (let phone?, nil): recipient = try MessageRecipient.phone(checking: phone)
            case (nil, let email?): recipient = try MessageRecipient.email(checking: email)
            default:
                throw LedgerError.invalidField(field: "phone", reason: "请填写手机号码或电子邮件地址之一 / give either phone or email")
            }
            guard let language = MessageLanguage(rawValue: input.language ?? "zh") else {
                throw LedgerError.invalidField(field: "language", reason: "必须是 zh 或 en / must be zh or en")
            }
            let sent: VerificationCodeSent
            do {
                sent = try await ledger.sendVerificationCode(purpose: purpose, to: recipient, language: language,
                                                             clientAddress: context.clientAddress)
            } catch let error as LedgerError {
                // Logged masked, never with the code.
                context.logger.notice("verification code refused", metadata: ["to": "\(recipient.masked)", "reason": "\(error.code)",
                                                                             "address": "\(context.clientAddress ?? "-")"])
                throw error
            }
            return EditedResponse(status: .accepted, response: SentBody(
                purpose: sent.purpose.rawValue, channel: recipient.channel.rawValue, destination: sent.maskedDestination,
                expiresAt: Wire.time(sent.expiresAt, .ledgerDefault)))
        }
    }
}
