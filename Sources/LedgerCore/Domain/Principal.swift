/// Who is acting: a signed-in account, or the operator at the command line.
public struct Principal: Sendable, Hashable {
    public var userId: Int64?
    public var role: Role
    public var organizationId: Int64?
    public var volunteerId: Int64?

    public init(userId: Int64?, role: Role, organizationId: Int64? = nil, volunteerId: Int64? = nil) {
        self.userId = userId
        self.role = role
        self.organizationId = organizationId
        self.volunteerId = volunteerId
    }

    public init(_ account: UserAccount) {
        self.init(userId: account.id, role: account.role, organizationId: account.organizationId,
                  volunteerId: account.volunteerId)
    }

    /// The local operator: the CLI runs with platform rights, as whoever holds the database file.
    public static let localOperator = Principal(userId: nil, role: .platformAdmin)
}

/// Who may read and write what. Organization staff see only their organization; volunteers only themselves.
public enum AccessPolicy {
    /// Staff or admin of exactly this organization.
    public static func isStaff(_ principal: Principal, of organizationId: Int64) -> Bool {
        (principal.role == .organizationAdmin || principal.role == .organizationStaff)
            && principal.organizationId == organizationId
    }

    public static func canManageOrganizations(_ principal: Principal) -> Bool {
        principal.role == .platformAdmin
    }

    /// Read an organization's activities, records and totals.
    public static func canReadOrganizationData(_ principal: Principal, organizationId: Int64) -> Bool {
        switch principal.role {
        case .platformAdmin, .inspector: true
        case .organizationAdmin, .organizationStaff: principal.organizationId == organizationId
        case .volunteer: false
        }
    }

    /// Create activities, record hours, correct records, manage members.
    public static func canWriteOrganizationData(_ principal: Principal, organizationId: Int64) -> Bool {
        principal.role == .platformAdmin || isStaff(principal, of: organizationId)
    }

    /// Void records and create staff accounts: organization admins and the platform.
    public static func canAdministerOrganization(_ principal: Principal, organizationId: Int64) -> Bool {
        principal.role == .platformAdmin
            || (principal.role == .organizationAdmin && principal.organizationId == organizationId)
    }

    /// Read a volunteer's profile and records: the person, staff of an organization they belong to, the platform.
    public static func canReadVolunteer(_ principal: Principal, volunteerId: Int64, memberOf organizations: Set<Int64>) -> Bool {
        switch principal.role {
        case .platformAdmin, .inspector: true
        case .volunteer: principal.volunteerId == volunteerId
        case .organizationAdmin, .organizationStaff:
            principal.organizationId.map { organizations.contains($0) } ?? false
        }
    }

    /// Whether full document numbers and phones may be shown (otherwise masked).
    public static func seesFullPersonalData(_ principal: Principal, volunteerId: Int64) -> Bool {
        principal.role == .platformAdmin || (principal.role == .volunteer && principal.volunteerId == volunteerId)
    }
}
