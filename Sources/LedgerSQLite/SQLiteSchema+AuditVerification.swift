extension SQLiteSchema {
    /// Where each organization's audit chain was last verified intact, and the results of verifications (the latest is
    /// shown on `/admin/audit`); and the index of the platform's organization list by region.
    static let auditVerificationSQL = """
        CREATE TABLE audit_verified_chains (
            organization_id INTEGER PRIMARY KEY REFERENCES organizations (id),
            chain_sequence INTEGER NOT NULL CHECK (chain_sequence >= 0),
            digest TEXT NOT NULL CHECK (length(digest) = 64),
            verified_at INTEGER NOT NULL
        );
        CREATE TABLE audit_verifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            finished_at INTEGER NOT NULL,
            report TEXT NOT NULL
        );
        CREATE INDEX organizations_region ON organizations (region_code, id);
        """
}
