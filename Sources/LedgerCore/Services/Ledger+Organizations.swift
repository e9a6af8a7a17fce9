import Foundation

/// What a platform admin enters to register an organization.
public struct OrganizationInput: Codable, Sendable {
    public var creditCode: String
    public var name: String
    public var regionCode: String
    public var contactName: String
    public var contactPhone: String
    public var timeZone: String?

    public init(creditCode: String, name: String, regionCode: String, contactName: String, contactPhone: String,
                timeZone: String? = nil) {
        self.creditCode = creditCode
        self.name = name
        self.regionCode = regionCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.timeZone = timeZone
    }
}

extension Ledger {
    /// Registers an organization (platform admins only).
    public func createOrganization(_ input: OrganizationInput, by principal: Principal) async throws -> Organization {
        guard AccessPolicy.canManageOrganizations(principal) else {
            throw LedgerError.forbidden("只有平台管理员可以登记组织 / only platform admins register organizations")
        }
        let organization = try checkedOrganization(input)
        return try await store.write { w in try Self.register(organization, in: w) }
    }

    /// An organization as `input` describes it, every field checked (not yet stored).
    func checkedOrganization(_ input: OrganizationInput) throws -> Organization {
        let code: UnifiedSocialCreditCode
        do { code = try UnifiedSocialCreditCode(input.creditCode) } catch {
            throw LedgerError.invalidField(field: "creditCode", reason: "\(error)")
        }
        let region: RegionCode
        do { region = try RegionCode(input.regionCode) } catch {
            throw LedgerError.invalidField(field: "regionCode", reason: "\(error)")
        }
        let organization = Organization(
            id: 0, creditCode: code.value,
            name: try InputCheck.required(input.name, field: "name"),
            regionCode: region.value,
            contactName: try InputCheck.required(input.contactName, field: "contactName", maxLength: 50),
            contactPhone: try InputCheck.phone(input.contactPhone, field: "contactPhone"),
            timeZoneIdentifier: try InputCheck.timeZone(input.timeZone),
            createdAt: now)
        return organization
    }

    /// Stores a checked organization and queues its entry in the transparency log, in the caller's transaction: the one
    /// way every organization is registered (by a platform admin, or by approving an application).
    static func register(_ organization: Organization, in w: any LedgerWriter) throws -> Organization {
        if try w.organization(creditCode: organization.creditCode) != nil {
            throw LedgerError.duplicateCreditCode(organization.creditCode)
        }
        let stored = try w.insert(organization)
        try w.enqueueLogEntries([LogEntry.created(stored).bytes])
        return stored
    }

    /// An organization's public registration data, readable by every signed-in account.
    public func organization(id: Int64, by principal: Principal) async throws -> Organization {
        guard let organization = try await store.read({ try $0.organization(id: id) }) else {
            throw LedgerError.notFound(entity: "organization", key: String(id))
        }
        return organization
    }

    /// An organization by its credit code (for the CLI).
    public func organization(creditCode: String) async throws -> Organization {
        let code = creditCode.trimmingCharacters(in: .whitespaces).uppercased()
        guard let organization = try await store.read({ try $0.organization(creditCode: code) }) else {
            throw LedgerError.notFound(entity: "organization", key: code)
        }
        return organization
    }

    public func organizations(after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<Organization> {
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.organizations(after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// The platform's list of organizations, a page at a time, narrowed by name or credit code and region
    /// (`OrganizationSearch`): for the platform and inspectors.
    public func organizations(matching search: OrganizationSearch, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<Organization> {
        guard principal.role == .platformAdmin || principal.role == .inspector else {
            throw LedgerError.forbidden("只有平台可以查看全部组织 / only the platform lists every organization")
        }
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.organizations(matching: search, after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }
}

extension Ledger {
    /// The time zones of the given organizations, for showing their times.
    public func timeZones(of organizationIds: Set<Int64>) async throws -> [Int64: TimeZone] {
        let cache = organizationCache
        var zones = cache.cached(organizationIds).mapValues(\.timeZone)
        let missing = organizationIds.subtracting(zones.keys)
        guard !missing.isEmpty else { return zones }
        let read = try await store.read { r in
            var zones: [Int64: TimeZone] = [:]
            for id in missing { zones[id] = try cache.organization(id: id, in: r)?.timeZone }
            return zones
        }
        zones.merge(read) { cached, _ in cached }
        return zones
    }
}
