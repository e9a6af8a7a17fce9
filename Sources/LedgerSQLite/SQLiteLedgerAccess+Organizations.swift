import Foundation
import GRDB
import LedgerCore

/// Organizations: `OrganizationReader` and `OrganizationWriter`.
extension SQLiteLedgerAccess {
    // Rows are read by position from explicit column lists: looking a column up by name costs more than
    // the query on a list page, and a column added later cannot shift what is read.

    static let organizationColumns = "id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at"

    static func organization(_ row: Row) -> Organization {
        Organization(id: row[0], creditCode: row[1], name: row[2], regionCode: row[3], contactName: row[4], contactPhone: row[5],
                     timeZoneIdentifier: row[6], createdAt: date(row[7]))
    }

    func organization(id: Int64) throws -> Organization? {
        try row("SELECT \(Self.organizationColumns) FROM organizations WHERE id = ?", [id]).map(Self.organization)
    }

    func organization(creditCode: String) throws -> Organization? {
        try row("SELECT \(Self.organizationColumns) FROM organizations WHERE credit_code = ?", [creditCode]).map(Self.organization)
    }

    func organizations(after: Int64?, limit: Int) throws -> [Organization] {
        try rows("SELECT \(Self.organizationColumns) FROM organizations WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.organization)
    }

    /// A credit code's start reads the unique index of credit codes, a region's start the index of regions; a part of a
    /// name reads the organizations in id order until the page is full.
    func organizations(matching search: OrganizationSearch, after: Int64?, limit: Int) throws -> [Organization] {
        var conditions = ["id > ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [after ?? 0]
        if let code = search.creditCodePrefix {
            conditions.append("credit_code >= ? AND credit_code < ?")
            arguments += [code, OrganizationSearch.rangeEnd(ofPrefix: code)]
        } else if let text = search.text {
            conditions.append("name LIKE ? ESCAPE '\\'")
            arguments.append("%" + LikePattern.escaped(text) + "%")
        }
        if let region = search.regionPrefix {
            conditions.append("region_code >= ? AND region_code < ?")
            arguments += [region, OrganizationSearch.rangeEnd(ofPrefix: region)]
        }
        arguments.append(limit)
        return try rows("SELECT \(Self.organizationColumns) FROM organizations WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
                        StatementArguments(arguments)).map(Self.organization)
    }

    func insert(_ organization: Organization) throws -> Organization {
        try store(organization, id: nil)
    }

    func restore(_ organization: Organization) throws {
        _ = try store(organization, id: organization.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ organization: Organization, id: Int64?) throws -> Organization {
        try execute("""
            INSERT INTO organizations (id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, organization.creditCode, organization.name, organization.regionCode, organization.contactName,
                  organization.contactPhone, organization.timeZoneIdentifier, Self.seconds(organization.createdAt)])
        var stored = organization
        stored.id = db.lastInsertedRowID
        return stored
    }
}
