import Foundation
import LedgerCore
import PostgresNIO

/// The security log: `SecurityLogReader` and `SecurityLogWriter`.
extension PostgresLedgerAccess {
    static let securityEventColumns = "id, kind, at, account_id, username, actor_id, client_address, user_agent, detail"

    static func securityEvent(_ c: inout Columns) throws -> SecurityEvent {
        var event = SecurityEvent(id: try c.next(), kind: try StoredValue.decode(try c.next(), column: "security_events.kind"),
                                  at: try c.next(), accountId: try c.next(), username: try c.next(), actorId: try c.next())
        event.clientAddress = try c.next()
        event.userAgent = try c.next()
        event.detail = try c.next()
        return event
    }

    func securityEvents(_ filter: SecurityEventFilter, beforeId: Int64?, limit: Int) throws -> [SecurityEvent] {
        let kind = filter.kind?.rawValue
        return try rows("""
            SELECT \(unescaped: Self.securityEventColumns) FROM security_events
            WHERE id < \(beforeId ?? Int64.max)
              AND (\(kind)::text IS NULL OR kind = \(kind))
              AND (\(filter.accountId)::bigint IS NULL OR account_id = \(filter.accountId))
              AND (\(filter.from.map(Self.stored))::timestamptz IS NULL OR at >= \(filter.from.map(Self.stored)))
              AND (\(filter.before.map(Self.stored))::timestamptz IS NULL OR at < \(filter.before.map(Self.stored)))
            ORDER BY id DESC LIMIT \(limit)
            """, Self.securityEvent)
    }

    func securityEvents(afterId: Int64?, limit: Int) throws -> [SecurityEvent] {
        try rows("""
            SELECT \(unescaped: Self.securityEventColumns) FROM security_events WHERE id > \(afterId ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.securityEvent)
    }

    @discardableResult
    func append(_ event: SecurityEvent) throws -> SecurityEvent {
        try storeSecurityEvent(event, id: nil)
    }

    func restore(_ event: SecurityEvent) throws {
        _ = try storeSecurityEvent(event, id: event.id)
    }

    func storeSecurityEvent(_ event: SecurityEvent, id: Int64?) throws -> SecurityEvent {
        let id = try row("""
            INSERT INTO security_events (id, kind, at, account_id, username, actor_id, client_address, user_agent, detail)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('security_events', 'id'))),
                    \(event.kind.rawValue), \(Self.stored(event.at)), \(event.accountId), \(event.username), \(event.actorId),
                    \(event.clientAddress), \(event.userAgent), \(event.detail))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = event
        stored.id = try Self.require(id)
        return stored
    }

    func pruneSecurityEvents(olderThan cutoff: Date, limit: Int) throws -> Int {
        let count = try row("""
            WITH gone AS (
                DELETE FROM security_events WHERE id IN (
                    SELECT id FROM security_events WHERE at < \(Self.stored(cutoff)) ORDER BY at LIMIT \(limit))
                RETURNING 1)
            SELECT count(*) FROM gone
            """) { try $0.next(Int64.self) }
        return Int(count ?? 0)
    }
}
