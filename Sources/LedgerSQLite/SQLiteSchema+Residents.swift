extension SQLiteSchema {
    /// Residents' self-registration: the terms accepted and a minor's guardian consent, one row per volunteer with a
    /// self-opened login; and the indexes a person's login and sessions are found by (one account per volunteer is
    /// looked up at every registration, and a password change ends the account's other sessions).
    static let residentsSQL = """
        CREATE TABLE resident_consents (
            volunteer_id INTEGER PRIMARY KEY REFERENCES volunteers (id),
            user_id INTEGER NOT NULL REFERENCES users (id),
            terms_version TEXT NOT NULL CHECK (length(terms_version) BETWEEN 1 AND 20),
            terms_accepted_at INTEGER NOT NULL,
            guardian_name TEXT CHECK (length(guardian_name) <= 50),
            guardian_phone TEXT CHECK (length(guardian_phone) <= 20),
            guardian_consented_at INTEGER,
            took_over INTEGER NOT NULL CHECK (took_over IN (0, 1)),
            CHECK ((guardian_name IS NULL) = (guardian_consented_at IS NULL))
        );
        CREATE INDEX IF NOT EXISTS users_by_volunteer ON users (volunteer_id) WHERE volunteer_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
        """
}
