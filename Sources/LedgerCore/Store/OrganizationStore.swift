import Foundation

/// Organizations (志愿服务组织) in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol OrganizationReader {
    func organization(id: Int64) throws -> Organization?
    func organization(creditCode: String) throws -> Organization?
    /// Organizations by id.
    func organizations(after: Int64?, limit: Int) throws -> [Organization]
    /// Organizations matching `search`, by id.
    func organizations(matching search: OrganizationSearch, after: Int64?, limit: Int) throws -> [Organization]
}

public protocol OrganizationWriter {
    func insert(_ organization: Organization) throws -> Organization
    /// Keeps the given id, for copying a ledger between backends.
    func restore(_ organization: Organization) throws
}
