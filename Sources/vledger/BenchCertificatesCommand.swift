import ArgumentParser
import Foundation
import LedgerApp
import Hummingbird
import LedgerAPI
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Issues certificates (PDF included) on a scratch ledger and prints the rate; then serves it and, in the
/// same run, measures `/v/{token}` against a trivial route of the same server over keep-alive HTTP.
struct BenchCertificates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificates",
        abstract: "Certificates issued per second (PDF included), and verification requests per second against a trivial route.")

    @Option(help: "Certificates to issue.") var certificates = 200
    @Option(help: "HTTP requests per route.") var requests = 20_000
    @Option(help: "Concurrent keep-alive connections.") var connections = 4
    @Option(help: "Database URL of an EMPTY scratch database (default: a temporary SQLite file).") var database: String?
    @Option(help: "Also write the last certificate's PDF here, to look at.") var samplePDF: String?

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let location = try StoreLocation(database ?? "sqlite:\(scratch.appendingPathComponent("bench.sqlite").path)")
        let store = try await location.open(logger: .init(label: "bench"))
        let now = Date()
        var ledger = Ledger(store: store, clock: { now })
        ledger.certificates = CertificateSettings(
            authority: try await CertificateKeyring(path: scratch.appendingPathComponent("keys.json").path),
            publicBaseURL: "http://127.0.0.1:8080")
        let volunteers = try await Self.fixture(ledger: ledger, volunteers: 40, recordsEach: 12, now: now)

        // Issuing: the use case (records, signature, storage) and the PDF, one after another.
        var tokens: [String] = []
        var lastIssued: IssuedCertificate?
        var pdfBytes = 0
        var pdfSeconds = 0.0
        let issueStart = ContinuousClock.now
        for index in 0..<certificates {
            let issued = try await ledger.issueCertificate(
                CertificateRequest(volunteerId: volunteers[index % volunteers.count].id, organizationId: nil), by: .localOperator)
            let pdfStart = ContinuousClock.now
            pdfBytes += try CertificatePDF.render(issued).count
            pdfSeconds += (ContinuousClock.now - pdfStart).seconds
            tokens.append(issued.certificate.token)
            lastIssued = issued
        }
        let issueSeconds = (ContinuousClock.now - issueStart).seconds
        let lastToken = tokens.last ?? ""

        // Signing alone (the Ed25519 JWS of the claims), in the same run, as the yardstick for the PDF.
        guard let lastIssued else { throw ValidationError("--certificates must be at least 1") }
        let signRounds = 500
        let signStart = ContinuousClock.now
        for _ in 0..<signRounds { _ = try await ledger.certificates!.authority.sign(CertificateClaims(lastIssued.certificate)) }
        let signMilliseconds = (ContinuousClock.now - signStart).seconds / Double(signRounds) * 1000
        // The PDF alone, repeated on one certificate (one page, 12 records).
        let renderRounds = 100
        let renderStart = ContinuousClock.now
        var onePageBytes = 0
        for _ in 0..<renderRounds { onePageBytes = try CertificatePDF.render(lastIssued).count }
        let renderMilliseconds = (ContinuousClock.now - renderStart).seconds / Double(renderRounds) * 1000
        if let samplePDF { try Data(try CertificatePDF.render(lastIssued)).write(to: URL(fileURLWithPath: samplePDF)) }
        // A long certificate: the same volunteer with 500 records, per page.
        var long = lastIssued
        long.records = (0..<500).map { lastIssued.records[$0 % lastIssued.records.count] }
        long.certificate.recordCount = long.records.count
        long.certificate.minutes = long.records.reduce(0) { $0 + $1.minutes }
        let longRounds = 10
        let longStart = ContinuousClock.now
        var longBytes = 0
        for _ in 0..<longRounds { longBytes = try CertificatePDF.render(long).count }
        let longMilliseconds = (ContinuousClock.now - longStart).seconds / Double(longRounds) * 1000
        let longPages = Self.pageCount(pdf: try CertificatePDF.render(long))

        // The parts of a verification, in process: the use case (token, key, database), then the page.
        let rounds = 2000
        var results: [CertificateVerification] = []
        let useCaseStart = ContinuousClock.now
        for round in 0..<rounds { results.append(try await ledger.verifyCertificate(token: tokens[round % tokens.count])) }
        let useCaseMicroseconds = (ContinuousClock.now - useCaseStart).seconds / Double(rounds) * 1e6
        let pageStart = ContinuousClock.now
        var pageBytes = 0
        for result in results { pageBytes += CertificatePages.verification(result).utf8.count }
        let pageMicroseconds = (ContinuousClock.now - pageStart).seconds / Double(rounds) * 1e6

        // Serving: one server, a trivial route added next to the real ones.
        var logger = Logger(label: "bench")
        // Quiet: cancelling the server at the end logs at error level.
        logger.logLevel = .critical
        let router = buildRouter(ledger: ledger)
        router.get("/bench/trivial") { _, _ in "ok" }
        // The same with the token as a path parameter: what the long URL alone costs.
        router.get("/bench/echo/:token") { _, _ in "ok" }
        // Verification with every cache off, as for the first scan of each token after a commit.
        var uncached = ledger
        uncached.certificates = CertificateSettings(
            authority: try await CertificateKeyring(path: scratch.appendingPathComponent("keys.json").path, verificationCacheSize: 0),
            publicBaseURL: "http://127.0.0.1:8080", verificationCache: CertificateVerificationCache(capacity: 0))
        let uncachedLedger = uncached
        router.get("/bench/uncached/:token") { _, context -> Response in
            let result = try await uncachedLedger.verifyCertificate(token: context.parameters.get("token") ?? "")
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: CertificatePages.verification(result))))
        }
        let (trivial, verification, echo, cold) = try await LoadGenerator.withServer(router, logger: logger) {
            port -> (LoadResult, LoadResult, LoadResult, LoadResult) in
            let paths = tokens.map { "/v/\($0)" }
            // Warm both routes up, then measure them alternately and keep each one's best run.
            _ = try await LoadGenerator.run(port: port, paths: ["/bench/trivial"], requests: 500, connections: connections)
            _ = try await LoadGenerator.run(port: port, paths: paths, requests: 500, connections: connections)
            var trivial = LoadResult(requests: 0, seconds: .infinity)
            var verification = LoadResult(requests: 0, seconds: .infinity)
            for _ in 0..<2 {
                trivial = max(trivial, try await LoadGenerator.run(port: port, paths: ["/bench/trivial"], requests: requests / 2,
                                                                   connections: connections))
                verification = max(verification, try await LoadGenerator.run(port: port, paths: paths, requests: requests / 2,
                                                                              connections: connections))
            }
            let echo = try await LoadGenerator.run(port: port, paths: tokens.map { "/bench/echo/\($0)" }, requests: requests / 2,
                                                   connections: connections)
            let cold = try await LoadGenerator.run(port: port, paths: tokens.map { "/bench/uncached/\($0)" },
                                                   requests: requests / 4, connections: connections)
            return (trivial, verification, echo, cold)
        }
        try await store.close()

        print("backend: \(database == nil ? "sqlite (scratch)" : location.description), \(volunteers.count) volunteers with 12 records each, platform-issued certificates")
        print(String(format: "issued %ld certificates (use case + signature + PDF, %ld KiB each): %.2f s, %.1f certificates/s",
                     certificates, pdfBytes / max(1, certificates) / 1024, issueSeconds, Double(certificates) / issueSeconds))
        print(String(format: "  of which the PDF: %.1f ms each; issuing alone (records, serial, signature, storage): %.1f ms each",
                     pdfSeconds / Double(certificates) * 1000, (issueSeconds - pdfSeconds) / Double(certificates) * 1000))
        print(String(format: "PDF alone, one page (12 records), %ld repeats: %.2f ms each, %ld bytes; signing alone: %.2f ms each (PDF / signing: %.1f)",
                     renderRounds, renderMilliseconds, onePageBytes, signMilliseconds, renderMilliseconds / signMilliseconds))
        print(String(format: "PDF of 500 records: %ld pages, %.1f ms (%.2f ms a page), %ld KiB", longPages, longMilliseconds,
                     longMilliseconds / Double(max(1, longPages)), longBytes / 1024))
        print("token length: \(lastToken.utf8.count) characters")
        print(String(format: "in process: verification use case %.0f µs, page %.0f µs (%ld bytes)", useCaseMicroseconds,
                     pageMicroseconds, pageBytes / rounds))
        print(String(format: "GET /bench/trivial: %.0f requests/s", trivial.rate))
        print(String(format: "GET /bench/echo/{token} (trivial, with the token in the URL): %.0f requests/s", echo.rate))
        print(String(format: "GET /v/{token}:     %.0f requests/s (%ld connections, keep-alive)", verification.rate, connections))
        print(String(format: "verification / trivial: %.2f (target >= 0.60)", verification.rate / trivial.rate))
        print(String(format: "  (repeated scans of %ld tokens: a token's signature check and its database answer are reused until the next commit)",
                     tokens.count))
        print(String(format: "GET /v/{token} with every cache off: %.0f requests/s (%.2f of trivial): Ed25519, database, page each time",
                     cold.rate, cold.rate / trivial.rate))
        print("peak resident memory: \(ResourceUsage.peakResidentMiB()) MiB")
    }

    /// The pages of a PDF: its `/Type /Page` objects.
    static func pageCount(pdf: [UInt8]) -> Int {
        let text = String(decoding: pdf, as: UTF8.self)
        return text.matches(of: #//Type\s*/Page[^s]/#).count
    }

    /// An organization, `volunteers` members and `recordsEach` two-hour records of each, recorded through the ledger.
    static func fixture(ledger: Ledger, volunteers count: Int, recordsEach: Int, now: Date) async throws -> [Volunteer] {
        let zone = TimeZone.ledgerDefault
        let today = LocalDate(now, in: zone)
        let first = today.adding(days: -(recordsEach + 5))
        let organization = try await ledger.createOrganization(
            OrganizationInput(creditCode: BenchFixture.creditCode(3), name: "基准测试志愿者协会", regionCode: "330106",
                              contactName: "测试", contactPhone: "13800000000"), by: .localOperator)
        let activity = try await ledger.createActivity(
            ActivityInput(title: "社区敬老服务", content: "基准测试", category: .communityService, place: "社区",
                          start: first.startOfDay(in: zone), end: today.startOfDay(in: zone), leader: "测试"),
            organizationId: organization.id, by: .localOperator)
        var volunteers: [Volunteer] = []
        for index in 0..<count {
            let body = "330106" + "19900307" + String(format: "%03d", index % 1000)
            let documentNumber = body + String(ResidentIDNumber.checkCharacter(for: body)!)
            let volunteer = try await ledger.registerVolunteer(
                VolunteerRegistration(name: "志愿者\(index)", documentNumber: documentNumber, phone: "13800000000"),
                organizationId: organization.id, by: .localOperator).volunteer
            for day in 0..<recordsEach {
                let start = first.adding(days: day).startOfDay(in: zone).addingTimeInterval(9 * 3600)
                _ = try await ledger.recordService(
                    RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start,
                                end: start.addingTimeInterval(7200)), by: .localOperator)
            }
            volunteers.append(volunteer)
        }
        return volunteers
    }
}

