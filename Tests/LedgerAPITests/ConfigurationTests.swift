import Foundation
import LedgerApp
import Testing

/// One configuration value from defaults, a file, the environment and flags, later sources winning.
@Suite struct ConfigurationTests {
    @Test func defaultsThenFileThenEnvironmentThenFlags() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-config-\(UUID().uuidString).json")
        try Data(#"{"port": 9000, "host": "0.0.0.0", "log-level": "debug", "trust-proxy": true}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try AppConfiguration.load(
            flags: ["config": file.path, "port": "9100"],
            environment: ["VLEDGER_PORT": "9050", "VLEDGER_HOST": "127.0.0.2", "VLEDGER_SESSION_HOURS": "2"])
        #expect(configuration.port == 9100)          // flag over environment over file
        #expect(configuration.host == "127.0.0.2")   // environment over file
        #expect(configuration.logLevel == .debug)    // file over default
        #expect(configuration.trustProxy)
        #expect(configuration.sessionHours == 2)
        #expect(configuration.databaseURL == "sqlite:data/vledger.sqlite")
        #expect(configuration.effectiveKeysFile.hasSuffix("data/vledger-keys.json"))
    }

    @Test func badValuesNameTheirSource() {
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(environment: ["VLEDGER_PORT": "eighty"]) }
        do {
            _ = try AppConfiguration.load(flags: ["session-hours": "9999"], environment: [:])
            Issue.record("accepted 9999 session hours")
        } catch {
            #expect("\(error)".hasPrefix("--session-hours:"))
        }
        do {
            _ = try AppConfiguration.load(environment: ["VLEDGER_DATABASE_URL": "mysql://x"])
            Issue.record("accepted a MySQL URL")
        } catch {
            #expect("\(error)".hasPrefix("VLEDGER_DATABASE_URL:"))
        }
    }

    @Test func anUnknownSettingInTheFileIsRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-config-\(UUID().uuidString).json")
        try Data(#"{"prot": 9000}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(flags: ["config": file.path], environment: [:]) }
    }

    @Test func printedConfigurationMasksThePassword() throws {
        let configuration = try AppConfiguration.load(environment: ["VLEDGER_DATABASE_URL": "postgres://ledger:s3cret-pw@db.local:5432/vledger"])
        #expect(!configuration.printed.contains("s3cret-pw"))
        #expect(configuration.printed.contains("postgres://ledger:***@db.local:5432/vledger"))
        for setting in AppConfiguration.settings {
            #expect(configuration.printed.contains(setting.environmentVariable), "\(setting.key) is documented")
        }
    }

    @Test func readDatabasesArePostgresStandbysWithTheirPasswordsMasked() throws {
        let configuration = try AppConfiguration.load(
            flags: ["read-database": "postgres://reader:r3ad-pw@standby-1:5432/vledger, postgres://reader:r3ad-pw@standby-2/vledger",
                    "read-lag-limit": "30"],
            environment: ["VLEDGER_DATABASE_URL": "postgres://ledger:s3cret-pw@db.local:5432/vledger"])
        #expect(configuration.readDatabaseURLs.count == 2)
        #expect(configuration.readLagLimitSeconds == 30)
        #expect(!configuration.printed.contains("r3ad-pw"))
        #expect(configuration.printed.contains("postgres://reader:***@standby-2/vledger"))
        #expect(try AppConfiguration.load(environment: [:]).readLagLimitSeconds == 10)
        do {
            _ = try AppConfiguration.load(environment: ["VLEDGER_READ_DATABASE_URL": "sqlite:data/copy.sqlite"])
            Issue.record("accepted an SQLite read database")
        } catch {
            #expect("\(error)".hasPrefix("VLEDGER_READ_DATABASE_URL:"))
            #expect("\(error)".contains("postgres://"))
        }
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(flags: ["read-lag-limit": "0"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(flags: ["read-lag-limit": "3601"], environment: [:]) }
    }

    @Test func theLogsOriginComesFromThePublicAddressNotThePort() throws {
        #expect(try AppConfiguration.load(flags: ["port": "9123"], environment: [:]).effectiveLogOrigin == "localhost/vledger-log")
        #expect(try AppConfiguration.load(environment: ["VLEDGER_PUBLIC_BASE_URL": "https://volunteer.example.gov.cn/ledger"])
            .effectiveLogOrigin == "volunteer.example.gov.cn/ledger/log")
        #expect(try AppConfiguration.load(flags: ["log-origin": "vledger.hangzhou.gov.cn/log"], environment: [:]).effectiveLogOrigin
            == "vledger.hangzhou.gov.cn/log")
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(flags: ["log-origin": "two words"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { _ = try AppConfiguration.load(flags: ["log-origin": "a+b"], environment: [:]) }
    }
}
