extension SQLiteSchema {
    /// The security log: append-only (no update ever; a delete only of rows older than 180 days, the retention the
    /// platform promises), read newest first by account, by kind or by time.
    static let securityLogSQL = """
        CREATE TABLE security_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('account-created', 'password-changed', 'reset-issued', 'reset-used',
                'account-disabled', 'account-enabled', 'mfa-enrolled', 'mfa-removed', 'sign-in-failed', 'sign-in-succeeded',
                'session-ended')),
            at INTEGER NOT NULL,
            account_id INTEGER,
            username TEXT NOT NULL CHECK (length(username) <= 64),
            actor_id INTEGER,
            client_address TEXT CHECK (length(client_address) <= 64),
            user_agent TEXT CHECK (length(user_agent) <= 200),
            detail TEXT CHECK (length(detail) <= 200)
        );
        CREATE INDEX security_events_by_account ON security_events (account_id, id);
        CREATE INDEX security_events_by_kind ON security_events (kind, id);
        CREATE INDEX security_events_by_time ON security_events (at);
        CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events
            BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
        CREATE TRIGGER security_events_kept BEFORE DELETE ON security_events
            WHEN OLD.at > CAST(strftime('%s', 'now') AS INTEGER) - 180 * 86400
            BEGIN SELECT RAISE(ABORT, 'security events are kept at least 180 days'); END;
        """
}
