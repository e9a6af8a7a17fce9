import Foundation
import GRDB
import LedgerCore

/// One-time codes on SQLite (table of migration `v16-verification-codes`).
extension SQLiteLedgerAccess {
    private static let verificationCodeColumns = "purpose, destination, code_hash, issued_at, expires_at, attempts"

    private static func verificationCode(_ row: Row) throws -> StoredVerificationCode {
        StoredVerificationCode(purpose: try StoredValue.decode(row[0] as String, column: "verification_codes.purpose"),
                               destination: row[1], codeHash: row[2], issuedAt: date(row[3] as Int64), expiresAt: date(row[4] as Int64), attempts: row[5])
    }

    func verificationCode(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(Self.verificationCodeColumns) FROM verification_codes WHERE purpose = ? AND destination = ?
            """), arguments: [purpose.rawValue, destination]).map(Self.verificationCode)
    }

    func replaceVerificationCode(_ code: StoredVerificationCode) throws {
        try db.cachedStatement(sql: """
            INSERT INTO verification_codes (purpose, destination, code_hash, issued_at, expires_at, attempts) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (purpose, destination) DO UPDATE SET code_hash = excluded.code_hash, issued_at = excluded.issued_at,
                expires_at = excluded.expires_at, attempts = excluded.attempts
            """).execute(arguments: [code.purpose.rawValue, code.destination, code.codeHash, Self.seconds(code.issuedAt),
                                     Self.seconds(code.expiresAt), code.attempts])
    }

    func countVerificationAttempt(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode? {
        // Writes are serialized by SQLite's one writer; RETURNING gives the row as counted.
        try Row.fetchOne(db.cachedStatement(sql: """
            UPDATE verification_codes SET attempts = attempts + 1 WHERE purpose = ? AND destination = ?
            RETURNING \(Self.verificationCodeColumns)
            """), arguments: [purpose.rawValue, destination]).map(Self.verificationCode)
    }

    func deleteVerificationCode(purpose: VerificationPurpose, destination: String) throws {
        try db.cachedStatement(sql: "DELETE FROM verification_codes WHERE purpose = ? AND destination = ?")
            .execute(arguments: [purpose.rawValue, destination])
    }

    func deleteVerificationCodes(expiredBefore time: Date, limit: Int) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM verification_codes WHERE (purpose, destination) IN (
                SELECT purpose, destination FROM verification_codes WHERE expires_at < ? LIMIT ?)
            """).execute(arguments: [Self.seconds(time), limit])
        return db.changesCount
    }
}
