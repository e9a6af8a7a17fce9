import Foundation

extension LoginThrottle.Policy {
    /// Registration steps for one document number: five free, then 30 s doubling up to an hour.
    public static let registrationsPerDocument = LoginThrottle.Policy(freeAttempts: 5, firstDelay: 30, maxDelay: 3600, forgetAfter: 3600)
    /// Registration steps from one client address: twenty free, then 10 s doubling up to an hour.
    public static let registrationsPerAddress = LoginThrottle.Policy(freeAttempts: 20, firstDelay: 10, maxDelay: 3600, forgetAfter: 3600)
}

/// Residents registering themselves (`/register`): one person platform-wide. A document number no one registered makes
/// a new volunteer; one an organization registered is taken over by proving the phone on file; one with a login is
/// refused. The phone is proved by a one-time code (purpose `register`) before the account exists.
extension Ledger {
    /// Step one: checks the identity as the staff form does and sends the code, to the phone typed for a new person or
    /// to the phone on file for a person an organization registered (answered masked, never in full).
    public func startRegistration(_ identity: RegistrationIdentity, language: MessageLanguage = .zh,
                                  clientAddress: String? = nil) async throws -> RegistrationStart {
        let checked = try checkedIdentity(identity)
        try countRegistrationStep(document: checked.document, clientAddress: clientAddress)
        let existing = try await store.read { r in try Self.existingPerson(checked, in: r) }
        let recipient = try existing.map { try Self.phoneOnFile($0.volunteer, organizations: $0.organizations) }
            ?? Self.mobile(checked.phone, field: "phone")
        let sent = try await sendVerificationCode(purpose: .register, to: recipient, language: language, clientAddress: clientAddress)
        return RegistrationStart(mode: existing == nil ? .new : .takeover, maskedDestination: sent.maskedDestination,
                                 expiresAt: sent.expiresAt, needsGuardian: Self.isMinor(checked.birthDate, today: today))
    }

