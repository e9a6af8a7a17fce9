import Foundation
import Logging
import PostgresNIO

/// Creating and dropping whole databases on the server of a database URL (statements that cannot run in
/// a transaction): scratch databases for tests and benchmarks.
public enum PostgresServerAdmin {
    /// Creates the database `name` on the server of `serverURL`, owned by the URL's user, and returns the
    /// URL of the new database. Names are lowercase letters, digits and underscores.
    public static func createDatabase(_ name: String, serverURL: String, logger: Logger) async throws -> String {
        try await execute("CREATE DATABASE \(try identifier(name))", serverURL: serverURL, logger: logger)
        return try url(serverURL, database: name)
    }

    /// Drops the database `name`, disconnecting its sessions first; nothing happens when it does not exist.
    public static func dropDatabase(_ name: String, serverURL: String, logger: Logger) async throws {
        try await execute("DROP DATABASE IF EXISTS \(try identifier(name)) WITH (FORCE)", serverURL: serverURL, logger: logger)
    }

    /// `serverURL` with its database replaced by `database`.
    public static func url(_ serverURL: String, database: String) throws -> String {
        guard var components = URLComponents(string: serverURL) else { throw PostgresStoreError.invalidURL("cannot parse the URL") }
        components.path = "/" + database
        guard let url = components.string else { throw PostgresStoreError.invalidURL("cannot build the URL") }
        return url
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty, name.count <= 63,
              name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw PostgresStoreError.invalidURL("database names are lowercase letters, digits and underscores: \(name)")
        }
        return "\"\(name)\""
    }

    private static func execute(_ sql: String, serverURL: String, logger: Logger) async throws {
        let configuration = try PostgresDatabaseURL(serverURL).configuration
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresStoreError(error)
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresStoreError(error)
        }
    }
}
