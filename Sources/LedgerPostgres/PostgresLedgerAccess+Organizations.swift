import Foundation
import LedgerCore
import PostgresNIO

/// Organizations: `OrganizationReader` and `OrganizationWriter`.
extension PostgresLedgerAccess {
    static let organizationColumns = "id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at"

    static func organization(_ c: inout Columns) throws -> Organization {
        Organization(id: try c.next(), creditCode: try c.next(), name: try c.next(), regionCode: try c.next(),
                     contactName: try c.next(), contactPhone: try c.next(), timeZoneIdentifier: try c.next(),
                     createdAt: try c.next())
    }

    func organization(id: Int64) throws -> Organization? {
        try row("SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE id = \(id)", Self.organization)
    }

    func organization(creditCode: String) throws -> Organization? {
        try row("SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE credit_code = \(creditCode)",
                Self.organization)
    }

    func organizations(after: Int64?, limit: Int) throws -> [Organization] {
        try rows("""
            SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.organization)
    }

    /// As on SQLite: a credit code's start and a region's start read their indexes, a part of a name reads in id order.
    func organizations(matching search: OrganizationSearch, after: Int64?, limit: Int) throws -> [Organization] {
        let code = search.creditCodePrefix
        let name = code == nil ? search.text.map { "%" + LikePattern.escaped($0) + "%" } : nil
        let region = search.regionPrefix
        return try rows("""
            SELECT \(unescaped: Self.organizationColumns) FROM organizations
            WHERE id > \(after ?? 0)
              AND (\(code)::text IS NULL OR (credit_code >= \(code) AND credit_code < \(code.map(OrganizationSearch.rangeEnd(ofPrefix:)))))
              AND (\(name)::text IS NULL OR name LIKE \(name))
              AND (\(region)::text IS NULL OR (region_code >= \(region) AND region_code < \(region.map(OrganizationSearch.rangeEnd(ofPrefix:)))))
            ORDER BY id LIMIT \(limit)
            """, Self.organization)
    }

    func insert(_ organization: Organization) throws -> Organization {
        try store(organization, id: nil)
    }

    func restore(_ organization: Organization) throws {
        _ = try store(organization, id: organization.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ organization: Organization, id: Int64?) throws -> Organization {
        let id = try row("""
            INSERT INTO organizations (id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('organizations', 'id'))),
                    \(organization.creditCode), \(organization.name), \(organization.regionCode),
                    \(organization.contactName), \(organization.contactPhone), \(organization.timeZoneIdentifier),
                    \(Self.stored(organization.createdAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = organization
        stored.id = try Self.require(id)
        return stored
    }
}
