/// What an organization's admins set for how the platform treats its activities.
public struct OrganizationSettings: Sendable, Hashable, Codable {
    public var organizationId: Int64
    /// How long after an activity ends a check-in nobody checked out is closed automatically, in minutes.
    public var checkOutGraceMinutes: Int
    /// Whether volunteers may ask to join the organization (申请加入).
    public var acceptsJoinRequests: Bool

    /// Two hours, where an organization set nothing.
    public static let defaultCheckOutGraceMinutes = 120
    /// From at once to a day.
    public static let checkOutGraceRange = 0...1440

    public init(organizationId: Int64, checkOutGraceMinutes: Int = defaultCheckOutGraceMinutes, acceptsJoinRequests: Bool = true) {
        self.organizationId = organizationId
        self.checkOutGraceMinutes = checkOutGraceMinutes
        self.acceptsJoinRequests = acceptsJoinRequests
    }
}
