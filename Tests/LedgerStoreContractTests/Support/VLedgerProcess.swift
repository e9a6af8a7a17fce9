import Foundation
import LedgerTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The `vledger` executable built next to the test bundle (`swift build --build-tests` builds both), or
/// `$VLEDGER_BINARY`.
enum VLedgerBinary {
    struct NotBuilt: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "no vledger executable next to the tests (looked in \(searched.joined(separator: ", "))); run `swift build` first or set VLEDGER_BINARY"
        }
    }

    static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["VLEDGER_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let folders = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent(),
                       URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()].compactMap { $0 }
        for folder in folders {
            let candidate = folder.appendingPathComponent("vledger")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotBuilt(searched: folders.map(\.path))
    }
}

/// What a finished `vledger` run printed.
struct CommandResult: Sendable {
    var status: Int32
    var output: String
    var errorOutput: String
}

/// A `vledger` process whose output goes to files in a scratch folder.
final class VLedgerProcess: @unchecked Sendable {
    private let process = ChildProcess()
    private let folder: URL
    let outputFile: URL
    let errorFile: URL

    /// Starts `vledger arguments...` in a scratch directory (so no default file lands in the project),
    /// feeding `input` to its standard input, with `environment` added to this process's.
    init(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outputFile = folder.appendingPathComponent("stdout")
        errorFile = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = try VLedgerBinary.url()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    var errorOutput: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process (SIGTERM, SIGINT).
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end, killing it after `timeout`.
    func wait(timeout: Duration) async -> CommandResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.terminate()
            try? await Task.sleep(for: .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return CommandResult(status: -1, output: output, errorOutput: errorOutput + "\n(killed after \(timeout))")
        }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: output, errorOutput: errorOutput)
    }

    /// Asks the process to stop (SIGTERM), then kills it if it does not within `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        if process.isRunning { process.terminate() }
        _ = await wait(timeout: grace)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `vledger arguments...` to completion.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                    timeout: Duration = .seconds(180)) async throws -> CommandResult {
        let process = try VLedgerProcess(arguments, input: input, environment: environment)
        let result = await process.wait(timeout: timeout)
        try? FileManager.default.removeItem(at: process.folder)
        return result
    }
}

/// `vledger serve` on a free loopback port.
struct ServerProcess: Sendable {
    let process: VLedgerProcess
    let baseURL: URL

    struct DidNotStart: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a server on `database`, signing certificates with the keys in `keysFile`, with `arguments` added,
    /// and waits until it prints the address it serves at.
    static func start(database: String, keysFile: String, arguments: [String] = [],
                      timeout: Duration = .seconds(90)) async throws -> ServerProcess {
        let process = try VLedgerProcess(["serve", "--database", database, "--keys", keysFile, "--host", "127.0.0.1",
                                          "--port", "0", "--log-level", "warning"] + arguments)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let url = address(in: process.output) { return ServerProcess(process: process, baseURL: url) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = process.output + process.errorOutput
        await process.stop()
        throw DidNotStart(description: "vledger serve did not report its address:\n\(output)")
    }

    /// The `http://HOST:PORT/` of the "... at http://HOST:PORT/" line.
    static func address(in output: String) -> URL? {
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: " at http://") else { continue }
            let address = line[range.upperBound...].prefix { !$0.isWhitespace }
            return URL(string: "http://" + address)
        }
        return nil
    }

    func stop() async {
        await process.stop()
    }
}

/// A JSON client of one server, signed in or not.
struct APIClient: Sendable {
    let baseURL: URL
    var token: String?

    /// The write position of the caller's last write, sent as `Ledger-Read-After`.
    var readAfter: String?

    struct Response: Sendable {
        var status: Int
        var body: Data
        var headers: [String: String] = [:]

        var object: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        }

        func int64(_ key: String) -> Int64? { (object[key] as? NSNumber)?.int64Value }
        func string(_ key: String) -> String? { object[key] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.timeoutIntervalForRequest = 60
        // A bearer-token client: cookies (the write position a browser keeps) must not carry over.
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration)
    }()

    func post(_ path: String, _ body: some Encodable) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try await send("POST", path, body: try encoder.encode(body))
    }

    /// Posts a CSV file, as the import upload does.
    func post(_ path: String, csv: String) async throws -> Response {
        try await send("POST", path, body: Data(csv.utf8), contentType: "text/csv")
    }

    func get(_ path: String) async throws -> Response {
        try await send("GET", path, body: nil)
    }

    private func send(_ method: String, _ path: String, body: Data?, contentType: String = "application/json") async throws -> Response {
        var request = URLRequest(url: URL(string: "api/v1/" + path, relativeTo: baseURL)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let readAfter { request.setValue(readAfter, forHTTPHeaderField: "Ledger-Read-After") }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for case let (name as String, value as String) in http?.allHeaderFields ?? [:] { headers[name.lowercased()] = value }
        return Response(status: http?.statusCode ?? -1, body: data, headers: headers)
    }

    /// A client signed in as `username`.
    func signedIn(_ username: String, password: String) async throws -> APIClient {
        let response = try await post("auth/login", ["username": username, "password": password])
        guard response.status == 200, let token = response.string("token") else {
            throw ServerProcess.DidNotStart(description: "login failed: \(response.status) \(response.text)")
        }
        return APIClient(baseURL: baseURL, token: token, readAfter: readAfter)
    }
}
