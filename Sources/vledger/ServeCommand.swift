import ArgumentParser
import Foundation
import Hummingbird
import LedgerApp
import LedgerCore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web interface and the JSON API (creates or upgrades the schema first).",
        discussion: """
            Every setting may also come from a VLEDGER_* environment variable or a JSON configuration file \
            (--config or $VLEDGER_CONFIG, e.g. {"port": 8080, "database": "sqlite:data/vledger.sqlite"}); flags win over \
            the environment, the environment over the file. --print-config shows the values in effect.
            """)

    @Option(help: "JSON configuration file (default: $VLEDGER_CONFIG).") var config: String?
    @Option(help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB ($VLEDGER_DATABASE_URL; default sqlite:data/vledger.sqlite).")
    var database: String?
    @Option(name: .customLong("read-database"),
            help: "postgres:// URL of a hot standby of --database for reads that may lag; repeat for several ($VLEDGER_READ_DATABASE_URL, comma-separated).")
    var readDatabases: [String] = []
    @Option(help: "Seconds a read database may lag and still answer ($VLEDGER_READ_LAG_LIMIT; default 10).") var readLagLimit: String?
    @Option(help: "Address to listen on ($VLEDGER_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on, 0 picks a free one ($VLEDGER_PORT; default 8080).") var port: String?
    @Option(name: .customLong("keys"), help: "Certificate key file ($VLEDGER_KEYS_FILE; default vledger-keys.json next to the SQLite database).")
    var keysFile: String?
    @Option(help: "Folder of certificate batch ZIPs, private to the server and emptied at start ($VLEDGER_BATCH_FOLDER; default certificate-batches next to the SQLite database).")
    var batchFolder: String?
    @Option(help: "Base URL printed in QR codes ($VLEDGER_PUBLIC_BASE_URL; default this server's address).") var publicBaseURL: String?
    @Option(help: "The transparency log's origin in its checkpoints ($VLEDGER_LOG_ORIGIN; default the public base URL's host and path + /log).")
    var logOrigin: String?
    @Option(name: .customLong("witness"),
            help: "A witness of the transparency log, \"URL VKEY\" (its submission URL and cosignature key); repeatable ($VLEDGER_WITNESSES, comma-separated).")
    var witnesses: [String] = []
    @Option(help: "Witness cosignatures a checkpoint needs before it is served; 0: none required ($VLEDGER_WITNESS_QUORUM; default 0).")
    var witnessQuorum: String?
    @Option(help: "The platform's name as issuer ($VLEDGER_PLATFORM_NAME).") var platformName: String?
    @Option(help: "The platform's 统一社会信用代码 ($VLEDGER_PLATFORM_CREDIT_CODE).") var platformCreditCode: String?
    @Option(name: .customLong("load-samples"), help: "Load the sample data from this folder when the database is empty ($VLEDGER_SAMPLES).")
    var samples: String?
    @Option(help: "Folder of the web templates and static files ($VLEDGER_RESOURCES; default Resources/ of the package).")
    var resources: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error ($VLEDGER_LOG_LEVEL; default info).") var logLevel: String?
    @Option(help: "Log format: text or json ($VLEDGER_LOG_FORMAT; default text).") var logFormat: String?
    @Option(help: "Hours a login stays valid ($VLEDGER_SESSION_HOURS; default 12).") var sessionHours: String?
    @Option(help: "Trust X-Forwarded-Proto/-For of a reverse proxy: true or false ($VLEDGER_TRUST_PROXY; default false).")
    var trustProxy: String?
    @Option(help: "Bearer token a Prometheus scraper sends for /metrics ($VLEDGER_METRICS_TOKEN; default: loopback clients only).")
    var metricsToken: String?
    @Option(help: "How one-time codes and notices leave: send (SMTP and the SMS gateway, where configured) or dev (kept in the log and on /dev/outbox only) ($VLEDGER_MESSAGES; default send).")
    var messages: String?
    @Option(help: "SMTP server of outgoing email ($VLEDGER_SMTP_HOST; default none: no email).") var smtpHost: String?
    @Option(help: "SMTP port ($VLEDGER_SMTP_PORT; default 587).") var smtpPort: String?
    @Option(help: "SMTP encryption: starttls, tls (implicit, port 465) or none (a relay on this host) ($VLEDGER_SMTP_SECURITY; default starttls).")
    var smtpSecurity: String?
    @Option(help: "SMTP login ($VLEDGER_SMTP_USERNAME).") var smtpUsername: String?
    @Option(help: "SMTP password; better given as $VLEDGER_SMTP_PASSWORD.") var smtpPassword: String?
    @Option(help: "PEM certificates trusted for the SMTP server besides the system's ($VLEDGER_SMTP_CA_FILE).") var smtpCaFile: String?
    @Option(help: "Sender of email, address or \"Name <address>\" ($VLEDGER_MAIL_FROM; needed with --smtp-host).") var mailFrom: String?
    @Option(help: "URL of the HTTP SMS gateway, which takes a JSON POST per message ($VLEDGER_SMS_GATEWAY_URL; default none: no SMS).")
    var smsGatewayUrl: String?
    @Option(help: "Header sent to the SMS gateway, \"Name: value\"; better given as $VLEDGER_SMS_GATEWAY_AUTH.") var smsGatewayAuth: String?
    @Option(help: "The gateway's template id per message kind, \"verification-code=SMS_123\", comma-separated ($VLEDGER_SMS_TEMPLATES).")
    var smsTemplates: String?
    @Flag(help: "Print the configuration in effect (secrets masked) and exit.") var printConfig = false

    /// The flags given, keyed as `AppConfiguration.settings` names them.
    var flags: [String: String] {
        let given: [(String, String?)] = [
            ("config", config), ("database", database), ("read-database", readDatabases.isEmpty ? nil : readDatabases.joined(separator: ",")),
            ("read-lag-limit", readLagLimit), ("host", host), ("port", port), ("keys", keysFile), ("batch-folder", batchFolder),
            ("public-base-url", publicBaseURL), ("log-origin", logOrigin),
            ("witness", witnesses.isEmpty ? nil : witnesses.joined(separator: ",")), ("witness-quorum", witnessQuorum), ("platform-name", platformName), ("platform-credit-code", platformCreditCode),
            ("load-samples", samples), ("resources", resources), ("log-level", logLevel), ("log-format", logFormat),
            ("session-hours", sessionHours), ("trust-proxy", trustProxy), ("metrics-token", metricsToken),
            ("messages", messages), ("smtp-host", smtpHost), ("smtp-port", smtpPort), ("smtp-security", smtpSecurity),
            ("smtp-username", smtpUsername), ("smtp-password", smtpPassword), ("smtp-ca-file", smtpCaFile), ("mail-from", mailFrom),
            ("sms-gateway-url", smsGatewayUrl), ("sms-gateway-auth", smsGatewayAuth), ("sms-templates", smsTemplates),
        ]
        return Dictionary(uniqueKeysWithValues: given.compactMap { key, value in value.map { (key, $0) } })
    }

    func run() async throws {
        let configuration: AppConfiguration
        do { configuration = try AppConfiguration.load(flags: flags) } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if printConfig {
            print(configuration.printed)
            return
        }
        let logger = makeLogger(configuration)
        let app = try await buildApplication(configuration, logger: logger, announce: say)
        try await app.runService()
        say("VolunteerLedger 已停止 / stopped")
    }
}

/// The server's logger: text lines, or one JSON object a line for log shippers.
func makeLogger(_ configuration: AppConfiguration) -> Logger {
    let format = configuration.logFormat
    LoggingSystem.bootstrap { label in
        switch format {
        case .text: StreamLogHandler.standardError(label: label)
        case .json: JSONLogHandler(label: label)
        }
    }
    var logger = Logger(label: "vledger")
    logger.logLevel = configuration.logLevel
    return logger
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withLedger(database) { _ in }
        print("schema is up to date: \(try StoreLocation(database.url).description)")
    }
}

/// Writes a line to standard output unbuffered, so supervisors and tests see it at once even through a pipe.
@Sendable func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
