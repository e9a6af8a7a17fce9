import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM lets the request in flight finish, closes the store and exits 0.
@Suite struct GracefulShutdownTests {
    @Test func sigtermLetsTheRequestInFlightFinishThenExitsZero() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite:" + folder.appendingPathComponent("ledger.sqlite").path
        let keys = folder.appendingPathComponent("keys.json").path
        let created = try await VLedgerProcess.run(
            ["admin", "create-user", "--database", database, "--username", "root", "--role", "platform_admin", "--password-stdin"],
            input: "graceful-2026\n")
        #expect(created.status == 0, "\(created.errorOutput)")
        let server = try await ServerProcess.start(database: database, keysFile: keys)

        // A login whose body arrives in two halves: the request is in flight when SIGTERM comes.
        let body = Array(#"{"username":"root","password":"graceful-2026"}"#.utf8)
        let connection = try LoopbackConnection(port: server.baseURL.port ?? 0)
        try connection.send(Array("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
                            + body.prefix(10))
        try await Task.sleep(for: .milliseconds(500))
        server.process.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        #expect(server.process.isRunning, "the server must wait for the request in flight")
        try connection.send(Array(body.dropFirst(10)))
        let response = try connection.receive(until: "\"token\"")
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(200))")
        #expect(response.contains("\"token\""))
        connection.close()

        let result = await server.process.wait(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.errorOutput.suffix(2000))")
        // Printed once the service group has returned, that is after the store service closed the store.
        #expect(result.output.contains("stopped"))
    }
}

/// A plain TCP connection to a loopback port, to send a request in pieces.
final class LoopbackConnection {
    private let socketDescriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(port: Int) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): \(errno)") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: \(errno)") }
            offset += sent
        }
    }

    /// Reads until the text contains `marker`, the peer closes, or 20 seconds pass.
    func receive(until marker: String) throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = buffer.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() {
        _ = Glibc.close(socketDescriptor)
    }
}
