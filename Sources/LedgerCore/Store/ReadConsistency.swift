import Synchronization

/// What one caller (a browser, an API client) has written, so that reads answered by a replica that lags
/// behind the primary (`LedgerStore.readAllowingLag`) still show the caller's own writes.
///
/// A position is the store's opaque name for a point in its history (on PostgreSQL a WAL location). The
/// HTTP layer hands the caller the position of their last write and takes it back with their next
/// request; in between it lives with the caller, so any server process can honour it.
public final class ReadConsistency: Sendable {
    /// The consistency of the request being served; nil outside a request (the CLI, tests).
    @TaskLocal public static var current: ReadConsistency?

    /// The position of a write the caller saw earlier, as they sent it back (unchecked: a store that
    /// cannot read it reads from the primary).
    public let seen: String?
    private let written = Mutex<String?>(nil)

    public init(seen: String?) {
        self.seen = seen
    }

    /// Notes that a write of this request was committed at `position` (a store calls this after commit).
    public func wrote(at position: String) {
        written.withLock { $0 = position }
    }

    /// The position of this request's last committed write, if it wrote.
    public var lastWrite: String? { written.withLock { $0 } }

    /// What a read must include: this request's last write, else the write the caller saw before.
    public var required: String? { lastWrite ?? seen }
}
