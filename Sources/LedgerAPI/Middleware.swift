import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import Logging

/// Finds the principal behind an `Authorization: Bearer` header. A bad token is refused outright
/// rather than treated as anonymous, so that clients notice an expired session.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    let ledger: Ledger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // /metrics reads its own bearer token (a scraper's, not a session).
        guard let header = request.headers[.authorization], request.uri.path != "/metrics" else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw LedgerError.unauthenticated }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let account = try await ledger.authenticate(token: token)
        var context = context
        context.principal = Principal(account)
        context.bearerToken = token
        context.logger[metadataKey: "user"] = .stringConvertible(account.id)
        return try await next(request, context)
    }
}

/// Logs each request once it is answered: method, path, status and milliseconds. The path is cut to
/// `maxPathBytes` (a 64 KB URL must not make a 64 KB log line) and the query is left out: searches
/// carry names and document numbers, which stay out of logs.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var maxPathBytes: Int { 200 }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            context.logger.info("request", metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(Self.loggedPath(request.uri.path)),
                "status": .stringConvertible(status),
                "ms": .string(String(Int(milliseconds.rounded()))),
            ])
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }

    /// `path`, or its first `maxPathBytes` bytes followed by its full length (a character cut in two
    /// shows as U+FFFD).
    public static func loggedPath(_ path: String) -> String {
        let utf8 = path.utf8
        guard utf8.count > maxPathBytes else { return path }
        return String(decoding: utf8.prefix(maxPathBytes), as: UTF8.self) + "…(\(utf8.count) bytes)"
    }
}

/// Turns every error into an `application/problem+json` response (RFC 9457) with a stable `type`,
/// and tags every response with the request id that also appears in the logs.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as LedgerError {
            response = Problem(error: error, instance: request.uri.path, requestId: context.id).response
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        } catch let error as ImportRejection {
            response = error.problem(instance: request.uri.path, requestId: context.id).response
        } catch let error as BatchRecordingRejected {
            response = Problem(batch: error, instance: request.uri.path, requestId: context.id).response
        } catch let error as any HTTPResponseError {
            let problem = Problem(type: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status.code,
                                  detail: (error as? HTTPError)?.body ?? error.status.reasonPhrase,
                                  instance: request.uri.path, requestId: context.id)
            response = problem.response
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            response = Problem(type: "internal-error", title: "Internal Server Error", status: 500,
                               detail: "服务器内部错误，请联系管理员并提供请求编号 / internal error; quote the request id",
                               instance: request.uri.path, requestId: context.id).response
        }
        response.headers[.init("X-Request-Id")!] = context.id
        return response
    }
}

/// An RFC 9457 problem body.
struct Problem: Codable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var field: String?
    var instance: String
    var requestId: String
    var report: ImportReport?
    /// The failing rows of a batch of records.
    var rows: [RowProblem]?

    /// One failing row of a batch: its position (0-based), the problem's type, field and message.
    struct RowProblem: Codable, Sendable {
        var index: Int
        var type: String
        var field: String?
        var detail: String
    }

    init(type: String, title: String, status: Int, detail: String, field: String? = nil, instance: String,
         requestId: String, report: ImportReport? = nil, rows: [RowProblem]? = nil) {
        self.type = "urn:vledger:problem:" + type
        self.title = title
        self.status = status
        self.detail = detail
        self.field = field
        self.instance = instance
        self.requestId = requestId
        self.report = report
        self.rows = rows
    }

    init(batch: BatchRecordingRejected, instance: String, requestId: String) {
        let count = batch.rows.count
        self.init(type: "batch-rejected", title: "Unprocessable Content", status: 422,
                  detail: "有 \(count) 行不符合规则，未登记任何记录 / \(count) rows break a rule; nothing was recorded",
                  field: "entries", instance: instance, requestId: requestId,
                  rows: batch.rows.map { RowProblem(index: $0.index, type: "urn:vledger:problem:" + $0.error.code, field: $0.error.field,
                                                    detail: $0.error.message) })
    }

    init(error: LedgerError, instance: String, requestId: String) {
        let status = error.httpStatus
        self.init(type: error.code, title: status.reasonPhrase, status: status.code, detail: error.message,
                  field: error.field, instance: instance, requestId: requestId)
    }

    var response: Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// An import that was refused because of bad rows; the problem body carries the full report.
struct ImportRejection: Error {
    var report: ImportReport

    func problem(instance: String, requestId: String) -> Problem {
        Problem(type: "import-rejected", title: "Unprocessable Content", status: 422,
                detail: "文件有 \(report.errorCount) 行错误，未导入任何记录 / \(report.errorCount) bad rows; nothing was imported",
                instance: instance, requestId: requestId, report: report)
    }
}

extension LedgerError {
    /// The status a failure answers with, on the API and the web pages alike.
    public var httpStatus: HTTPResponse.Status {
        switch kind {
        case .invalidInput: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unauthenticated: .unauthorized
        case .throttled: .tooManyRequests
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        }
    }
}

/// Read-your-own-writes across server processes and read replicas. Each request runs with a
/// `ReadConsistency` that carries the position of the caller's last write, taken from the
/// `Ledger-Read-After` header or, for browsers, the `vledger_written` cookie. A request that wrote answers
/// with its position in `Ledger-Write-Position` (and, when it came without a bearer token, in the cookie),
/// so the next request, whichever process serves it, reads from a replica only once that has replayed it.
public struct ReadConsistencyMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var header: HTTPField.Name { HTTPField.Name("Ledger-Read-After")! }
    public static var positionHeader: HTTPField.Name { HTTPField.Name("Ledger-Write-Position")! }
    /// How long a browser keeps the position: far longer than any replica may lag.
    static var cookieSeconds: Int { 300 }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let consistency = ReadConsistency(seen: Self.position(in: request))
        var response = try await ReadConsistency.$current.withValue(consistency) { try await next(request, context) }
        if let written = consistency.lastWrite {
            response.headers[Self.positionHeader] = written
            if request.headers[.authorization] == nil {
                response.headers.append(HTTPField(name: .setCookie,
                                                  value: WebCookie.header(WebCookie.written, written, maxAge: Self.cookieSeconds, secure: false)))
            }
        }
        return response
    }

    /// The position the caller sent, if it looks like one (at most 64 characters of letters, digits, `/`,
    /// `.`, `-`); anything else is ignored, and the store decides what a well-formed one means.
    static func position(in request: Request) -> String? {
        let candidate = request.headers[header] ?? WebCookie.value(WebCookie.written, in: request)
        guard let candidate, (1...64).contains(candidate.utf8.count),
              candidate.utf8.allSatisfy({ $0 < 0x80 && (Character(Unicode.Scalar($0)).isLetter || Character(Unicode.Scalar($0)).isNumber || "/.-".utf8.contains($0)) })
        else { return nil }
        return candidate
    }
}
