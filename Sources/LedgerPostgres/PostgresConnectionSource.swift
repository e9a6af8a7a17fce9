import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The connections of one store: idle ones are reused, new ones are opened on demand. At most one per
/// thread of the blocking pool is in use, so the pool's size bounds the connections.
final class PostgresConnectionSource: Sendable {
    private struct State {
        var idle: [WatchedConnection] = []
        var nextId = 0
        var isClosed = false
    }

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// An open connection, waiting for it to be opened if none is idle. Blocks: call on a pool thread only.
    func take() throws -> WatchedConnection {
        while true {
            let (idle, newId, closed) = state.withLock { state -> (WatchedConnection?, Int, Bool) in
                if state.isClosed { return (nil, 0, true) }
                if let connection = state.idle.popLast() { return (connection, 0, false) }
                state.nextId += 1
                return (nil, state.nextId, false)
            }
            if closed { throw PostgresStoreError.closed }
            if let idle {
                if idle.isClosed { continue }
                return idle
            }
            do {
                let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                                configuration: configuration, id: newId, logger: logger).wait()
                return WatchedConnection(connection)
            } catch {
                throw PostgresStoreError(error)
            }
        }
    }

    func giveBack(_ connection: WatchedConnection) {
        let keep = state.withLock { state in
            guard !state.isClosed, !connection.isClosed else { return false }
            state.idle.append(connection)
            return true
        }
        if !keep { discard(connection) }
    }

    func discard(_ connection: WatchedConnection) {
        // The closure keeps the connection alive until its channel has closed.
        let connection = connection.connection
        if !connection.isClosed { connection.close().whenComplete { _ in _ = connection } }
    }

    /// Closes the idle connections without waiting, refusing new ones.
    func closeIdle() {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        idle.forEach(discard)
    }

    func closeAll() async {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle {
            try? await connection.connection.close()
        }
    }
}

/// A connection whose waits end when it closes. postgres-nio never answers a statement written to a
/// channel that has already closed (a connection the server ended while it sat in the pool), so a plain
/// `wait()` on its reply would block the thread for good.
final class WatchedConnection: Sendable {
    private struct State {
        /// Fails the wait in progress.
        var waiting: (@Sendable (any Error) -> Void)?
        var isClosed = false
    }

    let connection: PostgresConnection
    private let state = Mutex(State())

    init(_ connection: PostgresConnection) {
        self.connection = connection
        connection.closeFuture.whenComplete { [weak self] _ in self?.closed() }
    }

    var isClosed: Bool { connection.isClosed }

    /// Sends a statement; `wait` collects the reply.
    func send(_ query: PostgresQuery, logger: Logger) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(query, logger: logger)
    }

    /// Waits for a reply, on a thread that may block; fails as soon as the connection is closed.
    func wait<T: Sendable>(_ reply: EventLoopFuture<T>) throws -> T {
        let promise = connection.eventLoop.makePromise(of: T.self)
        let alreadyClosed = state.withLock { state in
            if !state.isClosed { state.waiting = { promise.fail($0) } }
            return state.isClosed
        }
        if alreadyClosed { promise.fail(PostgresStoreError.connection("the connection is closed")) }
        reply.cascade(to: promise)
        defer { state.withLock { $0.waiting = nil } }
        return try promise.futureResult.wait()
    }

    /// Streams `data` (rows in COPY's text format) into `table` with `COPY ... FROM STDIN` and waits until the
    /// server has taken them all. `table` and `columns` are the code's own names, never input.
    func copy(into table: String, columns: [String], data: [ByteBuffer], logger: Logger) throws {
        let done = connection.eventLoop.makePromise(of: Void.self)
        done.completeWithTask { [connection] in
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                for buffer in data { try await writer.write(buffer) }
            }
        }
        try wait(done.futureResult)
    }

    private func closed() {
        let waiting = state.withLock { state in
            state.isClosed = true
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?(PostgresStoreError.connection("the server closed the connection"))
    }
}
