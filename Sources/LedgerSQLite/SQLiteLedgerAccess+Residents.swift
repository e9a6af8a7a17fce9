import Foundation
import GRDB
import LedgerCore

/// Residents' consents, a volunteer's login, and the changes of my profile on SQLite (migration `v35-resident-registration`).
extension SQLiteLedgerAccess {
    private static let consentColumns = """
        volunteer_id, user_id, terms_version, terms_accepted_at, guardian_name, guardian_phone, guardian_consented_at, took_over
        """

    private static func consent(_ row: Row) -> ResidentConsent {
        ResidentConsent(volunteerId: row[0], userId: row[1], termsVersion: row[2], termsAcceptedAt: date(row[3]), guardianName: row[4],
                        guardianPhone: row[5], guardianConsentedAt: (row[6] as Int64?).map(date), tookOver: row[7])
    }

    func residentConsent(volunteerId: Int64) throws -> ResidentConsent? {
        try row("SELECT \(Self.consentColumns) FROM resident_consents WHERE volunteer_id = ?", [volunteerId]).map(Self.consent)
    }

    func residentConsents(after volunteerId: Int64?, limit: Int) throws -> [ResidentConsent] {
        try rows("SELECT \(Self.consentColumns) FROM resident_consents WHERE volunteer_id > ? ORDER BY volunteer_id LIMIT ?",
                 [volunteerId ?? 0, limit]).map(Self.consent)
    }

    func account(volunteerId: Int64) throws -> UserAccount? {
        try row("SELECT \(Self.userColumns) FROM users WHERE volunteer_id = ? ORDER BY id LIMIT 1", [volunteerId]).map(Self.user)
    }

    func insert(_ consent: ResidentConsent) throws {
        try execute("INSERT INTO resident_consents (\(Self.consentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [consent.volunteerId, consent.userId, consent.termsVersion, Self.seconds(consent.termsAcceptedAt), consent.guardianName,
                     consent.guardianPhone, consent.guardianConsentedAt.map(Self.seconds), consent.tookOver])
    }

    func updateProfile(volunteerId: Int64, phone: String, residenceArea: String, skills: [String], serviceCategories: [ServiceCategory]) throws {
        try execute("UPDATE volunteers SET phone = ?, residence_area = ?, skills = ?, service_categories = ? WHERE id = ?",
                    [phone, residenceArea, StoredList.encode(skills), StoredList.encode(serviceCategories.map(\.rawValue)), volunteerId])
    }

    func updatePassword(userId: Int64, passwordHash: String) throws {
        try execute("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, userId])
    }

    func revokeSessions(userId: Int64, keeping: String?, at: Date) throws {
        try execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash IS NOT ?",
                    [Self.seconds(at), userId, keeping])
    }
}
