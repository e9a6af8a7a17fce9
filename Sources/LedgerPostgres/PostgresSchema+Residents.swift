extension PostgresSchema {
    /// Residents' self-registration, as `SQLiteSchema.residentsSQL`: the terms accepted and a minor's guardian consent,
    /// one row per volunteer with a self-opened login; and the indexes a person's login and sessions are found by.
    static let residentStatements = [
        """
            CREATE TABLE resident_consents (
                volunteer_id bigint PRIMARY KEY REFERENCES volunteers (id),
                user_id bigint NOT NULL REFERENCES users (id),
                terms_version text NOT NULL CHECK (char_length(terms_version) BETWEEN 1 AND 20),
                terms_accepted_at timestamptz NOT NULL,
                guardian_name text CHECK (char_length(guardian_name) <= 50),
                guardian_phone text CHECK (char_length(guardian_phone) <= 20),
                guardian_consented_at timestamptz,
                took_over boolean NOT NULL,
                CHECK ((guardian_name IS NULL) = (guardian_consented_at IS NULL))
            )
            """,
        "CREATE INDEX IF NOT EXISTS users_by_volunteer ON users (volunteer_id) WHERE volunteer_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id)",
    ]
}
