import ArgumentParser
import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the JSON API (creates or upgrades the schema first).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var certificateOptions: CertificateOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(name: .customLong("load-samples"), help: "Load the sample data from this folder when the database is empty.")
    var samples: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func run() async throws {
        var logger = Logger(label: "vledger")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var ledger = try await database.openLedger(logger: logger)
        // Unless configured, QR codes point at this server (a wildcard address is shown as the loopback one).
        let ownAddress = "http://\(["0.0.0.0", "::"].contains(host) ? "127.0.0.1" : host):\(port == 0 ? 8080 : port)"
        let certificates = try await certificateOptions.settings(databaseURL: database.url, fallbackBaseURL: ownAddress)
        ledger.certificates = certificates
        if let samples {
            let loaded = try await SampleDataLoader(ledger: ledger, folder: samples).loadIfEmpty()
            if let loaded { say(loaded) }
        }
        let location = try StoreLocation(database.url)
        let app = buildApplication(ledger: ledger, host: host, port: port, logger: logger) { port in
            say("VolunteerLedger 已启动 / serving \(location.description) at http://\(host):\(port)/")
            say("  health: http://\(host):\(port)/healthz   API: http://\(host):\(port)/api/v1   OpenAPI: http://\(host):\(port)/openapi.json")
            say("  certificates: verification pages at \(certificates.publicBaseURL)/v/...   public keys: http://\(host):\(port)/.well-known/jwks.json")
            if samples != nil {
                say("  sample login: admin / admin-demo-2026 (platform admin); org1-admin / demo-2026; volunteer1 / demo-2026")
                say("  try: curl -s -X POST http://\(host):\(port)/api/v1/auth/login -H 'content-type: application/json' -d '{\"username\":\"admin\",\"password\":\"admin-demo-2026\"}'")
            }
        }
        try await app.runService()
        try await ledger.store.close()
    }
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
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
