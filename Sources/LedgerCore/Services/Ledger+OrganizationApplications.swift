import Foundation

/// What an organization sends when it applies to the platform.
public struct OrganizationApplicationInput: Sendable {
    public var name: String
    public var creditCode: String
    public var regionCode: String
    public var registrationType: String
    public var contactName: String
    public var contactPhone: String
    /// The one-time code sent to `contactPhone` for `organization-apply`.
    public var code: String
    public var adminUsername: String
    public var adminPassword: String
    /// The registration certificate's bytes (PDF, JPEG or PNG).
    public var certificate: [UInt8]

    public init(name: String, creditCode: String, regionCode: String, registrationType: String, contactName: String,
                contactPhone: String, code: String, adminUsername: String, adminPassword: String, certificate: [UInt8]) {
        self.name = name
        self.creditCode = creditCode
        self.regionCode = regionCode
        self.registrationType = registrationType
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.code = code
        self.adminUsername = adminUsername
        self.adminPassword = adminPassword
        self.certificate = certificate
    }
}

/// A stored application and its status token, which is shown once and kept only as a hash.
public struct SubmittedOrganizationApplication: Sendable {
    public var application: OrganizationApplication
    public var statusToken: String
}

extension LoginThrottle.Policy {
    /// Three applications for one credit code an hour, then waits from a minute up.
    public static let applicationsPerCreditCode = LoginThrottle.Policy(freeAttempts: 3, firstDelay: 60, maxDelay: 3600, forgetAfter: 3600)
    /// Ten applications from one client address an hour, then waits from a minute up.
    public static let applicationsPerAddress = LoginThrottle.Policy(freeAttempts: 10, firstDelay: 60, maxDelay: 3600, forgetAfter: 3600)
}

extension Ledger {
    /// An organization applies to the platform (组织入驻申请), without an account: every field is checked as the platform
    /// admin's form checks it, the contact phone by its one-time code, the certificate by its bytes, the first admin's login
    /// by the account rules. Refused for a credit code already registered or already waiting, or a username in use.
    /// Throttled per credit code and per client address. Returns the status token once.
    public func applyForOrganization(_ input: OrganizationApplicationInput, clientAddress: String?) async throws -> SubmittedOrganizationApplication {
        try await submitOrganizationApplication(input, clientAddress: clientAddress, checkingCode: true)
    }

