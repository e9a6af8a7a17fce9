import Metrics

/// What the use cases count, through swift-metrics: the backend is whatever the process bootstraps
/// (Prometheus in `vledger serve`, nothing in the CLI and most tests). Labels take a few fixed values only,
/// never a name, token or id, so a series cannot be made per person.
public enum LedgerMetrics {
    /// An import ended: `committed`, `empty` (a header and no rows), `rejected` (bad rows, nothing stored) or
    /// `refused` (the file itself).
    static func importFinished(_ outcome: String, rows: Int) {
        Counter(label: "vledger_imports_total", dimensions: [("outcome", outcome)]).increment()
        if rows > 0 { Counter(label: "vledger_import_rows_total", dimensions: [("outcome", outcome)]).increment(by: rows) }
    }

    static func certificateIssued() {
        Counter(label: "vledger_certificates_issued_total").increment()
    }

    /// A verification answered: by status, and for invalid ones by reason.
    static func verified(_ result: CertificateVerification) {
        Counter(label: "vledger_verifications_total",
                dimensions: [("outcome", result.status.rawValue), ("reason", result.reason?.rawValue ?? "none")]).increment()
    }

    static func loginFailed() {
        Counter(label: "vledger_login_failures_total").increment()
    }

    static func loginThrottled() {
        Counter(label: "vledger_login_throttled_total").increment()
    }

    /// A typed code refused because its guesser must wait: `attendance_code` or `invitation`.
    static func guessThrottled(_ secret: String) {
        Counter(label: "vledger_guesses_throttled_total", dimensions: [("secret", secret)]).increment()
    }

    /// A cache lookup: `cache` names the cache (`verification`, `verification_page`, `dashboard`).
    public static func cacheLookup(_ cache: String, hit: Bool) {
        Counter(label: "vledger_cache_lookups_total", dimensions: [("cache", cache), ("result", hit ? "hit" : "miss")]).increment()
    }

    /// A read that may lag (`LedgerStore.readAllowingLag`) on a store with replicas: who answered it, and why
    /// (`caught_up`, `before_own_write`, `lagging`, `replica_failed`, `unreadable_position`).
    public static func laggingRead(answeredBy: String, reason: String) {
        Counter(label: "vledger_lagging_reads_total", dimensions: [("answered_by", answeredBy), ("reason", reason)]).increment()
    }

    /// One store transaction, timed from its start to its commit or rollback.
    public static func transaction(store: String, kind: String, nanoseconds: UInt64) {
        Timer(label: "vledger_db_transaction_seconds", dimensions: [("store", store), ("kind", kind)])
            .recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
