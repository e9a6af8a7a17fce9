import Foundation

/// One-time codes in the store (part of `LedgerReader` and `LedgerWriter`), shared by every server process.
public protocol VerificationCodeReader {
    /// The code issued for `purpose` to `destination`, expired or not; nil when none is kept.
    func verificationCode(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode?
}

public protocol VerificationCodeWriter {
    /// Keeps `code` as the one code for its purpose and destination, replacing an earlier one and its tries.
    func replaceVerificationCode(_ code: StoredVerificationCode) throws
    /// Counts one try of the code for `purpose` and `destination` and returns it with the try counted; nil when none
    /// is kept. The row stays locked until the transaction ends, so tries racing in other processes count one by one.
    func countVerificationAttempt(purpose: VerificationPurpose, destination: String) throws -> StoredVerificationCode?
    /// Forgets the code (used).
    func deleteVerificationCode(purpose: VerificationPurpose, destination: String) throws
    /// Forgets at most `limit` codes that expired before `time`; returns how many.
    func deleteVerificationCodes(expiredBefore time: Date, limit: Int) throws -> Int
}
