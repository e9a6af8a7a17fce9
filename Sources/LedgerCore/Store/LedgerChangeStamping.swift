/// A store that says cheaply whether anything was committed since it was last asked: the stamp changes
/// with every commit by any process. SQLite implements it with `PRAGMA data_version`; stores without it
/// (PostgreSQL) are simply read every time.
public protocol LedgerChangeStamping: Sendable {
    func changeStamp() throws -> Int64
}
