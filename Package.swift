// swift-tools-version:6.1
import PackageDescription

/// `swift build --traits Fuzzing --product vledger-fuzz` (`make fuzz`): the parsers' modules and the fuzz driver
/// built with libFuzzer's coverage and AddressSanitizer. Only these targets change; dependencies keep their
/// objects, so the fuzz build reuses the normal one (and a normal build after it recompiles these modules).
let fuzzing: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"], .when(traits: ["Fuzzing"]))]

let package = Package(
    name: "VolunteerLedger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vledger", targets: ["vledger"]),
    ],
    traits: [.trait(name: "Fuzzing", description: "libFuzzer instrumentation of the parsers and the vledger-fuzz driver")],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // TLS of the SMTP client (already resolved through postgres-nio).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Domain types, rules and services; no HTTP, no SQL.
        .target(
            name: "LedgerCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: fuzzing
        ),
        // Password hashing for the domain's `PasswordHasher`: bcrypt on NIO's thread pool.
        .target(
            name: "LedgerPasswords",
            dependencies: [
                "LedgerCore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The ledger store on embedded SQLite (GRDB on the system libsqlite3).
        .target(
            name: "LedgerSQLite",
            dependencies: [
                "LedgerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The system SQLite GRDB links, for the change stamp of certificate verification.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The ledger store on PostgreSQL (postgres-nio).
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "LedgerCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // System libraries of the certificates (Debian packages listed in the Makefile's DEB_PACKAGES).
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo-ft", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZbar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CLedgerZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Certificate signing: the key file, Ed25519 JWS (jwt-kit), JWKS, status lists, offline verification.
        .target(
            name: "LedgerCertificates",
            dependencies: [
                "LedgerCore", "CLedgerZlib",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: fuzzing
        ),
        // Certificate documents: the PDF (cairo, embedded CJK font), the QR code (libqrencode) as PNG and
        // SVG, the HTML view and verification page; reading a QR code from an image (zbar).
        .target(
            name: "LedgerDocuments",
            dependencies: ["LedgerCore", "CQRencode", "CCairo", "CZbar"]
        ),
        // HTTP interface: JSON API, health, OpenAPI document.
        .target(
            name: "LedgerAPI",
            dependencies: [
                "LedgerCore", "LedgerDocuments", "LedgerSpreadsheets",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The ZIP of a batch of certificates.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("openapi.json")]
        ),
        // Form bodies of the web pages (urlencoded and multipart), parsed in linear time within fixed bounds.
        .target(
            name: "LedgerForms",
            swiftSettings: fuzzing
        ),
        // Messages leaving the platform: an SMTP client (swift-nio, STARTTLS or implicit TLS) and an HTTP SMS gateway
        // adapter, both behind the domain's `MessageSender`.
        .target(
            name: "LedgerMessages",
            dependencies: [
                "LedgerCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Excel workbooks (.xlsx): the first sheet read as rows for the import, exports written as a workbook.
        .target(
            name: "LedgerSpreadsheets",
            dependencies: ["LedgerCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Web pages: sessions behind a cookie, CSRF tokens, mustache templates and static files from the
        // package's top-level Resources/ folder, Chinese and English.
        .target(
            name: "LedgerWeb",
            dependencies: [
                "LedgerCore", "LedgerAPI", "LedgerDocuments", "LedgerCertificates", "LedgerSpreadsheets", "LedgerForms",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The server assembled: configuration, `buildApplication`, and the services of its lifecycle.
        .target(
            name: "LedgerApp",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerPostgres", "LedgerAPI", "LedgerWeb", "LedgerCertificates", "LedgerPasswords",
                "LedgerMessages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The `vledger` command line.
        .executableTarget(
            name: "vledger",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerPostgres", "LedgerAPI", "LedgerCertificates", "LedgerDocuments",
                "LedgerApp", "LedgerPasswords", "LedgerSpreadsheets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `bench pages` drives the whole application in process, as the API tests do.
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libFuzzer targets of the parsers (`make fuzz`); built normally, a replayer of the seed corpus.
        .executableTarget(
            name: "vledger-fuzz",
            dependencies: ["LedgerCore", "LedgerCertificates", "LedgerForms"],
            swiftSettings: fuzzing,
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"], .when(traits: ["Fuzzing"]))]
        ),
        // What several test targets share: child processes started without Foundation's Process (see ChildProcess).
        .target(
            name: "LedgerTestSupport",
            path: "Tests/LedgerTestSupport"
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore"]
        ),
        .testTarget(
            name: "LedgerServiceTests",
            dependencies: ["LedgerCore", "LedgerSQLite", "LedgerPasswords", .product(name: "Crypto", package: "swift-crypto"), "LedgerCertificates"]
        ),
        .testTarget(
            name: "LedgerStoreContractTests",
            dependencies: ["LedgerCore", "LedgerSQLite", "LedgerPostgres", "LedgerCertificates", "LedgerPasswords", "LedgerTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "LedgerAPITests",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerAPI", "LedgerCertificates", "LedgerApp", "LedgerPasswords", "LedgerWeb",
                "LedgerSpreadsheets", "LedgerForms", "LedgerTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // Reading the ZIP of a batch of certificates.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The SMTP client against a real SMTP server (aiosmtpd) and the SMS adapter against a local HTTP receiver.
        .testTarget(
            name: "LedgerMessageTests",
            dependencies: [
                "LedgerCore", "LedgerMessages", "LedgerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Signing, keys, status lists, QR codes and PDFs of certificates, checked with tools not written here.
        .testTarget(
            name: "LedgerCertificateTests",
            dependencies: ["LedgerCore", "LedgerSQLite", "LedgerCertificates", "LedgerDocuments", "LedgerPasswords", "LedgerTestSupport"]
        ),
    ]
)
