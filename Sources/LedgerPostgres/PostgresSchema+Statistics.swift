extension PostgresSchema {
    /// Migration 36: the records of a period by the start of their service, for the bureau's statistics over a
    /// whole city (created on the partitioned table, so on every yearly partition).
    static let statisticsStatements = [
        "CREATE INDEX records_by_start ON service_records (start_at)",
    ]
}
