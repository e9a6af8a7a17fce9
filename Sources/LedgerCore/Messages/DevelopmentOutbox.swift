import Foundation
import Logging
import Synchronization

/// The development outbox (`messages = dev`, used by `make run`): nothing leaves the machine; every message is written
/// to the server log and kept in memory for the page `/dev/outbox`, newest first, at most `capacity` of them. The only
/// place a one-time code is ever logged, so it must never run on a real platform.
public final class DevelopmentOutbox: MessageSender {
    /// A message as the outbox keeps it.
    public struct Entry: Sendable, Hashable {
        public var number: Int
        public var sentAt: Date
        public var message: OutgoingMessage
    }

    private struct State {
        var entries: [Entry] = []
        var sent = 0
    }

    private let state = Mutex(State())
    private let logger: Logger?
    private let clock: @Sendable () -> Date
    public let capacity: Int

    public init(capacity: Int = 200, logger: Logger? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.capacity = max(1, capacity)
        self.logger = logger
        self.clock = clock
    }

    public var channels: Set<MessageChannel> { [.sms, .email] }

    public func send(_ message: OutgoingMessage) async throws {
        let number = state.withLock { state in
            state.sent += 1
            state.entries.append(Entry(number: state.sent, sentAt: clock(), message: message))
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
            return state.sent
        }
        logger?.notice("dev outbox: message not sent, kept for /dev/outbox", metadata: [
            "number": "\(number)", "to": "\(message.recipient.address)", "kind": "\(message.kind)",
            "subject": "\(message.subject)", "body": "\(message.body)",
        ])
    }

    /// The messages kept, newest first.
    public var entries: [Entry] {
        state.withLock { $0.entries.reversed() }
    }
}
