import Foundation

/// My profile as I see it: my volunteer record unmasked, my login, my organizations, what I agreed to.
public struct MyProfile: Sendable {
    public var volunteer: Volunteer
    public var username: String
    public var memberships: [MyMembership]
    public var consent: ResidentConsent?
}

/// One organization I belong to.
public struct MyMembership: Sendable, Hashable, Codable {
    public var organizationId: Int64
    public var organizationName: String
    public var joinedAt: Date
}

/// The changes I make to my own profile; nil leaves a field as it is. A new phone needs the code sent to it (purpose
/// `change-phone`); a new password needs the current one.
public struct ProfileUpdate: Codable, Sendable {
    public var phone: String?
    public var phoneCode: String?
    public var residenceArea: String?
    public var serviceCategories: [ServiceCategory]?
    public var skills: [String]?
    public var currentPassword: String?
    public var newPassword: String?

    public init(phone: String? = nil, phoneCode: String? = nil, residenceArea: String? = nil, serviceCategories: [ServiceCategory]? = nil,
                skills: [String]? = nil, currentPassword: String? = nil, newPassword: String? = nil) {
        self.phone = phone
        self.phoneCode = phoneCode
        self.residenceArea = residenceArea
        self.serviceCategories = serviceCategories
        self.skills = skills
        self.currentPassword = currentPassword
        self.newPassword = newPassword
    }
}

/// Everything the ledger keeps about me (个人信息查阅/复制), as one document.
public struct PersonalDataExport: Sendable, Codable {
    public var exportedAt: Date
    public var volunteer: Volunteer
    public var username: String
    public var consent: ResidentConsent?
    public var memberships: [MyMembership]
    public var membershipEndings: [MembershipEnding]
    public var joinRequests: [JoinRequest]
    public var records: [ExportedRecord]
    public var certificates: [Certificate]
    public var signUps: [SignUp]
    public var claims: [HoursClaim]
}

/// A service record with every revision (corrections and voiding).
public struct ExportedRecord: Sendable, Codable {
    public var record: ServiceRecord
    public var history: [RecordRevision]
}

extension Ledger {
    /// The volunteer behind a volunteer's login; everyone else has no profile here.
    private func ownVolunteerId(_ principal: Principal) throws -> Int64 {
        guard principal.role == .volunteer, let id = principal.volunteerId, principal.userId != nil else {
            throw LedgerError.forbidden("只有志愿者本人可以查看和修改个人资料 / only the volunteer themselves has a profile here")
        }
        return id
    }

    /// My profile, unmasked: only I see it.
    public func myProfile(by principal: Principal) async throws -> MyProfile {
        let volunteerId = try ownVolunteerId(principal)
        let userId = principal.userId ?? 0
        return try await store.read { r in
            guard let volunteer = try r.volunteer(id: volunteerId), let account = try r.user(id: userId) else {
                throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
            }
            return MyProfile(volunteer: volunteer, username: account.username, memberships: try Self.myMemberships(volunteerId, r),
                             consent: try r.residentConsent(volunteerId: volunteerId))
        }
    }

    private static func myMemberships(_ volunteerId: Int64, _ r: any LedgerReader) throws -> [MyMembership] {
        try r.memberships(volunteerId: volunteerId).map { m in
            MyMembership(organizationId: m.organizationId, organizationName: try r.organization(id: m.organizationId)?.name ?? "",
                         joinedAt: m.joinedAt)
        }
    }

