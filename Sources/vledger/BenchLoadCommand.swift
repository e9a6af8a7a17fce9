import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vledger bench load`: a real `vledger serve` on a throw-away copy of the sample data, driven by wrk
/// (Debian's package) with a mixed workload on 16 connections: verification pages, record lists, record
/// writes and logins at the same time, each kind by its own wrk so that each gets its own figures. A baseline
/// of `/healthz` on the same connections runs first, in the same run. Prints requests/s, p50 and p99 per kind
/// and the server's peak resident memory (VmHWM), which must stay under `--max-rss-mb`.
struct BenchLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Mixed HTTP load with wrk against a real server.")

    @Option(help: "Seconds of mixed load.") var duration = 30
    @Option(help: "Connections in all (split among the kinds).") var connections = 16
    @Option(help: "The sample data folder the server loads.") var samples = "samples"
    @Option(help: "Fail when the server's peak RSS exceeds this many MB.") var maxRssMb = 150

    /// One kind of request: its wrk script and its share of the connections.
    struct Kind {
        var name: String
        var connections: Int
        var script: String
    }

    /// What wrk printed for one kind.
    struct Figures {
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var requests: Int
        var failures: Int
    }

    func run() async throws {
        guard let wrk = Self.which("wrk") else {
            throw ValidationError("wrk is not installed: `make deps` installs it (Debian package wrk)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await Self.startServer(folder: folder, samples: samples)
        defer { server.process.terminate(); server.process.waitUntilExit() }
        let base = server.url
        print("server \(base) (pid \(server.process.processIdentifier)), \(connections) connections, \(duration) s")

        let setup = try await LoadSetup.prepare(base: base)
        let kinds = Self.kinds(setup, connections: connections)
        let baseline = try Self.runWrk(wrk, base: base, kind: Kind(name: "baseline /healthz", connections: connections,
                                                                   script: "wrk.method = \"GET\"\nwrk.path = \"/healthz\"\n"),
                                       seconds: min(5, duration), folder: folder)
        let results = try await withThrowingTaskGroup(of: (String, Figures).self) { group in
            for kind in kinds {
                group.addTask { (kind.name, try Self.runWrk(wrk, base: base, kind: kind, seconds: duration, folder: folder)) }
            }
            var figures: [String: Figures] = [:]
            for try await (name, result) in group { figures[name] = result }
            return figures
        }
        let peak = Self.peakRSSKilobytes(pid: server.process.processIdentifier)

        func line(_ name: String, _ f: Figures) -> String {
            name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(format: "%9.1f req/s   p50 %9@   p99 %9@   %7d requests, %d failed", f.requestsPerSecond, f.p50, f.p99, f.requests, f.failures)
        }
        print(line("baseline /healthz", baseline) + "   (alone, before the mix)")
        var total = 0.0
        for kind in kinds {
            let f = results[kind.name]!
            total += f.requestsPerSecond
            print(line(kind.name + " ×\(kind.connections)", f))
        }
        print(String(format: "mixed total %.1f req/s = %.2f × baseline", total, total / max(baseline.requestsPerSecond, 1)))
        let peakMB = Double(peak ?? 0) / 1024
        print(String(format: "server peak RSS %.1f MB (limit %d MB)", peakMB, maxRssMb))
        let failures = results.values.reduce(0) { $0 + $1.failures }
        let requests = results.values.reduce(0) { $0 + $1.requests }
        if failures * 100 > requests { throw ValidationError("\(failures) of \(requests) requests failed (non-2xx or socket errors)") }
        if peakMB > Double(maxRssMb) { throw ValidationError(String(format: "peak RSS %.1f MB is over %d MB", peakMB, maxRssMb)) }
    }

    /// The kinds of the mix; connections split 6:4:4:2 of 16 (logins are bcrypt, slow by design).
    static func kinds(_ setup: LoadSetup, connections: Int) -> [Kind] {
        let share = { (part: Int) in max(1, connections * part / 16) }
        let auth = "wrk.headers[\"Authorization\"] = \"Bearer \(setup.token)\"\n"
        // Record writes: each wrk thread writes one-minute records of its own volunteers, minute after minute.
        let numbers = setup.volunteerNumbers.map { "\"\($0)\"" }.joined(separator: ",")
        let writes = """
            local numbers = {\(numbers)}
            local threads = 0
            function setup(thread) thread:set("id", threads); threads = threads + 1 end
            local counter = 0
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            \(auth)
            function request()
              local slot = counter * 4 + id
              counter = counter + 1
              local volunteer = numbers[(slot % #numbers) + 1]
              local minute = math.floor(slot / #numbers)
              local start = \(setup.firstMinute) + minute * 60
              local body = string.format('{"volunteerNumber":"%s","activityId":\(setup.activityId),"start":"%s","end":"%s"}',
                volunteer, os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 60))
              return wrk.format(nil, "/api/v1/records", nil, body)
            end
            """
        return [
            Kind(name: "verification page", connections: share(6),
                 script: "wrk.method = \"GET\"\nwrk.path = \"\(setup.verificationPath)\"\nwrk.headers[\"Accept\"] = \"text/html\"\n"),
            Kind(name: "record list", connections: share(4),
                 script: "wrk.method = \"GET\"\nwrk.path = \"/api/v1/records?limit=50\"\n" + auth),
            Kind(name: "record write", connections: share(4), script: writes),
            Kind(name: "login", connections: share(2), script: """
                wrk.method = "POST"
                wrk.path = "/api/v1/auth/login"
                wrk.headers["Content-Type"] = "application/json"
                wrk.body = '{"username":"org1-admin","password":"demo-2026"}'
                """),
        ]
    }

    /// Runs wrk with `kind`'s script and reads its summary.
    static func runWrk(_ wrk: String, base: String, kind: Kind, seconds: Int, folder: URL) throws -> Figures {
        let script = folder.appendingPathComponent("\(kind.name.filter(\.isLetter)).lua")
        try kind.script.write(to: script, atomically: true, encoding: .utf8)
        let threads = kind.name.hasPrefix("record write") ? min(4, kind.connections) : min(2, kind.connections)
        let output = try Self.capture(wrk, ["-t\(threads)", "-c\(kind.connections)", "-d\(seconds)s", "--latency", "-s", script.path, base])
        func match(_ pattern: String) -> String? {
            guard let range = output.range(of: pattern, options: .regularExpression) else { return nil }
            return String(output[range])
        }
        let rate = match(#"Requests/sec:\s+[0-9.]+"#).flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        let requests = match(#"[0-9]+ requests in"#).flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        let non2xx = match(#"Non-2xx or 3xx responses: [0-9]+"#).flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        let socket = match(#"Socket errors:[^\n]+"#).map { line in
            line.split(separator: ",").compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        } ?? 0
        let p50 = match(#"50%\s+[0-9.]+[a-z]+"#)?.split(separator: " ").last.map(String.init) ?? "?"
        let p99 = match(#"99%\s+[0-9.]+[a-z]+"#)?.split(separator: " ").last.map(String.init) ?? "?"
        if requests == 0 { throw ValidationError("wrk (\(kind.name)) made no requests:\n\(output.prefix(2000))") }
        return Figures(requestsPerSecond: rate, p50: p50, p99: p99, requests: requests, failures: non2xx + socket)
    }

    static func startServer(folder: URL, samples: String) async throws -> (process: Process, url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        process.arguments = ["serve", "--port", "0", "--database", "sqlite:\(folder.path)/vledger.sqlite", "--load-samples", samples,
                             "--log-level", "warning"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"at (http://[0-9.]+:[0-9]+)/"#, options: .regularExpression) {
                let url = String(text[range].dropFirst(3).dropLast())
                // Keep draining the pipe so the server never blocks on a full one.
                let handle = pipe.fileHandleForReading
                Thread.detachNewThread { while !handle.availableData.isEmpty {} }
                return (process, url)
            }
        }
        process.terminate()
        throw ValidationError("vledger serve did not start:\n\(text.suffix(2000))")
    }

    static func peakRSSKilobytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// What the mix needs from the server: a session, a certificate to verify, an activity and members to record.
struct LoadSetup {
    var token: String
    var verificationPath: String
    var activityId: Int64
    var volunteerNumbers: [String]
    /// Unix seconds of the first minute record writes use.
    var firstMinute: Int

    static func prepare(base: String) async throws -> LoadSetup {
        let login = try await call(base, "POST", "/api/v1/auth/login", body: ["username": "org1-admin", "password": "demo-2026"])
        guard let token = login["token"] as? String else { throw ValidationError("cannot log in as org1-admin: \(login)") }
        let me = try await call(base, "GET", "/api/v1/me", token: token)
        guard let organization = me["organizationId"] as? Int else { throw ValidationError("org1-admin has no organization") }
        let members = try await call(base, "GET", "/api/v1/organizations/\(organization)/members?limit=40", token: token)
        let volunteers = (members["items"] as? [[String: Any]]) ?? []
        let numbers = volunteers.compactMap { $0["number"] as? String }
        guard numbers.count >= 8 else { throw ValidationError("the sample organization has too few members") }
        // A certificate of the first member with records.
        var verification: String?
        for volunteer in volunteers {
            guard let id = volunteer["id"] as? Int else { continue }
            let issued = try await call(base, "POST", "/api/v1/certificates", token: token,
                                        body: ["volunteerId": id, "organizationId": organization])
            if let certificateToken = issued["token"] as? String {
                verification = "/v/" + certificateToken
                break
            }
        }
        guard let verification else { throw ValidationError("no member has records to certify") }
        // A week-long activity that ended an hour ago: writes fill its minutes, newest last.
        let now = Int(Date().timeIntervalSince1970) / 60 * 60
        let start = now - 8 * 86_400, end = now - 3600
        let activity = try await call(base, "POST", "/api/v1/organizations/\(organization)/activities", token: token, body: [
            "title": "压力测试活动 \(now)", "content": "bench load", "category": "community_service", "place": "线上", "leader": "bench",
            "start": iso(start), "end": iso(end),
        ])
        guard let activityId = activity["id"] as? Int else { throw ValidationError("cannot create the activity: \(activity)") }
        return LoadSetup(token: token, verificationPath: verification, activityId: Int64(activityId), volunteerNumbers: numbers,
                         firstMinute: start)
    }

    static func iso(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }

    static func call(_ base: String, _ method: String, _ path: String, token: String? = nil,
                     body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
