import Crypto
import Foundation
import LedgerCore
import Testing

/// Residents registering themselves and keeping their profile, on both stores: the phone proved by a code before the
/// account exists, one person platform-wide (a person an organization registered is taken over by the phone on file,
/// records intact), a guardian's consent under 18, and my profile and data.
@Suite("Resident registration and my profile")
struct ResidentRegistrationTests {
    static let op = Principal.localOperator

    static func ledger(_ t: TestStore, outbox: DevelopmentOutbox) -> Ledger {
        var ledger = t.ledger()
        ledger.messages = outbox
        ledger.verificationCodes = VerificationCodeSettings(key: SymmetricKey(data: Data(repeating: 9, count: 32)), platformName: "测试平台")
        return ledger
    }

    static func lastCode(_ outbox: DevelopmentOutbox) throws -> String {
        try #require(outbox.entries.first?.message.parameters["code"])
    }

    static func minorID() -> String {
        let body = "330106" + "20120307" + "123"
        return body + String(ResidentIDNumber.checkCharacter(for: body)!)
    }

    static func registration(_ identity: RegistrationIdentity, code: String, username: String? = nil,
                             guardian: GuardianConsentInput? = nil) -> ResidentRegistration {
        ResidentRegistration(identity: identity, code: code, username: username, password: "a-long-password", residenceArea: "330106",
                             serviceCategories: [.elderlyAndChildren], skills: ["手语"], acceptedTermsVersion: PlatformTerms.currentVersion,
                             guardian: guardian)
    }