struct LoadResult: Comparable {
    var requests: Int
    var seconds: Double
    var rate: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    static func < (a: LoadResult, b: LoadResult) -> Bool { a.rate < b.rate }
}

/// A small HTTP/1.1 load generator: blocking sockets on their own threads, one keep-alive connection
/// each, requests sent one after another on every connection.
enum LoadGenerator {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Serves `router` on a free loopback port for as long as `body` runs with that port, then stops the server.
    static func withServer<T: Sendable>(_ router: Router<LedgerRequestContext>, logger: Logger,
                                        _ body: (Int) async throws -> T) async throws -> T {
        let portBox = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "vledger"),
                              onServerRunning: { channel in portBox.withLock { $0 = channel.localAddress?.port } },
                              logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group -> T in
            group.addTask { try await app.runService() }
            var port: Int?
            for _ in 0..<500 where port == nil {
                try await Task.sleep(for: .milliseconds(10))
                port = portBox.withLock { $0 }
            }
            guard let port else { throw ValidationError("the bench server did not start") }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }

    static func run(port: Int, paths: [String], requests: Int, connections: Int) async throws -> LoadResult {
        let perConnection = max(1, requests / connections)
        let failures = Mutex<[String]>([])
        let start = ContinuousClock.now
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let remaining = Mutex(connections)
            for connection in 0..<connections {
                let thread = Thread {
                    do {
                        try exchange(port: port, paths: paths, offset: connection, count: perConnection)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    if remaining.withLock({ $0 -= 1; return $0 }) == 0 { done.resume() }
                }
                thread.start()
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        if let failure = failures.withLock({ $0.first }) { throw Failure(description: "load generator: \(failure)") }
        return LoadResult(requests: perConnection * connections, seconds: seconds)
    }

    private static func exchange(port: Int, paths: [String], offset: Int, count: Int) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let capacity = 256 * 1024
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        for index in 0..<count {
            let path = paths[(offset * 7919 + index) % paths.count]
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".utf8)
            var sent = 0
            while sent < request.count {
                let n = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
                sent += n
            }
            // Read the head, then Content-Length bytes of body.
            var received = 0
            var bodyStart: Int?
            var contentLength = 0
            while true {
                let n = recv(socket, buffer + received, capacity - received, 0)
                guard n > 0 else { throw Failure(description: "connection closed by the server") }
                received += n
                if bodyStart == nil, let end = headEnd(buffer, received) {
                    bodyStart = end
                    let head = UnsafeBufferPointer(start: buffer, count: end)
                    guard head.starts(with: "HTTP/1.1 200".utf8) else {
                        throw Failure(description: "\(path.prefix(40))...: \(String(decoding: head.prefix(40), as: UTF8.self))")
                    }
                    contentLength = Self.contentLength(head)
                }
                if let bodyStart, received >= bodyStart + contentLength { break }
                guard received < capacity else { throw Failure(description: "response too large") }
            }
        }
    }

    /// The Content-Length of a response head (0 when absent).
    private static func contentLength(_ head: UnsafeBufferPointer<UInt8>) -> Int {
        let name = Array("content-length:".utf8)
        var index = 0
        while index + name.count < head.count {
            var matches = true
            for (offset, byte) in name.enumerated() where head[index + offset] | 0x20 != byte | 0x20 {
                matches = false
                break
            }
            if matches {
                var value = 0
                var cursor = index + name.count
                while cursor < head.count, head[cursor] == 0x20 { cursor += 1 }
                while cursor < head.count, (0x30...0x39).contains(head[cursor]) {
                    value = value * 10 + Int(head[cursor] - 0x30)
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        return 0
    }

    private static func headEnd(_ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for i in 3..<count where buffer[i] == 10 && buffer[i - 1] == 13 && buffer[i - 2] == 10 && buffer[i - 3] == 13 {
            return i + 1
        }
        return nil
    }
}
