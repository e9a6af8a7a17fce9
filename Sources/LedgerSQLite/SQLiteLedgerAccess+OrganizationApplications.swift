import Foundation
import GRDB
import LedgerCore

/// Organizations' applications and their certificates on SQLite (tables of migration `v34-organization-applications`).
extension SQLiteLedgerAccess {
    private static let applicationColumns = """
        id, name, credit_code, region_code, registration_type, contact_name, contact_phone, admin_username, admin_password_hash,
        certificate_hash, status_token_hash, state, submitted_at, decided_at, decided_by, reason, organization_id
        """

    private static func application(_ row: Row) throws -> OrganizationApplication {
        try OrganizationApplication(
            id: row[0], name: row[1], creditCode: row[2], regionCode: row[3],
            registrationType: StoredValue.decode(row[4], column: "organization_applications.registration_type"),
            contactName: row[5], contactPhone: row[6], adminUsername: row[7], adminPasswordHash: row[8], certificateHash: row[9],
            statusTokenHash: row[10], state: StoredValue.decode(row[11], column: "organization_applications.state"),
            submittedAt: date(row[12]), decidedAt: (row[13] as Int64?).map(date), decidedBy: row[14], reason: row[15],
            organizationId: row[16])
    }

    private static func certificate(_ row: Row) -> RegistrationCertificateFile {
        RegistrationCertificateFile(hash: row[0], contentType: row[1], bytes: [UInt8](row[2] as Data))
    }

    func organizationApplication(id: Int64) throws -> OrganizationApplication? {
        try row("SELECT \(Self.applicationColumns) FROM organization_applications WHERE id = ?", [id]).map(Self.application)
    }

    func pendingOrganizationApplication(creditCode: String) throws -> OrganizationApplication? {
        try row("SELECT \(Self.applicationColumns) FROM organization_applications WHERE credit_code = ? AND state = 'pending'",
                [creditCode]).map(Self.application)
    }

    func organizationApplications(state: OrganizationApplicationState?, after: Int64?, limit: Int) throws -> [OrganizationApplication] {
        if let state {
            return try rows("""
                SELECT \(Self.applicationColumns) FROM organization_applications WHERE state = ? AND id > ? ORDER BY id LIMIT ?
                """, [state.rawValue, after ?? 0, limit]).map(Self.application)
        }
        return try rows("SELECT \(Self.applicationColumns) FROM organization_applications WHERE id > ? ORDER BY id LIMIT ?",
                        [after ?? 0, limit]).map(Self.application)
    }

    func registrationCertificate(hash: String) throws -> RegistrationCertificateFile? {
        try row("SELECT hash, content_type, bytes FROM registration_certificates WHERE hash = ?", [hash]).map(Self.certificate)
    }

    func registrationCertificates(after hash: String?, limit: Int) throws -> [RegistrationCertificateFile] {
        try rows("SELECT hash, content_type, bytes FROM registration_certificates WHERE hash > ? ORDER BY hash LIMIT ?",
                 [hash ?? "", limit]).map(Self.certificate)
    }

    func insert(_ application: OrganizationApplication) throws -> OrganizationApplication? {
        try storeApplication(application, id: nil)
    }

    func restore(_ application: OrganizationApplication) throws {
        _ = try storeApplication(application, id: application.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); nothing when one is pending for the credit code.
    private func storeApplication(_ a: OrganizationApplication, id: Int64?) throws -> OrganizationApplication? {
        try execute("""
            INSERT INTO organization_applications (\(Self.applicationColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (credit_code) WHERE state = 'pending' DO NOTHING
            """, [id, a.name, a.creditCode, a.regionCode, a.registrationType.rawValue, a.contactName, a.contactPhone, a.adminUsername,
                  a.adminPasswordHash, a.certificateHash, a.statusTokenHash, a.state.rawValue, Self.seconds(a.submittedAt),
                  a.decidedAt.map(Self.seconds), a.decidedBy, a.reason, a.organizationId])
        guard db.changesCount == 1 else { return nil }
        var stored = a
        stored.id = db.lastInsertedRowID
        return stored
    }

    func decide(_ a: OrganizationApplication) throws -> Bool {
        try execute("""
            UPDATE organization_applications SET state = ?, decided_at = ?, decided_by = ?, reason = ?, organization_id = ?
            WHERE id = ? AND state = 'pending'
            """, [a.state.rawValue, a.decidedAt.map(Self.seconds), a.decidedBy, a.reason, a.organizationId, a.id])
        return db.changesCount == 1
    }

    func save(_ certificate: RegistrationCertificateFile) throws {
        try execute("INSERT INTO registration_certificates (hash, content_type, bytes) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    [certificate.hash, certificate.contentType, Data(certificate.bytes)])
    }
}
