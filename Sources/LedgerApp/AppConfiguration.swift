import Foundation
import LedgerCore
import Logging

/// Every setting of a `vledger` server, as one typed value built in one place: defaults, then an optional
/// configuration file, then `VLEDGER_*` environment variables, then command-line flags, each later source
/// overriding the earlier. `AppConfiguration.settings` documents each one.
public struct AppConfiguration: Sendable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on (0: a free one).
    public var port = 8080
    /// `sqlite:PATH` or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    public var databaseURL = "sqlite:data/vledger.sqlite"
    /// PostgreSQL hot standbys of `databaseURL` that answer reads which may lag (verification, lists, public
    /// pages); empty: the primary answers every read.
    public var readDatabaseURLs: [String] = []
    /// How far, in seconds, a standby may lag behind its primary and still answer.
    public var readLagLimitSeconds = 10
    /// The certificate key file; nil: next to the SQLite database, else `data/vledger-keys.json`.
    public var keysFile: String?
    /// The folder of certificate batch ZIPs, private to the server (0700, files 0600, emptied at start); nil:
    /// `certificate-batches` next to the SQLite database, else `data/certificate-batches`.
    public var batchFolder: String?
    /// What QR codes point to; nil: the server's own address.
    public var publicBaseURL: String?
    /// The transparency log's origin (its name in checkpoints, e.g. `volunteer.example.gov.cn/log`); nil: the host and
    /// path of `publicBaseURL` followed by `/log`, else `localhost/vledger-log`.
    public var logOrigin: String?
    /// The witnesses each new checkpoint of the transparency log is submitted to (C2SP tlog-witness), each its
    /// submission URL and cosignature/v1 verifier key.
    public var witnesses: [WitnessEndpoint] = []
    /// How many of `witnesses` must cosign a checkpoint before `GET /log/checkpoint` serves it; 0 (the default): none
    /// required, the latest checkpoint is served with the cosignatures collected for it so far.
    public var witnessQuorum = 0
    /// The platform's name as certificate issuer.
    public var platformName = "志愿服务信息平台"
    /// The platform's 统一社会信用代码 (may be empty).
    public var platformCreditCode = ""
    /// A folder of sample data loaded when the database is empty.
    public var samplesFolder: String?
    /// Templates and static files of the web pages; nil: found next to the executable or in the working directory.
    public var resourcesFolder: String?
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    /// How long a login (API token or web session) stays valid.
    public var sessionHours = 12
    /// Whether to believe `X-Forwarded-Proto` and `X-Forwarded-For` (only behind a proxy that sets them).
    public var trustProxy = false
    /// The bearer token a Prometheus scraper sends for `/metrics`; nil: only loopback clients not behind a
    /// proxy may read it.
    public var metricsToken: String?
    /// How one-time codes and notices leave: `send` (SMTP email and the SMS gateway, where configured) or `dev` (kept in
    /// the development outbox, shown in the log and on `/dev/outbox`; never on a real platform).
    public var messageMode: MessageMode = .send
    /// The SMTP server of outgoing email; nil: no email is sent.
    public var smtpHost: String?
    public var smtpPort = 587
    public var smtpSecurity: SMTPSecurity = .starttls
    public var smtpUsername: String?
    public var smtpPassword: String?
    /// A PEM file of certificates trusted for the SMTP server besides the system's (a private CA).
    public var smtpCAFile: String?
    /// The sender of email, `address` or `Name <address>`.
    public var mailFrom: String?
    /// The HTTP SMS gateway's URL; nil: no text message is sent.
    public var smsGatewayURL: String?
    /// A header sent to the gateway, `Name: value` (e.g. `Authorization: Bearer ...`).
    public var smsGatewayAuth: String?
    /// The gateway's template id per message kind (`verification-code=SMS_123`).
    public var smsTemplates: [String: String] = [:]
    /// The configuration file read, if any.
    public var configurationFile: String?

    public enum MessageMode: String, Sendable, CaseIterable { case send, dev }
    public enum SMTPSecurity: String, Sendable, CaseIterable { case starttls, tls, none }

    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    public init() {}

    /// The key file path: configured, else beside the SQLite database, else `data/vledger-keys.json`.
    public var effectiveKeysFile: String {
        if let keysFile { return keysFile }
        if case .sqlite(let path)? = try? StoreLocation(databaseURL) {
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("vledger-keys.json").path
        }
        return "data/vledger-keys.json"
    }

    /// The batch folder: configured, else beside the SQLite database, else `data/certificate-batches` (one folder per
    /// server process: each empties its own at start).
    public var effectiveBatchFolder: String {
        if let batchFolder { return batchFolder }
        if case .sqlite(let path)? = try? StoreLocation(databaseURL) {
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("certificate-batches").path
        }
        return "data/certificate-batches"
    }

    /// The log's origin: configured, else derived from the public base URL (never from the listening port, which may
    /// change while the log keeps its name).
    public var effectiveLogOrigin: String {
        if let logOrigin { return logOrigin }
        guard let publicBaseURL, let url = URL(string: publicBaseURL), let host = url.host else { return "localhost/vledger-log" }
        return host + (url.port.map { ":\($0)" } ?? "") + url.path + "/log"
    }

    /// The base URL of verification links: configured, else this server's own address.
    public func effectivePublicBaseURL(listeningOn port: Int? = nil) -> String {
        if let publicBaseURL { return publicBaseURL }
        let shownHost = ["0.0.0.0", "::"].contains(host) ? "127.0.0.1" : host
        let shownPort = port ?? (self.port == 0 ? 8080 : self.port)
        return "http://\(shownHost):\(shownPort)"
    }
}