    /// Step two: with the code, creates the volunteer (or takes over the one an organization registered, records
    /// intact) and its login in one transaction, and keeps the terms accepted and a minor's guardian consent.
    public func registerResident(_ input: ResidentRegistration, clientAddress: String? = nil) async throws -> ResidentRegistrationOutcome {
        let checked = try checkedIdentity(input.identity)
        let residence = try Self.checkedResidence(input.residenceArea)
        let skills = (input.skills ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard skills.count <= 20, skills.allSatisfy({ $0.count <= 50 }) else {
            throw LedgerError.invalidField(field: "skills", reason: "最多 20 项，每项不超过 50 个字符 / at most 20 skills of at most 50 characters")
        }
        let typedUsername = (input.username ?? "").trimmingCharacters(in: .whitespaces)
        _ = try Self.checkedCredentials(username: typedUsername.isEmpty ? "derived" : typedUsername, password: input.password)
        guard input.acceptedTermsVersion == PlatformTerms.currentVersion else {
            throw LedgerError.invalidField(field: "acceptedTermsVersion",
                reason: "须同意当前版本（\(PlatformTerms.currentVersion)）的用户协议与隐私政策 / accept the current terms and privacy notice (version \(PlatformTerms.currentVersion))")
        }
        let guardian = try Self.checkedGuardian(input.guardian, minor: Self.isMinor(checked.birthDate, today: today))
        try countRegistrationStep(document: checked.document, clientAddress: clientAddress)

        // The code proves the phone of the person the document names now: on file for a takeover, typed otherwise.
        let existing = try await store.read { r in
            // A taken username is refused before the code is used up.
            if !typedUsername.isEmpty, try r.user(username: typedUsername) != nil { throw LedgerError.duplicateUsername(typedUsername) }
            return try Self.existingPerson(checked, in: r)
        }
        let recipient = try existing.map { try Self.phoneOnFile($0.volunteer, organizations: $0.organizations) }
            ?? Self.mobile(checked.phone, field: "phone")
        try await consumeVerificationCode(purpose: .register, destination: recipient, code: input.code, clientAddress: clientAddress)
        let passwordHash = try await passwords.hash(input.password)
        let now = self.now
        var numberSource = random.generator
        let candidateNumbers = (0..<5).map { _ in VolunteerNumber.random(using: &numberSource).value }
        let outcome = try await store.write { w -> ResidentRegistrationOutcome in
            var volunteer: Volunteer
            let tookOver: Bool
            if let found = try w.volunteer(documentType: checked.document.type, documentNumber: checked.document.number) {
                // Registered meanwhile, or the person of the takeover: the code was sent to the phone on file.
                try w.lockVolunteer(id: found.id)
                guard found.name == checked.name else { throw Self.nameMismatch }
                guard try w.account(volunteerId: found.id) == nil else { throw LedgerError.documentHasAccount }
                guard existing?.volunteer.id == found.id else { throw LedgerError.verificationCodeExpired }
                volunteer = found
                tookOver = true
            } else {
                guard existing == nil else { throw LedgerError.verificationCodeExpired }
                guard let number = try candidateNumbers.first(where: { try w.volunteer(number: $0) == nil }) else {
                    throw LedgerError.invalidField(field: "number", reason: "could not allocate a volunteer number; try again")
                }
                var fresh = checked.volunteer(number: number, registeredAt: now)
                fresh.residenceArea = residence
                fresh.skills = skills
                fresh.serviceCategories = input.serviceCategories ?? []
                volunteer = try w.insert(fresh)
                tookOver = false
            }
            let username = typedUsername.isEmpty ? volunteer.number : typedUsername
            if try w.user(username: username) != nil { throw LedgerError.duplicateUsername(username) }
            let account = try w.insert(UserAccount(id: 0, username: username, displayName: volunteer.name, role: .volunteer,
                                                   organizationId: nil, volunteerId: volunteer.id, passwordHash: passwordHash,
                                                   createdAt: now, isDisabled: false))
            try w.insert(ResidentConsent(volunteerId: volunteer.id, userId: account.id, termsVersion: PlatformTerms.currentVersion,
                                         termsAcceptedAt: now, guardianName: guardian?.name, guardianPhone: guardian?.phone,
                                         guardianConsentedAt: guardian == nil ? nil : now, tookOver: tookOver))
            return ResidentRegistrationOutcome(account: account, volunteer: volunteer, tookOver: tookOver)
        }
        registrationThrottle.recordSuccess(account: Self.registrationKey(checked.document))
        return outcome
    }

    /// Today in the platform's zone, by which ages are counted.
    var today: LocalDate { LocalDate(now, in: .ledgerDefault) }

    static func isMinor(_ birthDate: LocalDate, today: LocalDate) -> Bool { birthDate.age(on: today) < 18 }

    private static let nameMismatch = LedgerError.invalidField(
        field: "name", reason: "该证件号码已登记，但姓名不一致 / this document number is registered under a different name")

    /// The identity checked as the staff form checks it (document with its check character, birth date and sex).
    private func checkedIdentity(_ identity: RegistrationIdentity) throws -> CheckedRegistration {
        try VolunteerRegistration(name: identity.name, sex: identity.sex, birthDate: identity.birthDate, documentType: identity.documentType,
                                  documentNumber: identity.documentNumber, phone: identity.phone).checked(today: today)
    }

    private static func registrationKey(_ document: IdentityDocument) -> String {
        "register:\(document.type.rawValue):\(document.number)"
    }

    /// Every registration step counts against the document number and the client address, before anything is read.
    private func countRegistrationStep(document: IdentityDocument, clientAddress: String?) throws {
        let key = Self.registrationKey(document), address = clientAddress.map { "address:\($0.prefix(64))" }
        if let wait = registrationThrottle.delay(account: key, address: address, now: clock()) {
            throw LedgerError.registrationThrottled(retryAfterSeconds: wait)
        }
        registrationThrottle.recordFailure(account: key, address: address, now: clock())
    }

    /// The volunteer an organization registered under this document, with the names of their organizations; nil for
    /// a new person. A login already open, or another name, refuses.
    private static func existingPerson(_ checked: CheckedRegistration,
                                       in r: any LedgerReader) throws -> (volunteer: Volunteer, organizations: [String])? {
        guard let found = try r.volunteer(documentType: checked.document.type, documentNumber: checked.document.number) else { return nil }
        guard found.name == checked.name else { throw nameMismatch }
        guard try r.account(volunteerId: found.id) == nil else { throw LedgerError.documentHasAccount }
        let organizations = try r.memberships(volunteerId: found.id).prefix(5).compactMap { try r.organization(id: $0.organizationId)?.name }
        return (found, organizations)
    }

    /// The mobile phone on file, to which a takeover's code goes; without one, the person asks an organization for an
    /// invitation.
    private static func phoneOnFile(_ volunteer: Volunteer, organizations: [String]) throws -> MessageRecipient {
        guard let recipient = try? MessageRecipient.phone(checking: volunteer.phone), recipient.isMobile else {
            throw LedgerError.takeoverNeedsInvitation(organizations: organizations)
        }
        return recipient
    }

    /// A phone a code can be sent to, for the phone typed by a resident and a guardian: a mobile number.
    static func mobile(_ value: String, field: String) throws -> MessageRecipient {
        let recipient = try MessageRecipient.phone(checking: value, field: field)
        guard recipient.isMobile else {
            throw LedgerError.invalidField(field: field, reason: "须为手机号码 / must be a mobile phone number")
        }
        return recipient
    }

    static func checkedResidence(_ text: String?) throws -> String {
        let typed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return "" }
        do { return try RegionCode(typed).value } catch {
            throw LedgerError.invalidField(field: "residenceArea", reason: "须为 6 位行政区划代码，如 310104 / must be a 6-digit region code, like 310104")
        }
    }

    /// A minor's guardian: name, a valid phone and consent are all required; an adult gives none.
    private static func checkedGuardian(_ guardian: GuardianConsentInput?, minor: Bool) throws -> GuardianConsentInput? {
        guard minor else { return nil }
        guard let guardian else {
            throw LedgerError.invalidField(field: "guardianName", reason: "未满 18 周岁须填写监护人信息 / under 18: give a guardian's name, phone and consent")
        }
        let name = try InputCheck.required(guardian.name, field: "guardianName", maxLength: 50)
        let phone = try Self.mobile(guardian.phone, field: "guardianPhone").address
        guard guardian.consent else {
            throw LedgerError.invalidField(field: "guardianConsent", reason: "须经监护人同意 / the guardian's consent is required")
        }
        return GuardianConsentInput(name: name, phone: phone, consent: true)
    }
}

extension MessageRecipient {
    /// A mobile number (a Chinese one: 11 digits from 13 to 19; or an international one written with `+`), which a code
    /// can be sent to, unlike a landline on file.
    public var isMobile: Bool {
        guard case .phone(let number) = self else { return false }
        if number.hasPrefix("+") { return !number.hasPrefix("+86") }
        return number.count == 11 && number.hasPrefix("1") && !number.hasPrefix("10") && !number.hasPrefix("11") && !number.hasPrefix("12")
    }
}
