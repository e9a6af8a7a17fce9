import Foundation
import LedgerCore
import PostgresNIO

/// Failures of the PostgreSQL store that are not rule violations of the ledger (those are `LedgerError`s).
public enum PostgresStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database URL cannot be used.
    case invalidURL(String)
    /// The server refused a statement, with its SQLSTATE (e.g. 23505) and message.
    case server(sqlState: String, message: String, detail: String?, constraint: String?)
    /// A write kept conflicting with concurrent writers on a unique or exclusion constraint after retries.
    case conflict(constraint: String, detail: String)
    /// The connection could not be opened or was lost.
    case connection(String)
    /// A statement was attempted after an earlier statement of the same transaction failed.
    case transactionAborted
    /// A value read from the database could not be decoded.
    case decoding(String)
    /// The store was closed.
    case closed

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            "数据库地址无效 / invalid PostgreSQL URL: \(reason)"
        case .server(let state, let message, let detail, _):
            "PostgreSQL \(state): \(message)" + (detail.map { " (\($0))" } ?? "")
        case .conflict(let constraint, let detail):
            "并发写入冲突，请重试 / the write conflicted with a concurrent one (\(constraint)): \(detail)"
        case .connection(let reason):
            "无法连接数据库 / PostgreSQL connection failed: \(reason)"
        case .transactionAborted:
            "the transaction was aborted by an earlier failed statement"
        case .decoding(let reason):
            "cannot decode a PostgreSQL value: \(reason)"
        case .closed:
            "the PostgreSQL store is closed"
        }
    }

    /// The SQLSTATE of a server error.
    public var sqlState: String? {
        if case .server(let state, _, _, _) = self { return state }
        return nil
    }

    /// Serialization failures, deadlocks, and unique or exclusion violations: a concurrent transaction
    /// won, so running the whole transaction again lets the ledger's own checks see what it wrote.
    var isRetryable: Bool {
        switch sqlState {
        case "40001", "40P01", "23505", "23P01": true
        default: false
        }
    }

    init(_ error: any Error) {
        switch error {
        case let error as PostgresStoreError:
            self = error
        case let error as PSQLError:
            if error.code == .server, let info = error.serverInfo {
                self = .server(sqlState: info[.sqlState] ?? "?????", message: info[.message] ?? "",
                               detail: info[.detail], constraint: info[.constraintName])
            } else {
                let underlying = error.underlying.map { ": \(String(describing: $0))" } ?? ""
                let server = error.serverInfo?[.message].map { ": \($0)" } ?? ""
                self = .connection("\(error.code)\(server)\(underlying)")
            }
        case let error as PostgresDecodingError:
            self = .decoding("column \(error.columnName): \(error.code) (\(error.postgresType) to \(error.targetType))")
        default:
            self = .connection(String(describing: error))
        }
    }

    /// Whether the connection that raised this error can no longer be used.
    var breaksConnection: Bool {
        if case .connection = self { return true }
        return false
    }
}
