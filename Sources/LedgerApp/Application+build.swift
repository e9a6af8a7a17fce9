import Crypto
import Foundation
import Hummingbird
import LedgerAPI
import LedgerCertificates
import LedgerCore
import LedgerPasswords
import LedgerPostgres
import LedgerSQLite
import LedgerWeb
import Logging

/// Lines a server prints for its operator (where it serves, the sample logins).
public typealias Announce = @Sendable (String) -> Void

/// Builds the server of `configuration`: opens the store and the key file, and returns the application
/// whose service group migrates the schema and loads samples before serving, and closes the store after
/// the last request at graceful shutdown (SIGTERM, SIGINT).
public func buildApplication(_ configuration: AppConfiguration, logger: Logger,
                             announce: @escaping Announce = { _ in }) async throws -> some ApplicationProtocol {
    let store = try await StoreLocation(configuration.databaseURL).connect(
        replicaURLs: configuration.readDatabaseURLs, maxLag: .seconds(configuration.readLagLimitSeconds), logger: logger)
    var ledger = Ledger(store: store, passwords: BcryptPasswordHasher())
    do {
        ledger.certificates = try await configuration.certificateSettings()
        ledger.attendance = try configuration.attendanceCodes()
        ledger.verificationCodes = try configuration.verificationCodeSettings()
        ledger.transparencyLog = LogPublisher(
            store: store, signer: try CertificateKeyFile.logSigner(path: configuration.effectiveKeysFile, origin: configuration.effectiveLogOrigin),
            witnesses: configuration.witnesses, quorum: configuration.witnessQuorum, post: WitnessHTTP.post)
    } catch {
        try? await store.close()
        throw error
    }
    var app = try await buildApplication(configuration, ledger: ledger, logger: logger, announce: announce)
    let samplesFolder = configuration.samplesFolder
    let readyLedger = ledger
    app.beforeServerStarts {
        try await store.migrate()
        if let samplesFolder, let loaded = try await SampleDataLoader(ledger: readyLedger, folder: samplesFolder).loadIfEmpty() {
            announce(loaded)
        }
    }
    return app
}

