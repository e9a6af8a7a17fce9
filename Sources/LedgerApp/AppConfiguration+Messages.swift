import Crypto
import Foundation
import LedgerCertificates
import LedgerCore
import LedgerMessages
import Logging

extension AppConfiguration {
    /// The settings of outgoing messages (`vledger serve --help`, README "Messages (email, SMS, dev outbox)").
    static let messageSettings: [Setting] = [
        Setting(key: "messages", environmentVariable: "VLEDGER_MESSAGES",
                help: "send (email by SMTP, SMS by the gateway, where configured) or dev (kept in the log and on /dev/outbox only)",
                isSecret: false,
                apply: { c, v in
                    guard let mode = MessageMode(rawValue: v.lowercased()) else {
                        throw ConfigurationError(description: "must be send or dev, not \(excerpt(v))")
                    }
                    c.messageMode = mode
                }, show: { $0.messageMode.rawValue }),
        Setting(key: "smtp-host", environmentVariable: "VLEDGER_SMTP_HOST", help: "SMTP server of outgoing email (none: no email)",
                isSecret: false,
                apply: { c, v in
                    guard v.count <= 253, v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }) else {
                        throw ConfigurationError(description: "must be a host name or address, not \(excerpt(v))")
                    }
                    c.smtpHost = v
                }, show: { $0.smtpHost }),
        Setting(key: "smtp-port", environmentVariable: "VLEDGER_SMTP_PORT", help: "SMTP port (587 with starttls, 465 with tls)", isSecret: false,
                apply: { c, v in c.smtpPort = try wholeNumber(v, of: "port", in: 1...65535) }, show: { String($0.smtpPort) }),
        Setting(key: "smtp-security", environmentVariable: "VLEDGER_SMTP_SECURITY",
                help: "starttls, tls (implicit, port 465) or none (a relay on this host only)", isSecret: false,
                apply: { c, v in
                    guard let security = SMTPSecurity(rawValue: v.lowercased()) else {
                        throw ConfigurationError(description: "must be starttls, tls or none, not \(excerpt(v))")
                    }
                    c.smtpSecurity = security
                }, show: { $0.smtpSecurity.rawValue }),
        Setting(key: "smtp-username", environmentVariable: "VLEDGER_SMTP_USERNAME", help: "SMTP login (with smtp-password)", isSecret: false,
                apply: { $0.smtpUsername = try nonEmpty($1) }, show: { $0.smtpUsername }),
        Setting(key: "smtp-password", environmentVariable: "VLEDGER_SMTP_PASSWORD", help: "SMTP password", isSecret: true,
                apply: { $0.smtpPassword = try nonEmpty($1) }, show: { $0.smtpPassword == nil ? nil : "********" }),
        Setting(key: "smtp-ca-file", environmentVariable: "VLEDGER_SMTP_CA_FILE",
                help: "PEM certificates trusted for the SMTP server besides the system's", isSecret: false,
                apply: { c, v in
                    guard FileManager.default.isReadableFile(atPath: v) else { throw ConfigurationError(description: "cannot read \(excerpt(v))") }
                    c.smtpCAFile = v
                }, show: { $0.smtpCAFile }),
        Setting(key: "mail-from", environmentVariable: "VLEDGER_MAIL_FROM", help: "sender of email, address or \"Name <address>\"",
                isSecret: false,
                apply: { c, v in
                    guard (try? SMTPMailer.checkSender(v)) != nil else {
                        throw ConfigurationError(description: "must be an address or \"Name <address>\", not \(excerpt(v))")
                    }
                    c.mailFrom = v
                }, show: { $0.mailFrom }),
        Setting(key: "sms-gateway-url", environmentVariable: "VLEDGER_SMS_GATEWAY_URL",
                help: "URL the SMS gateway takes a JSON POST at (none: no text messages)", isSecret: true,
                apply: { c, v in
                    guard let url = URL(string: v), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                        throw ConfigurationError(description: "must be an http(s) URL")
                    }
                    c.smsGatewayURL = v
                }, show: { $0.smsGatewayURL.map(Self.redactedURL) }),
        Setting(key: "sms-gateway-auth", environmentVariable: "VLEDGER_SMS_GATEWAY_AUTH",
                help: "header sent to the SMS gateway, \"Name: value\" (e.g. \"Authorization: Bearer ...\")", isSecret: true,
                apply: { c, v in
                    guard Self.header(v) != nil else { throw ConfigurationError(description: "must be \"Header-Name: value\"") }
                    c.smsGatewayAuth = v
                }, show: { $0.smsGatewayAuth == nil ? nil : "********" }),
        Setting(key: "sms-templates", environmentVariable: "VLEDGER_SMS_TEMPLATES",
                help: "the gateway's template id per message kind, \"verification-code=SMS_123\", comma-separated", isSecret: false,
                apply: { c, v in
                    var templates: [String: String] = [:]
                    for pair in v.split(separator: ",") {
                        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].count <= 100 else {
                            throw ConfigurationError(description: "each template is kind=id, e.g. verification-code=SMS_123, not \(excerpt(String(pair)))")
                        }
                        templates[parts[0]] = parts[1]
                    }
                    c.smsTemplates = templates
                }, show: { $0.smsTemplates.isEmpty ? nil : $0.smsTemplates.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }),
    ]

    /// Settings that only make sense together.
    func checkMessageSettings() throws {
        if smtpHost != nil && mailFrom == nil {
            throw ConfigurationError(description: "smtp-host: mail-from is needed too (the sender of email)")
        }
        if (smtpUsername == nil) != (smtpPassword == nil) {
            throw ConfigurationError(description: "smtp-username and smtp-password go together")
        }
        if smsGatewayURL != nil && smsTemplates["verification-code"] == nil {
            throw ConfigurationError(description: "sms-gateway-url: sms-templates must name the template of verification-code")
        }
    }

    /// What sends messages: the development outbox, or SMTP and the SMS gateway as configured; nil when nothing is.
    public func messageSender(logger: Logger) throws -> (any MessageSender)? {
        if messageMode == .dev { return DevelopmentOutbox(logger: logger) }
        var email: (any MessageSender)?
        if let smtpHost, let mailFrom {
            var settings = SMTPMailer.Settings(host: smtpHost, port: smtpPort, security: SMTPMailer.Security(rawValue: smtpSecurity.rawValue) ?? .starttls,
                                               username: smtpUsername, password: smtpPassword, from: mailFrom)
            settings.extraTrustRootsFile = smtpCAFile
            email = try SMTPMailer(settings, logger: logger)
        }
        var sms: (any MessageSender)?
        if let smsGatewayURL, let url = URL(string: smsGatewayURL) {
            sms = SMSGateway(.init(url: url, authHeader: smsGatewayAuth.flatMap(Self.header), templates: smsTemplates), logger: logger)
        }
        return email == nil && sms == nil ? nil : ChannelMessageSender(email: email, sms: sms)
    }

    /// The key of stored one-time codes: derived from the key file's secret, so every server process on one database
    /// checks the codes of the others, and a database dump alone cannot be searched for them.
    public func verificationCodeSettings() throws -> VerificationCodeSettings {
        let secret = try CertificateKeyFile.attendanceSecret(path: effectiveKeysFile)
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret)), info: Data("vledger verification codes".utf8),
                                         outputByteCount: 32)
        return VerificationCodeSettings(key: key, platformName: platformName)
    }

    /// `Name: value` split, or nil.
    static func header(_ text: String) -> (name: String, value: String)? {
        let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
              !parts[1].contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return nil }
        return (parts[0], parts[1])
    }

    /// A URL with its user info and query hidden (they may hold a key).
    static func redactedURL(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "********" }
        if components.user != nil || components.password != nil { components.user = "****"; components.password = nil }
        if components.query != nil { components.query = "****" }
        return components.string ?? "********"
    }
}
