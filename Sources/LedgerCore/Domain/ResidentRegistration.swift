import Foundation

/// The platform's terms of service and privacy notice (用户协议与隐私政策) a resident accepts when registering. The
/// texts ship as `Resources/terms/terms-VERSION.zh.md` and `.en.md`; a new text is a new version.
public enum PlatformTerms {
    public static let currentVersion = "2026-12"
}

/// Who registers themselves: the identity an organization would register, and the phone the code is sent to.
public struct RegistrationIdentity: Codable, Sendable {
    public var name: String
    public var documentType: DocumentType?
    public var documentNumber: String
    /// Needed only for documents other than a resident ID card (read from the number otherwise).
    public var sex: Sex?
    public var birthDate: LocalDate?
    public var phone: String

    public init(name: String, documentType: DocumentType? = nil, documentNumber: String, sex: Sex? = nil, birthDate: LocalDate? = nil,
                phone: String) {
        self.name = name
        self.documentType = documentType
        self.documentNumber = documentNumber
        self.sex = sex
        self.birthDate = birthDate
        self.phone = phone
    }
}

/// A guardian's name, phone and consent (监护人同意), which a resident under 18 gives when registering.
public struct GuardianConsentInput: Codable, Sendable {
    public var name: String
    public var phone: String
    public var consent: Bool

    public init(name: String, phone: String, consent: Bool) {
        self.name = name
        self.phone = phone
        self.consent = consent
    }
}

/// A resident's own registration (`/register`): the identity, the code sent to the phone, the login and the profile.
public struct ResidentRegistration: Codable, Sendable {
    public var identity: RegistrationIdentity
    /// The one-time code (purpose `register`) sent by `startRegistration`.
    public var code: String
    /// Chosen, or empty: the volunteer number (e.g. `V12345678901`) becomes the username.
    public var username: String?
    public var password: String
    /// The residence district's 6-digit region code (行政区划代码).
    public var residenceArea: String?
    public var serviceCategories: [ServiceCategory]?
    public var skills: [String]?
    /// The version of the terms accepted (`PlatformTerms.currentVersion`).
    public var acceptedTermsVersion: String
    public var guardian: GuardianConsentInput?

    public init(identity: RegistrationIdentity, code: String, username: String? = nil, password: String, residenceArea: String? = nil,
                serviceCategories: [ServiceCategory]? = nil, skills: [String]? = nil, acceptedTermsVersion: String,
                guardian: GuardianConsentInput? = nil) {
        self.identity = identity
        self.code = code
        self.username = username
        self.password = password
        self.residenceArea = residenceArea
        self.serviceCategories = serviceCategories
        self.skills = skills
        self.acceptedTermsVersion = acceptedTermsVersion
        self.guardian = guardian
    }
}

/// How a registration proceeds once the identity is checked: a new person (the code goes to the phone typed), or the
/// takeover of a person an organization registered (the code goes to the phone on file, shown masked).
public enum RegistrationMode: String, Codable, Sendable {
    case new
    case takeover
}

/// The answer to the first step: where the code went (masked), and whether a guardian's consent is needed.
public struct RegistrationStart: Sendable {
    public var mode: RegistrationMode
    public var maskedDestination: String
    public var expiresAt: Date
    public var needsGuardian: Bool
}

/// What a resident agreed to when registering, kept per volunteer: the terms' version and time, and for a minor the
/// guardian's name, phone and consent time.
public struct ResidentConsent: Sendable, Hashable, Codable {
    public var volunteerId: Int64
    public var userId: Int64
    public var termsVersion: String
    public var termsAcceptedAt: Date
    public var guardianName: String?
    public var guardianPhone: String?
    public var guardianConsentedAt: Date?
    /// The account was opened for a volunteer an organization had registered (proved by the phone on file).
    public var tookOver: Bool

    public init(volunteerId: Int64, userId: Int64, termsVersion: String, termsAcceptedAt: Date, guardianName: String? = nil,
                guardianPhone: String? = nil, guardianConsentedAt: Date? = nil, tookOver: Bool) {
        self.volunteerId = volunteerId
        self.userId = userId
        self.termsVersion = termsVersion
        self.termsAcceptedAt = termsAcceptedAt
        self.guardianName = guardianName
        self.guardianPhone = guardianPhone
        self.guardianConsentedAt = guardianConsentedAt
        self.tookOver = tookOver
    }
}

/// A registration done: the new login, its volunteer, and whether an existing volunteer was taken over.
public struct ResidentRegistrationOutcome: Sendable {
    public var account: UserAccount
    public var volunteer: Volunteer
    public var tookOver: Bool
}

extension LocalDate {
    /// Whole years from `self` (a birth date) to `day`.
    public func age(on day: LocalDate) -> Int {
        day.year - year - ((day.month, day.day) < (month, self.day) ? 1 : 0)
    }
}