/// Builds the server of `configuration` over `ledger` (tests pass a ledger with a fixed clock): the JSON
/// API, the web pages, and the services that keep the store, the key file and the WAL in order. With
/// `closesStore` false the store stays open after shutdown (a test that reads the ledger afterwards).
public func buildApplication(_ configuration: AppConfiguration, ledger: Ledger, logger: Logger, closesStore: Bool = true,
                             announce: @escaping Announce = { _ in }) async throws -> Application<RouterResponder<LedgerRequestContext>> {
    var ledger = ledger
    ledger.sessionLifetime = TimeInterval(configuration.sessionHours * 3600)
    if ledger.messages == nil { ledger.messages = try configuration.messageSender(logger: logger) }
    if ledger.verificationCodes == nil {
        // A ledger built without the key file (tests): codes checked by this process only.
        ledger.verificationCodes = VerificationCodeSettings(key: SymmetricKey(size: .bits256), platformName: configuration.platformName)
    }
    let devOutbox = ledger.messages is DevelopmentOutbox
    let registry = MetricsBackend.registry
    // Batches of certificates, started and followed from the API and the web pages alike; their ZIPs in the
    // server's private folder, emptied now of what an earlier process left.
    let certificateBatches: CertificateBatchJobs
    do {
        certificateBatches = try CertificateBatchJobs(folder: URL(fileURLWithPath: configuration.effectiveBatchFolder, isDirectory: true))
    } catch {
        throw ConfigurationError(description: "batch-folder: cannot make \(configuration.effectiveBatchFolder) a private folder of the server: \(error.localizedDescription)")
    }
    // Names of region codes for the statistics (`Resources/region-codes.csv`).
    let regions = try RegionCodes.load(resourcesFolder: configuration.resourcesFolder ?? ResourceLocator.defaultFolder())
    let router = buildRouter(ledger: ledger, certificateBatches: certificateBatches, regions: regions)
    MetricsEndpoint(registry: registry, token: configuration.metricsToken).register(on: router)
    let web = try await WebInterface(ledger: ledger, settings: WebSettings(
        resourcesFolder: configuration.resourcesFolder ?? ResourceLocator.defaultFolder(), trustProxy: configuration.trustProxy),
        certificateBatches: certificateBatches)
    web.register(on: router)
    let sampleLogins = configuration.samplesFolder != nil
    let host = configuration.host
    let baseURL = ledger.certificates?.publicBaseURL
    let location = ((try? StoreLocation(configuration.databaseURL))?.description ?? "?")
        + (configuration.readDatabaseURLs.isEmpty ? "" : " (+\(configuration.readDatabaseURLs.count) read replica(s))")
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vledger"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let root = "http://\(host):\(port)"
            announce("VolunteerLedger 已启动 / serving \(location) at \(root)/")
            announce("  web: \(root)/   health: \(root)/healthz   API: \(root)/api/v1   OpenAPI: \(root)/openapi.json")
            if let baseURL {
                announce("  certificates: verification pages at \(baseURL)/v/...   public keys: \(root)/.well-known/jwks.json")
            }
            if devOutbox {
                announce("  dev outbox (messages = dev: codes and notices are not sent): \(root)/dev/outbox")
            }
            if sampleLogins {
                announce("  sample logins: admin / admin-demo-2026 (platform admin); org1-admin / demo-2026 (organization admin); "
                         + "volunteer1 / demo-2026 (volunteer); inspector1 / demo-2026 (inspector)")
            }
        },
        logger: logger)
    if closesStore { app.addServices(LedgerStoreService(store: ledger.store, logger: logger)) }
    if let keyring = ledger.certificates?.authority as? CertificateKeyring {
        app.addServices(PeriodicService.keyFileWatcher(keyring, ledger: ledger, logger: logger))
    }
    app.addServices(PeriodicService.forgottenCheckIns(ledger, logger: logger))
    app.addServices(PeriodicService.expiredVerificationCodes(ledger, logger: logger))
    app.addServices(PeriodicService.expiredCertificateBatches(certificateBatches, logger: logger))
    if let log = ledger.transparencyLog {
        app.addServices(PeriodicService.logCheckpoints(log, logger: logger))
        if !log.witnesses.isEmpty { app.addServices(PeriodicService.witnessCosignatures(log, logger: logger)) }
    } else {
        app.addServices(PeriodicService.logSequencer(ledger, logger: logger))
    }
    if let sqlite = ledger.store as? SQLiteLedgerStore {
        app.addServices(PeriodicService.checkpoints(sqlite, logger: logger))
    }
    if let postgres = (ledger.store as? PostgresLedgerStore) ?? (ledger.store as? PostgresReplicatedStore)?.primary {
        app.addServices(PeriodicService.yearPartitions(postgres, logger: logger))
    }
    return app
}

extension AppConfiguration {
    /// The rotating self check-in codes, keyed by the secret of the key file (added to it on first use).
    public func attendanceCodes(listeningOn port: Int? = nil) throws -> AttendanceCodes {
        AttendanceCodes(secret: try CertificateKeyFile.attendanceSecret(path: effectiveKeysFile),
                        publicBaseURL: effectivePublicBaseURL(listeningOn: port))
    }

    /// Opens (or creates) the key file and names the platform as issuer.
    public func certificateSettings(listeningOn port: Int? = nil) async throws -> CertificateSettings {
        let keyring = try await CertificateKeyring(path: effectiveKeysFile)
        let issuer = CertificateIssuer(name: platformName, creditCode: platformCreditCode)
        return CertificateSettings(authority: keyring, publicBaseURL: effectivePublicBaseURL(listeningOn: port), platformIssuer: issuer)
    }
}
