import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

/// Residents registering themselves (`startRegistration`, `registerResident`, no login) and my profile
/// (`getMyProfile`, `updateMyProfile`, `downloadMyData`, `downloadMyDataSpreadsheet`, a volunteer's own login only).
struct ResidentRoutes {
    let ledger: Ledger

    struct IdentityInput: Decodable {
        var name: String
        var documentType: DocumentType?
        var documentNumber: String
        var sex: Sex?
        var birthDate: LocalDate?
        var phone: String
        /// `zh` (default) or `en`: the language of the code's message.
        var language: String?

        var identity: RegistrationIdentity {
            RegistrationIdentity(name: name, documentType: documentType, documentNumber: documentNumber, sex: sex, birthDate: birthDate,
                                 phone: phone)
        }
    }

    struct RegistrationInput: Decodable {
        var name: String
        var documentType: DocumentType?
        var documentNumber: String
        var sex: Sex?
        var birthDate: LocalDate?
        var phone: String
        var code: String
        var username: String?
        var password: String
        var residenceArea: String?
        var serviceCategories: [ServiceCategory]?
        var skills: [String]?
        var acceptedTermsVersion: String
        var guardian: GuardianInput?

        struct GuardianInput: Decodable {
            var name: String
            var phone: String
            var consent: Bool
        }
    }

    struct StartBody: ResponseEncodable {
        var mode: RegistrationMode
        /// Masked: for a takeover, the phone on file, never shown in full.
        var destination: String
        var expiresAt: String
        var needsGuardian: Bool
        var termsVersion: String
    }

    struct RegisteredBody: ResponseEncodable {
        var volunteer: VolunteerBody
        var username: String
        var tookOver: Bool
        /// A bearer token of the new login, so the resident is signed in at once.
        var token: String
        var expiresAt: String
    }

    struct ProfileInput: Decodable {
        var phone: String?
        var phoneCode: String?
        var residenceArea: String?
        var serviceCategories: [ServiceCategory]?
        var skills: [String]?
        var currentPassword: String?
        var newPassword: String?
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("registrations/verification-code") { request, context -> EditedResponse<StartBody> in
            let input = try await request.decode(as: IdentityInput.self, context: context)
            guard let language = MessageLanguage(rawValue: input.language ?? "zh") else {
                throw LedgerError.invalidField(field: "language", reason: "必须是 zh 或 en / must be zh or en")
            }
            let start = try await ledger.startRegistration(input.identity, language: language, clientAddress: context.clientAddress)
            return EditedResponse(status: .accepted, response: StartBody(
                mode: start.mode, destination: start.maskedDestination, expiresAt: Wire.time(start.expiresAt, .ledgerDefault),
                needsGuardian: start.needsGuardian, termsVersion: PlatformTerms.currentVersion))
        }
        api.post("registrations") { request, context -> EditedResponse<RegisteredBody> in
            let i = try await request.decode(as: RegistrationInput.self, context: context)
            let identity = RegistrationIdentity(name: i.name, documentType: i.documentType, documentNumber: i.documentNumber, sex: i.sex,
                                                birthDate: i.birthDate, phone: i.phone)
            let done = try await ledger.registerResident(ResidentRegistration(
                identity: identity, code: i.code, username: i.username, password: i.password, residenceArea: i.residenceArea,
                serviceCategories: i.serviceCategories, skills: i.skills, acceptedTermsVersion: i.acceptedTermsVersion,
                guardian: i.guardian.map { GuardianConsentInput(name: $0.name, phone: $0.phone, consent: $0.consent) }),
                clientAddress: context.clientAddress)
            context.logger.notice("resident registered", metadata: ["user": "\(done.account.id)", "tookOver": "\(done.tookOver)"])
            let grant = try await ledger.login(username: done.account.username, password: i.password, clientAddress: context.clientAddress)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/me/profile"], response: RegisteredBody(
                volunteer: VolunteerBody(done.volunteer), username: done.account.username, tookOver: done.tookOver, token: grant.token,
                expiresAt: Wire.time(grant.expiresAt, .ledgerDefault)))
        }
        api.get("me/profile") { _, context -> MyProfileBody in
            MyProfileBody(try await ledger.myProfile(by: try context.requirePrincipal()))
        }
        api.put("me/profile") { request, context -> MyProfileBody in
            let principal = try context.requirePrincipal()
            let i = try await request.decode(as: ProfileInput.self, context: context)
            let update = ProfileUpdate(phone: i.phone, phoneCode: i.phoneCode, residenceArea: i.residenceArea, serviceCategories: i.serviceCategories,
                                       skills: i.skills, currentPassword: i.currentPassword, newPassword: i.newPassword)
            return MyProfileBody(try await ledger.updateMyProfile(update, keepingSession: context.bearerToken, clientAddress: context.clientAddress,
                                                                  by: principal))
        }
        api.get("me/data") { _, context -> Response in
            let data = try await ledger.myData(by: try context.requirePrincipal())
            return Response(status: .ok, headers: [.contentType: "application/json", .contentDisposition: "attachment; filename=\"my-data.json\"",
                                                   .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try Self.json(data))))
        }
        api.get("me/data.xlsx") { _, context -> Response in
            let data = try await ledger.myData(by: try context.requirePrincipal())
            return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                   .contentDisposition: "attachment; filename=\"my-data.xlsx\"", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try PersonalDataWorkbook.bytes(data))))
        }
    }

    /// All my data as JSON: times in RFC 3339 UTC, keys sorted.
    static func json(_ data: PersonalDataExport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(data))
    }
}

/// My profile as I see it (`getMyProfile`, `updateMyProfile`): unmasked, only to me.
struct MyProfileBody: ResponseEncodable {
    struct MembershipBody: Encodable {
        var organizationId: Int64
        var organizationName: String
        var joinedAt: String
    }

    struct GuardianBody: Encodable {
        var name: String
        var phone: String
        var consentedAt: String
    }

    var volunteer: VolunteerBody
    var username: String
    var memberships: [MembershipBody]
    var termsVersion: String?
    var termsAcceptedAt: String?
    var guardian: GuardianBody?

    init(_ p: MyProfile) {
        volunteer = VolunteerBody(p.volunteer)
        username = p.username
        memberships = p.memberships.map { MembershipBody(organizationId: $0.organizationId, organizationName: $0.organizationName,
                                                         joinedAt: Wire.time($0.joinedAt, .ledgerDefault)) }
        termsVersion = p.consent?.termsVersion
        termsAcceptedAt = p.consent.map { Wire.time($0.termsAcceptedAt, .ledgerDefault) }
        if let c = p.consent, let name = c.guardianName, let phone = c.guardianPhone, let at = c.guardianConsentedAt {
            guardian = GuardianBody(name: name, phone: phone, consentedAt: Wire.time(at, .ledgerDefault))
        }
    }
}
