extension SQLiteSchema {
    /// Migration `v36-statistics`: the records of a period by the start of their service, for the bureau's
    /// statistics over a whole city (a year is a range of this index, not a scan of the table).
    static let statisticsSQL = """
        CREATE INDEX records_by_start ON service_records (start_at);
        """
}
