import Foundation
import GRDB
import LedgerCore

/// The security log: `SecurityLogReader` and `SecurityLogWriter`.
extension SQLiteLedgerAccess {
    static let securityEventColumns = "id, kind, at, account_id, username, actor_id, client_address, user_agent, detail"

    static func securityEvent(_ row: Row) throws -> SecurityEvent {
        var event = SecurityEvent(id: row[0], kind: try StoredValue.decode(row[1], column: "security_events.kind"), at: date(row[2]),
                                  accountId: row[3], username: row[4], actorId: row[5])
        event.clientAddress = row[6]
        event.userAgent = row[7]
        event.detail = row[8]
        return event
    }

    func securityEvents(_ filter: SecurityEventFilter, beforeId: Int64?, limit: Int) throws -> [SecurityEvent] {
        var conditions = ["id < ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [beforeId ?? Int64.max]
        if let kind = filter.kind { conditions.append("kind = ?"); arguments.append(kind.rawValue) }
        if let accountId = filter.accountId { conditions.append("account_id = ?"); arguments.append(accountId) }
        if let from = filter.from { conditions.append("at >= ?"); arguments.append(Self.seconds(from)) }
        if let before = filter.before { conditions.append("at < ?"); arguments.append(Self.seconds(before)) }
        arguments.append(limit)
        return try rows("""
            SELECT \(Self.securityEventColumns) FROM security_events WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT ?
            """, StatementArguments(arguments)).map(Self.securityEvent)
    }

    func securityEvents(afterId: Int64?, limit: Int) throws -> [SecurityEvent] {
        try rows("SELECT \(Self.securityEventColumns) FROM security_events WHERE id > ? ORDER BY id LIMIT ?",
                 [afterId ?? 0, limit]).map(Self.securityEvent)
    }

    @discardableResult
    func append(_ event: SecurityEvent) throws -> SecurityEvent {
        try storeSecurityEvent(event, id: nil)
    }

    func restore(_ event: SecurityEvent) throws {
        _ = try storeSecurityEvent(event, id: event.id)
    }

    func storeSecurityEvent(_ event: SecurityEvent, id: Int64?) throws -> SecurityEvent {
        try execute("""
            INSERT INTO security_events (id, kind, at, account_id, username, actor_id, client_address, user_agent, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, event.kind.rawValue, Self.seconds(event.at), event.accountId, event.username, event.actorId,
                  event.clientAddress, event.userAgent, event.detail])
        var stored = event
        stored.id = db.lastInsertedRowID
        return stored
    }

    func pruneSecurityEvents(olderThan cutoff: Date, limit: Int) throws -> Int {
        try execute("""
            DELETE FROM security_events WHERE id IN (SELECT id FROM security_events WHERE at < ? ORDER BY at LIMIT ?)
            """, [Self.seconds(cutoff), limit])
        return db.changesCount
    }
}
