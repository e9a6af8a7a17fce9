import Foundation
import LedgerCore
import PostgresNIO

/// One-time codes on PostgreSQL (table of `PostgresSchema.verificationCodeStatements`).
extension PostgresLedgerAccess {
    private static let verificationCodeColumns = "purpose, destination, code_hash, issued_at, expires_at, attempts"

    private static func verificationCode(_ c: inout Columns) throws -> StoredVerificationCode {
        StoredVerificationCode(purpose: try StoredValue.decode(try c.next(String.self), column: "verification_codes.purpose"),
                               destination: try c.next(), codeHash: try c.next(), issuedAt: try c.next(), expiresAt: try c.next(),
                               attempts: try c.next(Int.self))
    }

    func verificationCode(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode? {
        try row("""
            SELECT \(unescaped: Self.verificationCodeColumns) FROM verification_codes
            WHERE purpose = \(purpose.rawValue) AND destination = \(destination)
            """, Self.verificationCode)
    }

    func replaceVerificationCode(_ code: StoredVerificationCode) throws {
        try run("""
            INSERT INTO verification_codes (purpose, destination, code_hash, issued_at, expires_at, attempts)
            VALUES (\(code.purpose.rawValue), \(code.destination), \(code.codeHash), \(Self.stored(code.issuedAt)),
                    \(Self.stored(code.expiresAt)), \(code.attempts))
            ON CONFLICT (purpose, destination) DO UPDATE SET code_hash = EXCLUDED.code_hash, issued_at = EXCLUDED.issued_at,
                expires_at = EXCLUDED.expires_at, attempts = EXCLUDED.attempts
            """)
    }

    func countVerificationAttempt(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode? {
        // The UPDATE locks the row until the transaction ends: a concurrent try waits and then counts on top of this one.
        try row("""
            UPDATE verification_codes SET attempts = attempts + 1
            WHERE purpose = \(purpose.rawValue) AND destination = \(destination)
            RETURNING \(unescaped: Self.verificationCodeColumns)
            """, Self.verificationCode)
    }

    func deleteVerificationCode(purpose: VerificationPurpose, destination: String) throws {
        try run("DELETE FROM verification_codes WHERE purpose = \(purpose.rawValue) AND destination = \(destination)")
    }

    func deleteVerificationCodes(expiredBefore time: Date, limit: Int) throws -> Int {
        try rows("""
            DELETE FROM verification_codes WHERE (purpose, destination) IN (
                SELECT purpose, destination FROM verification_codes WHERE expires_at < \(Self.stored(time)) LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING 1
            """) { try $0.next(Int.self) }.count
    }
}

extension PostgresSchema {
    /// One-time codes, as `SQLiteSchema.verificationCodesSQL`: one per purpose and destination, only its keyed hash.
    static let verificationCodeStatements = [
        """
            CREATE TABLE verification_codes (
                purpose text NOT NULL CHECK (purpose IN ('register', 'change-phone', 'reset-password', 'organization-apply')),
                destination text NOT NULL CHECK (length(destination) BETWEEN 1 AND 300),
                code_hash text NOT NULL CHECK (length(code_hash) = 64),
                issued_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                PRIMARY KEY (purpose, destination)
            )
            """,
        "CREATE INDEX verification_codes_by_expiry ON verification_codes (expires_at)",
    ]
}