    /// `applyForOrganization`; without `checkingCode` only for the sample data, whose phones receive nothing.
    func submitOrganizationApplication(_ input: OrganizationApplicationInput, clientAddress: String?,
                                       checkingCode: Bool) async throws -> SubmittedOrganizationApplication {
        let addressKey = clientAddress.map { "address:\($0.prefix(64))" }
        let codeKey = "credit:" + String(IdentifierText.normalized(input.creditCode).prefix(18))
        if let wait = organizationApplicationThrottle.delay(account: codeKey, address: addressKey, now: clock()) {
            throw LedgerError.organizationApplicationThrottled(retryAfterSeconds: wait)
        }
        let checked = try checkedOrganization(OrganizationInput(
            creditCode: input.creditCode, name: input.name, regionCode: input.regionCode, contactName: input.contactName,
            contactPhone: input.contactPhone))
        guard let type = OrganizationRegistrationType(rawValue: input.registrationType) else {
            throw LedgerError.invalidField(field: "registrationType", reason: "必须是 "
                + OrganizationRegistrationType.allCases.map(\.rawValue).joined(separator: ", ") + " 之一 / must be one of "
                + OrganizationRegistrationType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let phone = try MessageRecipient.phone(checking: input.contactPhone, field: "contactPhone")
        let username: String
        do { username = try Self.checkedCredentials(username: input.adminUsername, password: input.adminPassword) } catch let LedgerError.invalidField(field, reason) {
            throw LedgerError.invalidField(field: field == "username" ? "adminUsername" : "adminPassword", reason: reason)
        }
        let certificate = try RegistrationCertificateFile.checked(input.certificate)
        // Refusals that need no code come first, so an applicant does not spend one on them.
        try await store.read { r in try Self.checkFree(creditCode: checked.creditCode, username: username, in: r) }
        if checkingCode {
            guard !input.code.isEmpty else { throw LedgerError.invalidField(field: "code", reason: "不能为空 / is required") }
            try await consumeVerificationCode(purpose: .organizationApply, destination: phone, code: input.code, clientAddress: clientAddress)
        }
        let hash = try await passwords.hash(input.adminPassword)
        let token = Self.base64URL(random.bytes(32))
        let application = OrganizationApplication(
            id: 0, name: checked.name, creditCode: checked.creditCode, regionCode: checked.regionCode, registrationType: type,
            contactName: checked.contactName, contactPhone: phone.address, adminUsername: username, adminPasswordHash: hash,
            certificateHash: certificate.hash, statusTokenHash: Self.tokenHash(token), submittedAt: now)
        let stored = try await store.write { w in
            try Self.checkFree(creditCode: application.creditCode, username: username, in: w)
            try w.save(certificate)
            guard let stored = try w.insert(application) else { throw LedgerError.organizationApplicationPending(creditCode: application.creditCode) }
            return stored
        }
        organizationApplicationThrottle.recordFailure(account: codeKey, address: addressKey, now: clock())
        return SubmittedOrganizationApplication(application: stored, statusToken: token)
    }

    /// Refuses a credit code already registered or waiting in another application, and a username in use.
    private static func checkFree(creditCode: String, username: String, in r: any LedgerReader) throws {
        if try r.organization(creditCode: creditCode) != nil { throw LedgerError.duplicateCreditCode(creditCode) }
        if try r.pendingOrganizationApplication(creditCode: creditCode) != nil {
            throw LedgerError.organizationApplicationPending(creditCode: creditCode)
        }
        if try r.user(username: username) != nil {
            throw LedgerError.invalidField(field: "adminUsername", reason: LedgerError.duplicateUsername(username).message)
        }
    }

    /// An application as its applicant sees it, by the status token given when applying; a wrong token is not-found.
    public func organizationApplication(id: Int64, statusToken: String) async throws -> OrganizationApplication {
        let hash = Self.tokenHash(String(statusToken.prefix(100)))
        guard let application = try await store.read({ try $0.organizationApplication(id: id) }), application.statusTokenHash == hash else {
            throw LedgerError.notFound(entity: "organization application", key: String(id))
        }
        return application
    }

    /// The bureau's queue: applications in `state` (every state when nil), oldest first; platform admins only.
    public func organizationApplications(state: OrganizationApplicationState?, after: Int64?, limit: Int?,
                                         by principal: Principal) async throws -> Page<OrganizationApplication> {
        try Self.requireBureau(principal)
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.organizationApplications(state: state, after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// One application, for platform admins.
    public func organizationApplication(id: Int64, by principal: Principal) async throws -> OrganizationApplication {
        try Self.requireBureau(principal)
        guard let application = try await store.read({ try $0.organizationApplication(id: id) }) else {
            throw LedgerError.notFound(entity: "organization application", key: String(id))
        }
        return application
    }

    /// An application's registration certificate, for platform admins.
    public func registrationCertificate(applicationId: Int64, by principal: Principal) async throws -> RegistrationCertificateFile {
        try Self.requireBureau(principal)
        let file = try await store.read { r -> RegistrationCertificateFile? in
            guard let application = try r.organizationApplication(id: applicationId) else { return nil }
            return try r.registrationCertificate(hash: application.certificateHash)
        }
        guard let file else { throw LedgerError.notFound(entity: "organization application", key: String(applicationId)) }
        return file
    }

    /// Approves a pending application: registers the organization through the one registration path (so its entry goes to
    /// the transparency log) and opens its first admin's account (in the security log as every account created), in one
    /// transaction.
    public func approveOrganizationApplication(id: Int64, by principal: Principal,
                                               origin: RequestOrigin = .commandLine) async throws -> OrganizationApplication {
        try Self.requireBureau(principal)
        let now = self.now
        return try await store.write { w in
            var application = try Self.pendingApplication(id: id, in: w)
            if try w.user(username: application.adminUsername) != nil { throw LedgerError.duplicateUsername(application.adminUsername) }
            let organization = try Self.register(Organization(
                id: 0, creditCode: application.creditCode, name: application.name, regionCode: application.regionCode,
                contactName: application.contactName, contactPhone: application.contactPhone,
                timeZoneIdentifier: try InputCheck.timeZone(nil), createdAt: now), in: w)
            let account = try w.insert(UserAccount(id: 0, username: application.adminUsername, displayName: application.contactName,
                                                   role: .organizationAdmin, organizationId: organization.id, volunteerId: nil,
                                                   passwordHash: application.adminPasswordHash, createdAt: now, isDisabled: false))
            try Self.logSecurityEvent(w, .accountCreated, account: account, actor: principal, origin: origin, at: now,
                                      detail: Role.organizationAdmin.rawValue)
            application.state = .approved
            application.decidedAt = now
            application.decidedBy = principal.userId
            application.organizationId = organization.id
            guard try w.decide(application) else { throw LedgerError.organizationApplicationDecided(applicationId: id, state: .approved) }
            return application
        }
    }

    /// Returns a pending application with a reason the applicant reads (at most 500 characters); they may apply again.
    public func returnOrganizationApplication(id: Int64, reason: String?, by principal: Principal) async throws -> OrganizationApplication {
        try Self.requireBureau(principal)
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: OrganizationApplication.maximumReasonLength)
        guard !reason.isEmpty else { throw LedgerError.reasonRequired }
        let now = self.now
        return try await store.write { w in
            var application = try Self.pendingApplication(id: id, in: w)
            application.state = .returned
            application.decidedAt = now
            application.decidedBy = principal.userId
            application.reason = reason
            guard try w.decide(application) else { throw LedgerError.organizationApplicationDecided(applicationId: id, state: .returned) }
            return application
        }
    }

    private static func pendingApplication(id: Int64, in w: any LedgerWriter) throws -> OrganizationApplication {
        guard let application = try w.organizationApplication(id: id) else {
            throw LedgerError.notFound(entity: "organization application", key: String(id))
        }
        guard application.state == .pending else {
            throw LedgerError.organizationApplicationDecided(applicationId: id, state: application.state)
        }
        return application
    }

    private static func requireBureau(_ principal: Principal) throws {
        guard AccessPolicy.canManageOrganizations(principal) else {
            throw LedgerError.forbidden("只有平台管理员可以审核组织入驻申请 / only platform admins review organizations' applications")
        }
    }
}
