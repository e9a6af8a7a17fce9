import Foundation
import LedgerCore
import PostgresNIO

/// Organizations' applications and their certificates on PostgreSQL (tables of migration 34,
/// `PostgresSchema.organizationApplicationStatements`).
extension PostgresLedgerAccess {
    private static let applicationColumns = """
        id, name, credit_code, region_code, registration_type, contact_name, contact_phone, admin_username, admin_password_hash,
        certificate_hash, status_token_hash, state, submitted_at, decided_at, decided_by, reason, organization_id
        """

    private static func application(_ c: inout Columns) throws -> OrganizationApplication {
        OrganizationApplication(
            id: try c.next(), name: try c.next(), creditCode: try c.next(), regionCode: try c.next(),
            registrationType: try StoredValue.decode(try c.next(), column: "organization_applications.registration_type"),
            contactName: try c.next(), contactPhone: try c.next(), adminUsername: try c.next(), adminPasswordHash: try c.next(),
            certificateHash: try c.next(), statusTokenHash: try c.next(),
            state: try StoredValue.decode(try c.next(), column: "organization_applications.state"), submittedAt: try c.next(),
            decidedAt: try c.next(), decidedBy: try c.next(), reason: try c.next(), organizationId: try c.next())
    }

    private static func certificate(_ c: inout Columns) throws -> RegistrationCertificateFile {
        RegistrationCertificateFile(hash: try c.next(), contentType: try c.next(), bytes: Array(try c.next(ByteBuffer.self).readableBytesView))
    }

    func organizationApplication(id: Int64) throws -> OrganizationApplication? {
        try row("SELECT \(unescaped: Self.applicationColumns) FROM organization_applications WHERE id = \(id)", Self.application)
    }

    func pendingOrganizationApplication(creditCode: String) throws -> OrganizationApplication? {
        try row("""
            SELECT \(unescaped: Self.applicationColumns) FROM organization_applications
            WHERE credit_code = \(creditCode) AND state = 'pending'
            """, Self.application)
    }

    func organizationApplications(state: OrganizationApplicationState?, after: Int64?, limit: Int) throws -> [OrganizationApplication] {
        if let state {
            return try rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM organization_applications
                WHERE state = \(state.rawValue) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
                """, Self.application)
        }
        return try rows("""
            SELECT \(unescaped: Self.applicationColumns) FROM organization_applications WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.application)
    }

    func registrationCertificate(hash: String) throws -> RegistrationCertificateFile? {
        try row("SELECT hash, content_type, bytes FROM registration_certificates WHERE hash = \(hash)", Self.certificate)
    }

    func registrationCertificates(after hash: String?, limit: Int) throws -> [RegistrationCertificateFile] {
        try rows("SELECT hash, content_type, bytes FROM registration_certificates WHERE hash > \(hash ?? "") ORDER BY hash LIMIT \(limit)",
                 Self.certificate)
    }

    func insert(_ application: OrganizationApplication) throws -> OrganizationApplication? {
        try storeApplication(application, id: nil)
    }

    func restore(_ application: OrganizationApplication) throws {
        _ = try storeApplication(application, id: application.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); nothing when one is pending for the credit code.
    private func storeApplication(_ a: OrganizationApplication, id: Int64?) throws -> OrganizationApplication? {
        let id = try row("""
            INSERT INTO organization_applications (\(unescaped: Self.applicationColumns))
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('organization_applications', 'id'))), \(a.name),
                    \(a.creditCode), \(a.regionCode), \(a.registrationType.rawValue), \(a.contactName), \(a.contactPhone),
                    \(a.adminUsername), \(a.adminPasswordHash), \(a.certificateHash), \(a.statusTokenHash), \(a.state.rawValue),
                    \(Self.stored(a.submittedAt)), \(a.decidedAt.map(Self.stored)), \(a.decidedBy), \(a.reason), \(a.organizationId))
            ON CONFLICT (credit_code) WHERE state = 'pending' DO NOTHING
            RETURNING id
            """) { try $0.next(Int64.self) }
        guard let id else { return nil }
        var stored = a
        stored.id = id
        return stored
    }

    func decide(_ a: OrganizationApplication) throws -> Bool {
        try row("""
            UPDATE organization_applications SET state = \(a.state.rawValue), decided_at = \(a.decidedAt.map(Self.stored)),
                decided_by = \(a.decidedBy), reason = \(a.reason), organization_id = \(a.organizationId)
            WHERE id = \(a.id) AND state = 'pending' RETURNING id
            """) { try $0.next(Int64.self) } != nil
    }

    func save(_ certificate: RegistrationCertificateFile) throws {
        try run("""
            INSERT INTO registration_certificates (hash, content_type, bytes) VALUES (\(certificate.hash), \(certificate.contentType),
                \(ByteBuffer(bytes: certificate.bytes))) ON CONFLICT (hash) DO NOTHING
            """)
    }
}
