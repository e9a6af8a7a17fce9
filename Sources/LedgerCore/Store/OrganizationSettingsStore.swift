/// Organizations' settings in the store (part of `LedgerReader` and `LedgerWriter`); an organization without a row
/// has the defaults.
public protocol OrganizationSettingsReader {
    func organizationSettings(organizationId: Int64) throws -> OrganizationSettings?
}

public protocol OrganizationSettingsWriter {
    /// Stores the settings, replacing those stored for the organization.
    func save(_ settings: OrganizationSettings) throws
}