    @Test(arguments: Backend.all)
    func aNewResidentProvesThePhoneThenGetsVolunteerAndLoginInOneStep(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let identity = RegistrationIdentity(name: "周晓岚", documentNumber: Make.residentID(41), phone: "13912345678")
            // A bad check character is refused before any code is sent.
            let broken = RegistrationIdentity(name: "周晓岚", documentNumber: String(Make.residentID(41).dropLast()) + "0", phone: "13912345678")
            await expectLedgerErrorCode("invalid-field") { _ = try await ledger.startRegistration(broken) }
            #expect(outbox.entries.isEmpty)

            let start = try await ledger.startRegistration(identity, clientAddress: "10.1.1.1")
            #expect(start.mode == .new && start.maskedDestination == "139****5678" && !start.needsGuardian)
            #expect(outbox.entries.first?.message.recipient == .phone("13912345678"))
            let code = try Self.lastCode(outbox)

            // Old terms, or a wrong code, create nothing.
            var oldTerms = Self.registration(identity, code: code)
            oldTerms.acceptedTermsVersion = "2020-01"
            await expectLedgerErrorCode("invalid-field") { _ = try await ledger.registerResident(oldTerms) }
            await expectLedgerErrorCode("verification-code-wrong") {
                _ = try await ledger.registerResident(Self.registration(identity, code: code == "000000" ? "111111" : "000000"))
            }
            #expect(try await t.store.read { try $0.volunteer(documentType: .residentID, documentNumber: Make.residentID(41)) } == nil)

            // No username chosen: the volunteer number is the username.
            let done = try await ledger.registerResident(Self.registration(identity, code: code), clientAddress: "10.1.1.1")
            #expect(!done.tookOver && done.account.username == done.volunteer.number && done.account.volunteerId == done.volunteer.id)
            #expect(done.volunteer.residenceArea == "330106" && done.volunteer.skills == ["手语"] && done.volunteer.phone == "13912345678")
            let consent = try #require(try await t.store.read { try $0.residentConsent(volunteerId: done.volunteer.id) })
            #expect(consent.termsVersion == PlatformTerms.currentVersion && consent.termsAcceptedAt == Make.now && consent.guardianName == nil)
            #expect(try await ledger.login(username: done.volunteer.number, password: "a-long-password").account.id == done.account.id)

            // The same document again: refused, pointing to login.
            await expectLedgerErrorCode("document-has-account") { _ = try await ledger.startRegistration(identity) }
        }
    }

    @Test(arguments: Backend.all)
    func aPersonAnOrganizationRegisteredIsTakenOverByThePhoneOnFileWithRecordsIntact(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let org = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let registered = try await ledger.registerVolunteer(Make.registration(7), organizationId: org.id, by: Self.op).volunteer
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: org.id, by: Self.op)
            let record = try await ledger.recordService(RecordInput(volunteerNumber: registered.number, activityId: activity.id,
                                                                    start: Make.june(10, 9), end: Make.june(10, 12)), by: Self.op)

            // Another name for the same document is refused.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.startRegistration(RegistrationIdentity(name: "别人", documentNumber: registered.documentNumber, phone: "13700001111"))
            }
            // The code goes to the phone on file, not to the phone typed, and the answer shows it masked.
            let identity = RegistrationIdentity(name: registered.name, documentNumber: registered.documentNumber, phone: "13700001111")
            let start = try await ledger.startRegistration(identity)
            #expect(start.mode == .takeover && start.maskedDestination == Masking.phone(registered.phone))
            #expect(outbox.entries.first?.message.recipient == .phone(registered.phone))
            let done = try await ledger.registerResident(Self.registration(identity, code: try Self.lastCode(outbox), username: "volunteer-seven"))
            #expect(done.tookOver && done.volunteer.id == registered.id && done.account.volunteerId == registered.id)
            // The records stay the person's; the phone on file stays.
            let me = Principal(done.account)
            let mine = try await ledger.records(RecordFilter(), after: nil, limit: nil, by: me)
            #expect(mine.items.map(\.id) == [record.id])
            #expect(try await ledger.myProfile(by: me).volunteer.phone == registered.phone)
            #expect(try await t.store.read { try $0.residentConsent(volunteerId: registered.id)?.tookOver } == true)
            let volunteers = try await t.store.read { try $0.volunteers(after: nil, limit: 10) }
            #expect(volunteers.count == 1)
        }
    }

    @Test(arguments: Backend.all)
    func withoutAMobilePhoneOnFileThePersonIsSentToTheirOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let org = try await ledger.createOrganization(Make.organizationInput(3), by: Self.op)
            var input = Make.registration(8)
            input.phone = "0571-8888-1234"
            let registered = try await ledger.registerVolunteer(input, organizationId: org.id, by: Self.op).volunteer
            do {
                _ = try await ledger.startRegistration(RegistrationIdentity(name: registered.name, documentNumber: registered.documentNumber,
                                                                            phone: "13700001111"))
                Issue.record("expected takeover-needs-invitation")
            } catch let error as LedgerError {
                #expect(error.code == "takeover-needs-invitation" && error.message.contains(org.name) && error.message.contains("/invite"))
            }
            #expect(outbox.entries.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func aMinorGivesAGuardiansNamePhoneAndConsent(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let identity = RegistrationIdentity(name: "林小树", documentNumber: Self.minorID(), phone: "13611112222")
            let start = try await ledger.startRegistration(identity)
            #expect(start.needsGuardian)
            let code = try Self.lastCode(outbox)
            await expectLedgerErrorCode("invalid-field") { _ = try await ledger.registerResident(Self.registration(identity, code: code)) }
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.registerResident(Self.registration(identity, code: code,
                                                                        guardian: GuardianConsentInput(name: "林大山", phone: "13611113333", consent: false)))
            }
            let done = try await ledger.registerResident(Self.registration(
                identity, code: code, guardian: GuardianConsentInput(name: "林大山", phone: "136 1111 3333", consent: true)))
            let consent = try #require(try await t.store.read { try $0.residentConsent(volunteerId: done.volunteer.id) })
            #expect(consent.guardianName == "林大山" && consent.guardianPhone == "13611113333" && consent.guardianConsentedAt == Make.now)
        }
    }

    @Test(arguments: Backend.all)
    func iChangeMyProfilePhoneByCodeAndPasswordEndingOtherSessionsAndDownloadMyData(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let org = try await ledger.createOrganization(Make.organizationInput(4), by: Self.op)
            let registered = try await ledger.registerVolunteer(Make.registration(9), organizationId: org.id, by: Self.op).volunteer
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: org.id, by: Self.op)
            let record = try await ledger.recordService(RecordInput(volunteerNumber: registered.number, activityId: activity.id,
                                                                    start: Make.june(10, 9), end: Make.june(10, 12)), by: Self.op)
            _ = try await ledger.correctRecord(id: record.id, RecordCorrection(minutes: 150, reason: "少记休息"), by: Self.op)
            let identity = RegistrationIdentity(name: registered.name, documentNumber: registered.documentNumber, phone: registered.phone)
            _ = try await ledger.startRegistration(identity)
            let done = try await ledger.registerResident(Self.registration(identity, code: try Self.lastCode(outbox), username: "nine"))
            let me = Principal(done.account)
            let first = try await ledger.login(username: "nine", password: "a-long-password")
            let second = try await ledger.login(username: "nine", password: "a-long-password")

            // Staff have no profile here.
            await expectLedgerErrorCode("forbidden") { _ = try await ledger.myProfile(by: Principal(userId: 1, role: .organizationStaff, organizationId: org.id)) }

            // Residence, categories, skills; a bad region code changes nothing.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.updateMyProfile(ProfileUpdate(residenceArea: "12", skills: ["摄影"]), by: me)
            }
            #expect(try await ledger.myProfile(by: me).volunteer.skills == registered.skills)
            let changed = try await ledger.updateMyProfile(ProfileUpdate(residenceArea: "310104", serviceCategories: [.cultureAndSports], skills: ["摄影"]), by: me)
            #expect(changed.volunteer.residenceArea == "310104" && changed.volunteer.skills == ["摄影"] && changed.volunteer.serviceCategories == [.cultureAndSports])

            // A new phone needs the code sent to it.
            await expectLedgerErrorCode("invalid-field") { _ = try await ledger.updateMyProfile(ProfileUpdate(phone: "13500002222"), by: me) }
            _ = try await ledger.sendVerificationCode(purpose: .changePhone, to: .phone("13500002222"))
            await expectLedgerErrorCode("verification-code-expired") {
                _ = try await ledger.updateMyProfile(ProfileUpdate(phone: "13500003333", phoneCode: try Self.lastCode(outbox)), by: me)
            }
            let phoned = try await ledger.updateMyProfile(ProfileUpdate(phone: "13500002222", phoneCode: try Self.lastCode(outbox)), by: me)
            #expect(phoned.volunteer.phone == "13500002222" && phoned.volunteer.residenceArea == "310104")

            // A new password needs the current one, and ends my other sessions.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.updateMyProfile(ProfileUpdate(currentPassword: "wrong-password", newPassword: "another-long-one"), by: me)
            }
            _ = try await ledger.updateMyProfile(ProfileUpdate(currentPassword: "a-long-password", newPassword: "another-long-one"),
                                                 keepingSession: first.token, by: me)
            #expect(try await ledger.authenticate(token: first.token).id == done.account.id)
            await expectLedgerErrorCode("unauthenticated") { _ = try await ledger.authenticate(token: second.token) }
            _ = try await ledger.login(username: "nine", password: "another-long-one")

            // All my data: records with their history, memberships, consent.
            let data = try await ledger.myData(by: me)
            #expect(data.volunteer.documentNumber == registered.documentNumber && data.username == "nine")
            #expect(data.records.count == 1 && data.records[0].history.count == 2 && data.records[0].record.minutes == 150)
            #expect(data.memberships.map(\.organizationName) == [org.name] && data.consent?.tookOver == true)
            await expectLedgerErrorCode("forbidden") { _ = try await ledger.myData(by: Self.op) }
        }
    }

    @Test(arguments: Backend.all)
    func registrationStepsAreThrottledPerClientAddress(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            var ledger = Self.ledger(t, outbox: outbox)
            ledger.registrationThrottle = LoginThrottle(perAccount: .registrationsPerDocument,
                                                        perAddress: LoginThrottle.Policy(freeAttempts: 2, firstDelay: 60, maxDelay: 60, forgetAfter: 3600))
            for n in 50..<52 {
                _ = try await ledger.startRegistration(RegistrationIdentity(name: "甲", documentNumber: Make.residentID(n), phone: "1391111\(n)00"),
                                                       clientAddress: "10.9.9.9")
            }
            await expectLedgerErrorCode("registration-throttled") {
                _ = try await ledger.startRegistration(RegistrationIdentity(name: "甲", documentNumber: Make.residentID(52), phone: "13911115200"),
                                                       clientAddress: "10.9.9.9")
            }
            // Another address is not held up.
            _ = try await ledger.startRegistration(RegistrationIdentity(name: "甲", documentNumber: Make.residentID(52), phone: "13911115200"),
                                                   clientAddress: "10.9.9.10")
        }
    }

    @Test(arguments: Backend.all)
    func migrateDataCopiesTheConsents(_ backend: Backend) async throws {
        try await withStore(.sqlite) { source in try await withStore(backend) { target in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(source, outbox: outbox)
            let identity = RegistrationIdentity(name: "林小树", documentNumber: Self.minorID(), phone: "13611112222")
            _ = try await ledger.startRegistration(identity)
            let done = try await ledger.registerResident(Self.registration(
                identity, code: try Self.lastCode(outbox), guardian: GuardianConsentInput(name: "林大山", phone: "13611113333", consent: true)))
            let outcome = try await LedgerTransfer(batchSize: 2).copy(from: source.store, to: target.store)
            #expect(outcome.source == outcome.target && outcome.target.counts.otherTables["resident_consents"] == 1)
            let original = try await source.store.read { try $0.residentConsent(volunteerId: done.volunteer.id) }
            let copy = try await target.store.read { try $0.residentConsent(volunteerId: done.volunteer.id) }
            #expect(original != nil && copy == original)
        } }
    }
}