/// A configuration value that could not be read, naming where it came from.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
}

extension AppConfiguration {
    /// One documented setting: its flag and file key, its environment variable, and how to read and show it.
    public struct Setting: Sendable {
        /// The flag (`--port`) and configuration-file key (`"port"`).
        public let key: String
        public let environmentVariable: String
        public let help: String
        /// Shown masked by `--print-config`.
        public let isSecret: Bool
        let apply: @Sendable (inout AppConfiguration, String) throws -> Void
        let show: @Sendable (AppConfiguration) -> String?
    }

    /// Every setting, in the order `--print-config` lists them.
    public static let settings: [Setting] = [
        Setting(key: "host", environmentVariable: "VLEDGER_HOST", help: "address to listen on", isSecret: false,
                apply: { $0.host = try nonEmpty($1) }, show: { $0.host }),
        Setting(key: "port", environmentVariable: "VLEDGER_PORT", help: "port to listen on (0: a free one)", isSecret: false,
                apply: { c, v in
                    guard let port = Int(v), (0...65535).contains(port) else { throw ConfigurationError(description: "not a port number: \(excerpt(v))") }
                    c.port = port
                }, show: { String($0.port) }),
        Setting(key: "database", environmentVariable: "VLEDGER_DATABASE_URL",
                help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB", isSecret: true,
                apply: { c, v in _ = try StoreLocation(v); c.databaseURL = v }, show: { StoreLocation.redacted($0.databaseURL) }),
        Setting(key: "read-database", environmentVariable: "VLEDGER_READ_DATABASE_URL",
                help: "postgres:// URLs of hot standbys for reads that may lag, comma-separated", isSecret: true,
                apply: { c, v in
                    let urls = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    for url in urls {
                        guard case .postgres = try StoreLocation(url) else {
                            throw ConfigurationError(description: "a read database must be a postgres:// URL, not \(excerpt(StoreLocation.redacted(url)))")
                        }
                    }
                    c.readDatabaseURLs = urls
                }, show: { $0.readDatabaseURLs.isEmpty ? nil : $0.readDatabaseURLs.map(StoreLocation.redacted).joined(separator: ",") }),
        Setting(key: "read-lag-limit", environmentVariable: "VLEDGER_READ_LAG_LIMIT",
                help: "seconds a read database may lag and still answer (1 to 3600)", isSecret: false,
                apply: { c, v in c.readLagLimitSeconds = try wholeNumber(v, of: "seconds", in: 1...3600) },
                show: { String($0.readLagLimitSeconds) }),
        Setting(key: "keys", environmentVariable: "VLEDGER_KEYS_FILE",
                help: "certificate key file (default: vledger-keys.json next to the SQLite database)", isSecret: false,
                apply: { $0.keysFile = try nonEmpty($1) }, show: { $0.effectiveKeysFile }),
        Setting(key: "batch-folder", environmentVariable: "VLEDGER_BATCH_FOLDER",
                help: "folder of certificate batch ZIPs, private to the server and emptied at start (default: certificate-batches next to the SQLite database)",
                isSecret: false, apply: { $0.batchFolder = try nonEmpty($1) }, show: { $0.effectiveBatchFolder }),
        Setting(key: "public-base-url", environmentVariable: "VLEDGER_PUBLIC_BASE_URL",
                help: "base URL printed in QR codes (default: this server's address)", isSecret: false,
                apply: { c, v in
                    guard let url = URL(string: v), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                        throw ConfigurationError(description: "must be an http(s) URL, e.g. https://volunteer.example.gov.cn, not \(excerpt(v))")
                    }
                    c.publicBaseURL = v.hasSuffix("/") ? String(v.dropLast()) : v
                }, show: { $0.effectivePublicBaseURL() }),
        Setting(key: "log-origin", environmentVariable: "VLEDGER_LOG_ORIGIN",
                help: "the transparency log's origin in its checkpoints (default: public-base-url's host and path + /log)",
                isSecret: false,
                apply: { c, v in
                    guard NoteVerifier.isValidKeyName(v), v.count <= 200 else {
                        throw ConfigurationError(description: "must be a name without spaces or '+', e.g. volunteer.example.gov.cn/log, not \(excerpt(v))")
                    }
                    c.logOrigin = v
                }, show: { $0.effectiveLogOrigin }),
        Setting(key: "witness", environmentVariable: "VLEDGER_WITNESSES",
                help: "witnesses of the transparency log, \"URL VKEY\" each, comma-separated (the flag is repeatable)", isSecret: false,
                apply: { c, v in
                    c.witnesses = try v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
                        do { return try WitnessEndpoint(described: $0) } catch {
                            throw ConfigurationError(description: "a witness is \"URL VKEY\" (its http(s) URL and cosignature/v1 key): \(error)")
                        }
                    }
                }, show: { $0.witnesses.isEmpty ? nil : $0.witnesses.map(\.described).joined(separator: ",") }),
        Setting(key: "witness-quorum", environmentVariable: "VLEDGER_WITNESS_QUORUM",
                help: "witness cosignatures a checkpoint needs before it is served (0: none required)", isSecret: false,
                apply: { c, v in c.witnessQuorum = try wholeNumber(v, of: "witnesses", in: 0...100) },
                show: { String($0.witnessQuorum) }),
        Setting(key: "platform-name", environmentVariable: "VLEDGER_PLATFORM_NAME",
                help: "the platform's name as certificate issuer", isSecret: false,
                apply: { $0.platformName = try nonEmpty($1) }, show: { $0.platformName }),
        Setting(key: "platform-credit-code", environmentVariable: "VLEDGER_PLATFORM_CREDIT_CODE",
                help: "the platform's 统一社会信用代码", isSecret: false,
                apply: { c, v in c.platformCreditCode = v }, show: { $0.platformCreditCode }),
        Setting(key: "load-samples", environmentVariable: "VLEDGER_SAMPLES",
                help: "sample data folder loaded when the database is empty", isSecret: false,
                apply: { $0.samplesFolder = try nonEmpty($1) }, show: { $0.samplesFolder }),
        Setting(key: "resources", environmentVariable: "VLEDGER_RESOURCES",
                help: "folder of the web templates and static files", isSecret: false,
                apply: { $0.resourcesFolder = try nonEmpty($1) }, show: { $0.resourcesFolder }),
        Setting(key: "log-level", environmentVariable: "VLEDGER_LOG_LEVEL",
                help: "trace, debug, info, notice, warning, error or critical", isSecret: false,
                apply: { c, v in
                    guard let level = Logger.Level(rawValue: v.lowercased()) else {
                        throw ConfigurationError(description: "not a log level: \(excerpt(v)) (trace, debug, info, notice, warning, error, critical)")
                    }
                    c.logLevel = level
                }, show: { $0.logLevel.rawValue }),
        Setting(key: "log-format", environmentVariable: "VLEDGER_LOG_FORMAT",
                help: "text, or json (one object a line, for log shippers)", isSecret: false,
                apply: { c, v in
                    guard let format = LogFormat(rawValue: v.lowercased()) else {
                        throw ConfigurationError(description: "not a log format: \(excerpt(v)) (text, json)")
                    }
                    c.logFormat = format
                }, show: { $0.logFormat.rawValue }),
        Setting(key: "session-hours", environmentVariable: "VLEDGER_SESSION_HOURS",
                help: "hours a login stays valid (1 to 720)", isSecret: false,
                apply: { c, v in c.sessionHours = try wholeNumber(v, of: "hours", in: 1...720) },
                show: { String($0.sessionHours) }),
        Setting(key: "trust-proxy", environmentVariable: "VLEDGER_TRUST_PROXY",
                help: "believe X-Forwarded-Proto/-For from a reverse proxy (true or false)", isSecret: false,
                apply: { c, v in c.trustProxy = try boolean(v) }, show: { String($0.trustProxy) }),
        Setting(key: "metrics-token", environmentVariable: "VLEDGER_METRICS_TOKEN",
                help: "bearer token for /metrics (default: /metrics answers loopback clients only)", isSecret: true,
                apply: { c, v in
                    guard v.count >= 16 else { throw ConfigurationError(description: "must be at least 16 characters") }
                    c.metricsToken = v
                }, show: { $0.metricsToken == nil ? nil : "********" }),
    ] + messageSettings

    /// Builds the configuration: defaults, then the file named by `flags["config"]` or `$VLEDGER_CONFIG`, then the
    /// environment, then `flags` (setting key → value). An error names the source and the setting.
    public static func load(flags: [String: String] = [:],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        var configuration = AppConfiguration()
        let known = Set(settings.map(\.key))
        for key in flags.keys where key != "config" && !known.contains(key) {
            throw ConfigurationError(description: "unknown setting --\(key)")
        }
        if let file = flags["config"] ?? environment["VLEDGER_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            for (key, value) in try fileValues(path: file) {
                guard let setting = settings.first(where: { $0.key == key }) else {
                    throw ConfigurationError(description: "\(file): unknown setting \"\(excerpt(key))\" (known: \(known.sorted().joined(separator: ", ")))")
                }
                try setting.apply(&configuration, value, source: "\(file): \(key)")
            }
            configuration.configurationFile = file
        }
        for setting in settings {
            if let value = environment[setting.environmentVariable], !value.isEmpty {
                try setting.apply(&configuration, value, source: setting.environmentVariable)
            }
        }
        for setting in settings {
            if let value = flags[setting.key] { try setting.apply(&configuration, value, source: "--\(setting.key)") }
        }
        guard Set(configuration.witnesses.map(\.key)).count == configuration.witnesses.count else {
            throw ConfigurationError(description: "witness: a witness key is given twice (each witness has its own key)")
        }
        try configuration.checkMessageSettings()
        guard configuration.witnessQuorum <= configuration.witnesses.count else {
            throw ConfigurationError(description: "witness-quorum: \(configuration.witnessQuorum) is more than the \(configuration.witnesses.count) witnesses configured")
        }
        return configuration
    }

    /// The effective values, one `key = value  (ENV)` line each, secrets masked: `vledger serve --print-config`.
    public var printed: String {
        var lines = ["# vledger configuration" + (configurationFile.map { " (file: \($0))" } ?? "")]
        for setting in Self.settings {
            lines.append("\(setting.key) = \(setting.show(self) ?? "(none)")    # \(setting.environmentVariable): \(setting.help)")
        }
        return lines.joined(separator: "\n")
    }

    /// A configuration file: a JSON object of setting keys to strings, numbers or booleans.
    static func fileValues(path: String) throws -> [(String, String)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(description: "\(path): cannot read the configuration file")
        }
        guard data.count <= 1 << 20 else { throw ConfigurationError(description: "\(path): larger than 1 MiB") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigurationError(description: "\(path): not a JSON object of settings, e.g. {\"port\": 8080}")
        }
        return try object.keys.sorted().map { key in
            switch object[key] {
            case let text as String: return (key, text)
            // Booleans arrive as 1 and 0, which boolean settings accept.
            case let number as NSNumber: return (key, number.stringValue)
            default: throw ConfigurationError(description: "\(path): \(key) must be a string, number or boolean")
            }
        }
    }

    static func nonEmpty(_ value: String) throws -> String {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw ConfigurationError(description: "must not be empty") }
        return value
    }

    static func wholeNumber(_ value: String, of unit: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw ConfigurationError(description: "must be a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound), not \(excerpt(value))")
        }
        return number
    }

    static func boolean(_ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(description: "must be true or false, not \(excerpt(value))")
        }
    }

    /// At most 40 characters of a value, for messages.
    static func excerpt(_ value: String) -> String {
        value.count <= 40 ? "\"\(value)\"" : "\"\(value.prefix(40))…\""
    }
}

extension AppConfiguration.Setting {
    func apply(_ configuration: inout AppConfiguration, _ value: String, source: String) throws {
        do { try apply(&configuration, value) } catch let error as ConfigurationError {
            throw ConfigurationError(description: "\(source): \(error.description)")
        } catch {
            throw ConfigurationError(description: "\(source): \(error)")
        }
    }
}
