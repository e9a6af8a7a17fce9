import Foundation

/// What residents' self-registration and their profile keep in the store (part of `LedgerReader` and `LedgerWriter`):
/// the consents given when registering, the account of a volunteer, and the changes a person makes to their profile.
public protocol ResidentReader {
    func residentConsent(volunteerId: Int64) throws -> ResidentConsent?
    /// Every consent, by volunteer id, for copying a ledger.
    func residentConsents(after volunteerId: Int64?, limit: Int) throws -> [ResidentConsent]
    /// The login of a volunteer, if they have one (an index lookup).
    func account(volunteerId: Int64) throws -> UserAccount?
}

public protocol ResidentWriter {
    /// Keeps a consent (new, or restored in a copy).
    func insert(_ consent: ResidentConsent) throws
    /// The contact and profile fields a person changes themselves; the identity never changes here.
    func updateProfile(volunteerId: Int64, phone: String, residenceArea: String, skills: [String], serviceCategories: [ServiceCategory]) throws
    func updatePassword(userId: Int64, passwordHash: String) throws
    /// Ends every open session of the account but the one of `keeping` (a token hash).
    func revokeSessions(userId: Int64, keeping: String?, at: Date) throws
}
