import ArgumentParser
import Foundation
import Hummingbird
import LedgerCore
import Logging

/// `vledger witness`: a C2SP tlog-witness that the bureau or a neighbouring city runs to cosign the log's checkpoints.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "见证方 / A transparency-log witness (C2SP tlog-witness) and its key.", subcommands: [Serve.self, Keygen.self])

    /// Makes the witness's cosigner key.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a witness key: writes the private key (mode 0600) and prints the verifier key to give log operators.")

        @Option(help: "The witness's name, e.g. witness.bureau.example.gov.cn (no spaces or '+').") var name: String
        @Option(help: "The private key file to create (refuses to overwrite one).") var out: String

        func run() throws {
            guard NoteVerifier.isValidKeyName(name), name.count <= 200 else {
                throw ValidationError("--name must be non-empty, without spaces or '+'")
            }
            guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; not overwriting a key") }
            let signer = try CosignatureSigner.generate(name: name)
            guard FileManager.default.createFile(atPath: out, contents: Data((signer.encoded + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(out)")
            }
            print(signer.verifier.encoded)
        }
    }

    /// Serves `POST /add-checkpoint` for the logs it is told about, keeping the tree it cosigned per log in a state file.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve POST /add-checkpoint (C2SP tlog-witness): cosign checkpoints consistent with the last one cosigned.",
            discussion: """
                Each log is given as "VKEY" (its origin is the key's name, as for vledger's logs) or "ORIGIN VKEY", by \
                --log (repeatable) or one a line in --logs-file (# starts a comment). The state file keeps the latest tree \
                cosigned per log; it must survive restarts (a witness whose state is lost must get a new key). One \
                witness process per state file.
                """)

        @Option(help: "The witness's private key file (from `vledger witness keygen`).") var key: String
        @Option(help: "The state file (created if missing).") var state: String
        @Option(name: .customLong("log"), help: "A log to witness: \"VKEY\" or \"ORIGIN VKEY\"; repeatable.") var logs: [String] = []
        @Option(help: "A file of logs to witness, one \"VKEY\" or \"ORIGIN VKEY\" a line.") var logsFile: String?
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on, 0 picks a free one.") var port = 7380
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

        func run() async throws {
            let signer: CosignatureSigner
            do {
                signer = try CosignatureSigner(encoded: String(contentsOfFile: key, encoding: .utf8))
            } catch {
                throw ValidationError("\(key) is not a witness key file (vledger witness keygen): \(error)")
            }
            var descriptions = logs
            if let logsFile {
                let text = try String(contentsOfFile: logsFile, encoding: .utf8)
                descriptions += text.split(separator: "\n").map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0] }
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let witnessed: [WitnessedLog]
            do { witnessed = try descriptions.map { try WitnessedLog(described: $0) } } catch {
                throw ValidationError("a log to witness is not \"VKEY\" or \"ORIGIN VKEY\": \(error)")
            }
            guard !witnessed.isEmpty else { throw ValidationError("give at least one log to witness (--log or --logs-file)") }
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            var logger = Logger(label: "vledger-witness")
            logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
            let witness = try Witness(signer: signer, logs: witnessed, storage: WitnessStateFile(path: state))
            let router = Router()
            WitnessRoutes(witness: witness, logger: logger).register(on: router)
            let host = host, name = signer.verifier.encoded, count = witnessed.count
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "vledger-witness"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    say("witness serving at http://\(host):\(port)/add-checkpoint for \(count) log(s); cosigner key \(name)")
                },
                logger: logger)
            try await app.runService()
            say("witness stopped")
        }
    }
}

/// The witness's one route: the body in, the cosignature line(s) or the C2SP status out.
struct WitnessRoutes {
    let witness: Witness
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.post("/add-checkpoint") { request, _ -> Response in
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Witness.maximumBodySize) } catch {
                return Self.text(.contentTooLarge, "the body is larger than 64 KiB\n")
            }
            do {
                let lines = try await witness.addCheckpoint(Array(buffer: body))
                return Self.text(.ok, lines)
            } catch let error as WitnessRefusal {
                let origin = String(String(buffer: body).split(separator: "\n\n", maxSplits: 1).last?.prefix { $0 != "\n" }.prefix(100) ?? "")
                logger.info("add-checkpoint refused", metadata: ["status": "\(error.status)", "origin": "\(origin)", "reason": "\(error)"])
                if let size = error.knownSize {
                    return Response(status: .conflict, headers: [.contentType: "text/x.tlog.size"],
                                    body: .init(byteBuffer: ByteBuffer(string: "\(size)\n")))
                }
                return Self.text(HTTPResponse.Status(code: error.status), "\(error)\n")
            } catch {
                logger.error("add-checkpoint failed", metadata: ["error": "\(error)"])
                return Self.text(.internalServerError, "internal error\n")
            }
        }
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
