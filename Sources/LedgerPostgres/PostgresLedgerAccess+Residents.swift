import Foundation
import LedgerCore
import PostgresNIO

/// Residents' consents, a volunteer's login, and the changes of my profile on PostgreSQL (migration 35,
/// `PostgresSchema.residentStatements`).
extension PostgresLedgerAccess {
    private static let consentColumns = """
        volunteer_id, user_id, terms_version, terms_accepted_at, guardian_name, guardian_phone, guardian_consented_at, took_over
        """

    private static func consent(_ c: inout Columns) throws -> ResidentConsent {
        ResidentConsent(volunteerId: try c.next(), userId: try c.next(), termsVersion: try c.next(), termsAcceptedAt: try c.next(),
                        guardianName: try c.next(), guardianPhone: try c.next(), guardianConsentedAt: try c.next(), tookOver: try c.next())
    }

    func residentConsent(volunteerId: Int64) throws -> ResidentConsent? {
        try row("SELECT \(unescaped: Self.consentColumns) FROM resident_consents WHERE volunteer_id = \(volunteerId)", Self.consent)
    }

    func residentConsents(after volunteerId: Int64?, limit: Int) throws -> [ResidentConsent] {
        try rows("""
            SELECT \(unescaped: Self.consentColumns) FROM resident_consents WHERE volunteer_id > \(volunteerId ?? 0)
            ORDER BY volunteer_id LIMIT \(limit)
            """, Self.consent)
    }

    func account(volunteerId: Int64) throws -> UserAccount? {
        try row("SELECT \(unescaped: Self.userColumns) FROM users WHERE volunteer_id = \(volunteerId) ORDER BY id LIMIT 1", Self.user)
    }

    func insert(_ consent: ResidentConsent) throws {
        try run("""
            INSERT INTO resident_consents (\(unescaped: Self.consentColumns))
            VALUES (\(consent.volunteerId), \(consent.userId), \(consent.termsVersion), \(Self.stored(consent.termsAcceptedAt)),
                    \(consent.guardianName), \(consent.guardianPhone), \(consent.guardianConsentedAt.map(Self.stored)), \(consent.tookOver))
            """)
    }

    func updateProfile(volunteerId: Int64, phone: String, residenceArea: String, skills: [String], serviceCategories: [ServiceCategory]) throws {
        try run("""
            UPDATE volunteers SET phone = \(phone), residence_area = \(residenceArea), skills = \(skills),
                   service_categories = \(serviceCategories.map(\.rawValue))
            WHERE id = \(volunteerId)
            """)
    }

    func updatePassword(userId: Int64, passwordHash: String) throws {
        try run("UPDATE users SET password_hash = \(passwordHash) WHERE id = \(userId)")
    }

    func revokeSessions(userId: Int64, keeping: String?, at: Date) throws {
        try run("""
            UPDATE sessions SET revoked_at = \(Self.stored(at))
            WHERE user_id = \(userId) AND revoked_at IS NULL AND token_hash IS DISTINCT FROM \(keeping)
            """)
    }
}
