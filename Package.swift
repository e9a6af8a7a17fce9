// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "VolunteerLedger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vledger", targets: ["vledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // Domain types, rules and services; no HTTP, no SQL.
        .target(
            name: "LedgerCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The ledger store on embedded SQLite (GRDB on the system libsqlite3).
        .target(
            name: "LedgerSQLite",
            dependencies: [
                "LedgerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
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
        // HTTP interface: JSON API, health, OpenAPI document.
        .target(
            name: "LedgerAPI",
            dependencies: [
                "LedgerCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.json")]
        ),
        // The `vledger` command line.
        .executableTarget(
            name: "vledger",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerPostgres", "LedgerAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore"]
        ),
        .testTarget(
            name: "LedgerServiceTests",
            dependencies: ["LedgerCore", "LedgerSQLite"]
        ),
        .testTarget(
            name: "LedgerStoreContractTests",
            dependencies: ["LedgerCore", "LedgerSQLite", "LedgerPostgres"]
        ),
        .testTarget(
            name: "LedgerAPITests",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerAPI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
