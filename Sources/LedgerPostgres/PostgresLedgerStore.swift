import Foundation
import LedgerCore
import Logging

// Temporary: replaced by the PostgreSQL implementation.
public final class PostgresLedgerStore: LedgerStore {
    public init(url: String, logger: Logger) async throws { throw PostgresStoreError.notAvailable }
    public func migrate() async throws {}
    public func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T { throw PostgresStoreError.notAvailable }
    public func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T { throw PostgresStoreError.notAvailable }
    public func close() async throws {}
}
enum PostgresStoreError: Error { case notAvailable }
