import Foundation
import PostgresNIO

/// A `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...` URL, as libpq reads it.
///
/// Query parameters: `sslmode` (`disable`, `allow`, `prefer` (default), `require`, `verify-ca`, `verify-full`),
/// `host` (a directory holding the server's Unix socket, instead of TCP), `application_name`, and `pool_size`
/// (connections this process opens at most; default 8).
struct PostgresDatabaseURL {
    var configuration: PostgresConnection.Configuration
    var poolSize: Int
    var database: String

    init(_ text: String) throws {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw PostgresStoreError.invalidURL("expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        let username = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        let password = components.percentEncodedPassword?.removingPercentEncoding
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        self.database = database.isEmpty ? username : database
        let port = components.port ?? 5432

        if let socketDirectory = parameters["host"], socketDirectory.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username,
                                  password: password, database: self.database)
        } else {
            let host = components.percentEncodedHost?.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            configuration = .init(host: host, port: port, username: username, password: password,
                                  database: self.database, tls: try Self.tls(parameters["sslmode"] ?? "prefer"))
        }
        if let name = parameters["application_name"] {
            configuration.options.additionalStartupParameters.append(("application_name", name))
        } else {
            configuration.options.additionalStartupParameters.append(("application_name", "vledger"))
        }
        if let size = parameters["pool_size"] {
            guard let value = Int(size), (1...256).contains(value) else {
                throw PostgresStoreError.invalidURL("pool_size must be a number from 1 to 256")
            }
            poolSize = value
        } else {
            poolSize = 8
        }
    }

    private static func tls(_ mode: String) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case "disable":
            return .disable
        case "allow", "prefer", "require":
            // As in libpq, these modes encrypt but do not verify the server's certificate.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let context = try NIOSSLContext(configuration: tls)
            return mode == "require" ? .require(context) : .prefer(context)
        case "verify-ca", "verify-full":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = mode == "verify-ca" ? .noHostnameVerification : .fullVerification
            return .require(try NIOSSLContext(configuration: tls))
        default:
            throw PostgresStoreError.invalidURL("unknown sslmode \(mode)")
        }
    }
}
