import Foundation

/// A new invitation with its code, which is shown once and never stored.
public struct IssuedInvitation: Sendable {
    public var invitation: LoginInvitation
    /// Grouped, as printed: `7K2M-QX9P-4T0V-HC3R`.
    public var code: String
    /// The page where the volunteer chooses a password with it (the QR code's content).
    public var url: String
}

extension Ledger {
    /// Invites a member of the principal's organization who has no login yet to open one (valid for seven days).
    public func inviteVolunteer(volunteerId: Int64, by principal: Principal) async throws -> IssuedInvitation {
        guard principal.role == .organizationAdmin || principal.role == .organizationStaff, let organizationId = principal.organizationId else {
            throw LedgerError.forbidden("邀请由志愿服务组织工作人员发出；平台可直接开通账号 / organization staff invite their members; the platform opens accounts directly")
        }
        let code = InvitationCode.random(random)
        let hash = Self.tokenHash(InvitationCode.normalized(code) ?? code)
        let now = self.now
        let invitation = try await store.write { w -> LoginInvitation in
            guard let volunteer = try w.volunteer(id: volunteerId), try w.isMember(volunteerId: volunteerId, of: organizationId) else {
                throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
            }
            guard try !w.hasLogin(volunteerId: volunteer.id) else { throw LedgerError.alreadyHasLogin(volunteerNumber: volunteer.number) }
            return try w.insert(LoginInvitation(id: 0, volunteerId: volunteer.id, organizationId: organizationId, codeHash: hash,
                                                createdBy: principal.userId, createdAt: now, expiresAt: now.addingTimeInterval(LoginInvitation.lifetime)))
        }
        let base = certificates?.publicBaseURL ?? attendance?.publicBaseURL ?? ""
        return IssuedInvitation(invitation: invitation, code: code, url: "\(base)/invite?code=\(code)")
    }

    /// Opens the volunteer's login with an invitation's code: the volunteer proves who they are with their identity
    /// document number and chooses a username and password. The code works once, for seven days, and only while it is
    /// the volunteer's newest invitation. The code is looked up by its hash before any password is hashed; wrong codes
    /// and document numbers are counted per code and per `clientAddress`, and past a few of them refused with
    /// `invitationThrottled` before anything is read.
    public func redeemInvitation(code: String, documentNumber: String, username: String, password: String,
                                 clientAddress: String? = nil) async throws -> UserAccount {
        guard let normalized = InvitationCode.normalized(String(code.prefix(40))) else {
            throw LedgerError.invalidField(field: "code", reason: "须为 16 位邀请码，如 7K2M-QX9P-4T0V-HC3R / must be the 16-symbol code, like 7K2M-QX9P-4T0V-HC3R")
        }
        let name = try Self.checkedCredentials(username: username, password: password)
        let document = documentNumber.trimmingCharacters(in: .whitespaces).uppercased()
        let hash = Self.tokenHash(normalized)
        let codeKey = GuessKey.invitation(codeHash: hash), address = GuessKey.address(clientAddress)
        if let wait = invitationThrottle.delay(account: codeKey, address: address, now: clock()) {
            LedgerMetrics.guessThrottled("invitation")
            throw LedgerError.invitationThrottled(retryAfterSeconds: wait)
        }
        let now = self.now
        do {
            // Read first: a wrong code or document number costs one indexed lookup, not a bcrypt hash.
            _ = try await store.read { r in try Self.redeemable(codeHash: hash, document: document, in: r, now: now) }
        } catch let error as LedgerError where error.field == "code" || error.field == "documentNumber" {
            invitationThrottle.recordFailure(account: codeKey, address: address, now: clock())
            throw error
        }
        let passwordHash = try await passwords.hash(password)
        return try await store.write { w in
            let (invitation, volunteer) = try Self.redeemable(codeHash: hash, document: document, in: w, now: now)
            guard try !w.hasLogin(volunteerId: volunteer.id) else { throw LedgerError.alreadyHasLogin(volunteerNumber: volunteer.number) }
            if try w.user(username: name) != nil { throw LedgerError.duplicateUsername(name) }
            let account = try w.insert(UserAccount(id: 0, username: name, displayName: volunteer.name, role: .volunteer, organizationId: nil,
                                                   volunteerId: volunteer.id, passwordHash: passwordHash, createdAt: now, isDisabled: false))
            try w.markUsed(invitationId: invitation.id, at: now, userId: account.id)
            return account
        }
    }

    /// The invitation of a code and its volunteer, if the code is usable (unused, unexpired, the volunteer's newest
    /// invitation) and `document` is the volunteer's document number.
    private static func redeemable(codeHash: String, document: String, in r: any InvitationReader & VolunteerReader,
                                   now: Date) throws -> (LoginInvitation, Volunteer) {
        guard let invitation = try r.invitation(codeHash: codeHash), invitation.isUsable(at: now),
              try r.newestInvitationId(volunteerId: invitation.volunteerId) == invitation.id,
              let volunteer = try r.volunteer(id: invitation.volunteerId) else {
            throw LedgerError.invalidField(field: "code", reason: "邀请码无效、已使用、已过期或已被新的邀请取代，请向组织索取新的邀请 / the code is wrong, used, expired or replaced by a newer invitation: ask the organization for a new invitation")
        }
        guard !document.isEmpty, volunteer.documentNumber.uppercased() == document else {
            throw LedgerError.invalidField(field: "documentNumber", reason: "与受邀志愿者的证件号码不符 / does not match the invited volunteer's document number")
        }
        return (invitation, volunteer)
    }
}
