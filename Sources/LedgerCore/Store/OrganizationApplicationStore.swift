import Foundation

/// Organizations' applications to the platform and their certificates (part of `LedgerReader` and `LedgerWriter`).
public protocol OrganizationApplicationReader {
    func organizationApplication(id: Int64) throws -> OrganizationApplication?
    /// The pending application for a credit code, if any (at most one, by a constraint).
    func pendingOrganizationApplication(creditCode: String) throws -> OrganizationApplication?
    /// Applications in `state` (nil: every state), by id.
    func organizationApplications(state: OrganizationApplicationState?, after: Int64?, limit: Int) throws -> [OrganizationApplication]
    func registrationCertificate(hash: String) throws -> RegistrationCertificateFile?
    /// Every stored certificate, by hash, for copying a ledger.
    func registrationCertificates(after: String?, limit: Int) throws -> [RegistrationCertificateFile]
}

public protocol OrganizationApplicationWriter {
    /// Stores a new pending application; nil when one is already pending for its credit code (a database constraint, so
    /// two processes cannot both store one).
    func insert(_ application: OrganizationApplication) throws -> OrganizationApplication?
    /// Stores a pending application's decision (returned or approved); false when it was no longer pending.
    func decide(_ application: OrganizationApplication) throws -> Bool
    /// Keeps the id, for copying a ledger between backends.
    func restore(_ application: OrganizationApplication) throws
    /// Stores a certificate once: a second upload of the same bytes keeps the first.
    func save(_ certificate: RegistrationCertificateFile) throws
}
