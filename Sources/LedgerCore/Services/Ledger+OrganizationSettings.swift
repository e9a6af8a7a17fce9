import Foundation

extension Ledger {
    /// An organization's settings (the defaults where it set none), for whoever may read its data.
    public func organizationSettings(organizationId: Int64, by principal: Principal) async throws -> OrganizationSettings {
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        return try await store.read { r in
            guard try r.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            return try r.organizationSettings(organizationId: organizationId) ?? OrganizationSettings(organizationId: organizationId)
        }
    }

    /// Sets how long after an activity ends a check-in nobody checked out is closed, and whether volunteers may ask to join
    /// (nil: unchanged) (organization admins and the platform).
    public func updateOrganizationSettings(organizationId: Int64, checkOutGraceMinutes: Int, acceptsJoinRequests: Bool? = nil,
                                           by principal: Principal) async throws -> OrganizationSettings {
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        guard AccessPolicy.canAdministerOrganization(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只有本组织管理员可以更改设置 / only the organization's admins change its settings")
        }
        guard OrganizationSettings.checkOutGraceRange.contains(checkOutGraceMinutes) else {
            throw LedgerError.invalidField(field: "checkOutGraceMinutes", reason:
                "须为 0 到 1440 分钟 / must be 0 to 1440 minutes (a day)")
        }
        return try await store.write { w in
            guard try w.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            let current = try w.organizationSettings(organizationId: organizationId) ?? OrganizationSettings(organizationId: organizationId)
            let settings = OrganizationSettings(organizationId: organizationId, checkOutGraceMinutes: checkOutGraceMinutes,
                                                acceptsJoinRequests: acceptsJoinRequests ?? current.acceptsJoinRequests)
            try w.save(settings)
            return settings
        }
    }
}
