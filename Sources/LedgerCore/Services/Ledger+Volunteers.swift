import Foundation

/// What an organization enters to register a volunteer. For a resident ID card, sex and birth date
/// may be left out: they are read from the number (and cross-checked when given).
public struct VolunteerRegistration: Codable, Sendable {
    public var name: String
    public var sex: Sex?
    public var birthDate: LocalDate?
    public var documentType: DocumentType?
    public var documentNumber: String
    public var residenceArea: String?
    public var phone: String
    public var skills: [String]?
    public var serviceCategories: [ServiceCategory]?

    public init(name: String, sex: Sex? = nil, birthDate: LocalDate? = nil, documentType: DocumentType? = nil,
                documentNumber: String, residenceArea: String? = nil, phone: String, skills: [String]? = nil,
                serviceCategories: [ServiceCategory]? = nil) {
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.documentType = documentType
        self.documentNumber = documentNumber
        self.residenceArea = residenceArea
        self.phone = phone
        self.skills = skills
        self.serviceCategories = serviceCategories
    }
}

/// The result of a registration: a new person, or the existing one joined to the organization.
public struct RegistrationOutcome: Sendable {
    public var volunteer: Volunteer
    /// The document number was already registered, so the existing person was used.
    public var joinedExisting: Bool
    /// A membership of the registering organization was added.
    public var addedMembership: Bool
}

extension Ledger {
    /// Registers a volunteer as a member of `organizationId`. A document number that is already
    /// registered joins the existing person instead of creating a duplicate.
    public func registerVolunteer(_ input: VolunteerRegistration, organizationId: Int64,
                                  by principal: Principal) async throws -> RegistrationOutcome {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能为本组织登记志愿者 / volunteers can only be registered into your own organization")
        }
        let today = LocalDate(now, in: .ledgerDefault)
        let checked = try input.checked(today: today)
        let registeredAt = now
        var numberSource = random.generator
        let candidateNumbers = (0..<5).map { _ in VolunteerNumber.random(using: &numberSource).value }

        return try await store.write { w in
            guard try w.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            if let existing = try w.volunteer(documentType: checked.document.type, documentNumber: checked.document.number) {
                guard existing.name == checked.name else {
                    throw LedgerError.invalidField(field: "name",
                        reason: "该证件号码已登记，但姓名不一致 / this document number is registered under a different name")
                }
                let added = try w.insert(Membership(volunteerId: existing.id, organizationId: organizationId, joinedAt: registeredAt))
                return RegistrationOutcome(volunteer: existing, joinedExisting: true, addedMembership: added)
            }
            guard let number = try candidateNumbers.first(where: { try w.volunteer(number: $0) == nil }) else {
                throw LedgerError.invalidField(field: "number", reason: "could not allocate a volunteer number; try again")
            }
            let volunteer = try w.insert(checked.volunteer(number: number, registeredAt: registeredAt))
            try w.insert(Membership(volunteerId: volunteer.id, organizationId: organizationId, joinedAt: registeredAt))
            return RegistrationOutcome(volunteer: volunteer, joinedExisting: false, addedMembership: true)
        }
    }

    /// Adds an already registered volunteer, named by volunteer number, to an organization.
    public func addMember(volunteerNumber: String, organizationId: Int64, by principal: Principal) async throws -> Volunteer {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能管理本组织成员 / you can only manage your own organization's members")
        }
        let number = volunteerNumber.trimmingCharacters(in: .whitespaces).uppercased()
        let joinedAt = now
        return try await store.write { w in
            guard try w.organization(id: organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            guard let volunteer = try w.volunteer(number: number) else {
                throw LedgerError.notFound(entity: "volunteer", key: number)
            }
            try w.insert(Membership(volunteerId: volunteer.id, organizationId: organizationId, joinedAt: joinedAt))
            return volunteer
        }
    }

    /// A volunteer as `principal` may see them: document number and phone masked unless they are
    /// the person themselves or a platform admin.
    public func volunteer(id: Int64, by principal: Principal) async throws -> Volunteer {
        let found = try await store.read { r -> (Volunteer, Set<Int64>)? in
            guard let volunteer = try r.volunteer(id: id) else { return nil }
            return (volunteer, Set(try r.memberships(volunteerId: id).map(\.organizationId)))
        }
        guard let (volunteer, organizations) = found,
              AccessPolicy.canReadVolunteer(principal, volunteerId: id, memberOf: organizations) else {
            // Not revealing whether the person exists to those who may not read them.
            throw LedgerError.notFound(entity: "volunteer", key: String(id))
        }
        return volunteer.presented(to: principal)
    }

    /// The organizations a volunteer belongs to, for those who may read the volunteer.
    public func memberships(volunteerId: Int64, by principal: Principal) async throws -> [Membership] {
        _ = try await volunteer(id: volunteerId, by: principal)
        return try await store.read { try $0.memberships(volunteerId: volunteerId) }
    }

    /// Members of an organization, masked for the reader.
    public func members(organizationId: Int64, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<Volunteer> {
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能查看本组织成员 / you can only read your own organization's members")
        }
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.members(organizationId: organizationId, after: after, limit: limit + 1) }
        let page = Page(fetched: fetched, limit: limit, id: \.id)
        return Page(items: page.items.map { $0.presented(to: principal) }, nextAfter: page.nextAfter)
    }
}

extension Ledger {
    /// Members of an organization found by name, volunteer number or the last digits of a phone, masked for the reader.
    public func searchMembers(organizationId: Int64, text: String, limit: Int? = nil, by principal: Principal) async throws -> [Volunteer] {
        guard AccessPolicy.canReadOrganizationData(principal, organizationId: organizationId) else {
            throw LedgerError.forbidden("只能查看本组织成员 / you can only read your own organization's members")
        }
        let query = try InputCheck.required(text, field: "q", maxLength: 50)
        let limit = try InputCheck.limit(limit)
        return try await store.readAllowingLag { try $0.searchMembers(organizationId: organizationId, text: query, limit: limit) }
            .map { $0.presented(to: principal) }
    }
}

extension Volunteer {
    /// This volunteer with personal data masked unless `principal` may see it in full.
    public func presented(to principal: Principal) -> Volunteer {
        guard !AccessPolicy.seesFullPersonalData(principal, volunteerId: id) else { return self }
        var copy = self
        copy.documentNumber = Masking.documentNumber(documentNumber)
        copy.phone = Masking.phone(phone)
        return copy
    }
}

extension Ledger {
    /// The id of the volunteer with this public number.
    public func volunteerId(number: String) async throws -> Int64 {
        let key = number.trimmingCharacters(in: .whitespaces).uppercased()
        guard let volunteer = try await store.read({ try $0.volunteer(number: key) }) else {
            throw LedgerError.notFound(entity: "volunteer", key: key)
        }
        return volunteer.id
    }
}