    /// Changes my phone (proved by the code sent to the new one), residence, categories, skills or password (the current
    /// one asked; my other sessions end, the one of `keepingSession` (a token) stays). Checked whole before anything changes.
    public func updateMyProfile(_ update: ProfileUpdate, keepingSession token: String? = nil, clientAddress: String? = nil,
                                by principal: Principal) async throws -> MyProfile {
        let tokenHash = token.map { Self.tokenHash($0) }
        let volunteerId = try ownVolunteerId(principal)
        let userId = principal.userId ?? 0
        let residence = try update.residenceArea.map { try Self.checkedResidence($0) }
        let skills = update.skills.map { $0.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if let skills, skills.count > 20 || skills.contains(where: { $0.count > 50 }) {
            throw LedgerError.invalidField(field: "skills", reason: "最多 20 项，每项不超过 50 个字符 / at most 20 skills of at most 50 characters")
        }
        let newPhone = try update.phone.map { try MessageRecipient.phone(checking: $0) }
        if newPhone != nil, (update.phoneCode ?? "").isEmpty {
            throw LedgerError.invalidField(field: "phoneCode", reason: "请填写发送到新号码的验证码 / give the code sent to the new phone")
        }
        var newHash: String?
        if let newPassword = update.newPassword {
            _ = try Self.checkedCredentials(username: "me", password: newPassword)
            let account = try await store.read { try $0.user(id: userId) }
            let name = account?.username ?? ""
            if let wait = loginThrottle.delay(account: name, address: clientAddress, now: clock()) {
                throw LedgerError.loginThrottled(retryAfterSeconds: wait)
            }
            guard try await passwords.verify(update.currentPassword ?? "", hash: account?.passwordHash) else {
                loginThrottle.recordFailure(account: name, address: clientAddress, now: clock())
                throw LedgerError.invalidField(field: "currentPassword", reason: "当前密码不正确 / the current password is wrong")
            }
            newHash = try await passwords.hash(newPassword)
        }
        if let newPhone {
            try await consumeVerificationCode(purpose: .changePhone, destination: newPhone, code: update.phoneCode ?? "", clientAddress: clientAddress)
        }
        let now = self.now
        let categories = update.serviceCategories
        let passwordHash = newHash
        return try await store.write { w in
            try w.lockVolunteer(id: volunteerId)
            guard let volunteer = try w.volunteer(id: volunteerId), let account = try w.user(id: userId) else {
                throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
            }
            try w.updateProfile(volunteerId: volunteerId, phone: newPhone?.address ?? volunteer.phone,
                                residenceArea: residence ?? volunteer.residenceArea, skills: skills ?? volunteer.skills,
                                serviceCategories: categories ?? volunteer.serviceCategories)
            if let passwordHash {
                try w.updatePassword(userId: userId, passwordHash: passwordHash)
                try w.revokeSessions(userId: userId, keeping: tokenHash, at: now)
            }
            guard let changed = try w.volunteer(id: volunteerId) else { throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId)) }
            return MyProfile(volunteer: changed, username: account.username, memberships: try Self.myMemberships(volunteerId, w),
                             consent: try w.residentConsent(volunteerId: volunteerId))
        }
    }

    /// All my data: profile, memberships (and ended ones), join requests, records with their history, certificates,
    /// sign-ups, claims and consents. Read in pages of at most 500 rows each.
    public func myData(by principal: Principal) async throws -> PersonalDataExport {
        let volunteerId = try ownVolunteerId(principal)
        let userId = principal.userId ?? 0
        let exportedAt = now
        return try await store.read { r in
            guard let volunteer = try r.volunteer(id: volunteerId), let account = try r.user(id: userId) else {
                throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
            }
            func all<T>(_ id: (T) -> Int64, _ fetch: (Int64?) throws -> [T]) throws -> [T] {
                var result: [T] = [], after: Int64? = nil
                while true {
                    let page = try fetch(after)
                    result += page
                    guard page.count == 500, let last = page.last else { return result }
                    after = id(last)
                }
            }
            let records = try all(\ServiceRecord.id) { try r.records(RecordFilter(volunteerId: volunteerId, includeVoid: true), after: $0, limit: 500) }
            return PersonalDataExport(
                exportedAt: exportedAt, volunteer: volunteer, username: account.username, consent: try r.residentConsent(volunteerId: volunteerId),
                memberships: try Self.myMemberships(volunteerId, r),
                membershipEndings: try all(\MembershipEnding.id) { try r.membershipEndings(volunteerId: volunteerId, after: $0, limit: 500) },
                joinRequests: try all(\JoinRequest.id) { try r.joinRequests(volunteerId: volunteerId, after: $0, limit: 500) },
                records: try records.map { ExportedRecord(record: $0, history: try r.revisions(recordId: $0.id)) },
                certificates: try all(\Certificate.id) { try r.certificates(volunteerId: volunteerId, organizationId: nil, after: $0, limit: 500) },
                signUps: try all(\SignUp.id) { try r.signUps(volunteerId: volunteerId, after: $0, limit: 500) },
                claims: try all(\HoursClaim.id) { try r.claims(organizationId: nil, volunteerId: volunteerId, state: nil, after: $0, limit: 500) })
        }
    }
}
