import Crypto
import Foundation
import LedgerCore
import Testing

/// Organizations apply to the platform (组织入驻申请) on both stores: the contact phone proven by a one-time code, the
/// certificate checked by its bytes and stored once, one pending application per credit code, platform admins (only) see
/// the queue and return with a reason or approve; approval registers the organization (logged in the transparency log)
/// and its first admin's account in one transaction.
@Suite("Organization applications")
struct OrganizationApplicationTests {
    static let admin = Principal(userId: 900, role: .platformAdmin)
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0x80, 0, 0, 1, 0xE0,
                               8, 2, 0, 0, 0] + Array(repeating: 1, count: 32)

    static func ledger(_ t: TestStore, outbox: DevelopmentOutbox) -> Ledger {
        var ledger = t.ledger()
        ledger.messages = outbox
        ledger.verificationCodes = VerificationCodeSettings(key: SymmetricKey(data: Data(repeating: 5, count: 32)), platformName: "测试平台")
        return ledger
    }

    static func input(_ n: Int, phone: String = "13800138000", code: String, username: String? = nil,
                      certificate: [UInt8] = pdf) -> OrganizationApplicationInput {
        OrganizationApplicationInput(
            name: "  社区志愿服务队\(n) ", creditCode: Make.creditCode(n).lowercased(), regionCode: "330106", registrationType: "community_team",
            contactName: "王联系", contactPhone: "+86 " + phone, code: code, adminUsername: username ?? "team\(n)-admin",
            adminPassword: "correct horse 1", certificate: certificate)
    }

    /// Sends a code to `phone` and returns it.
    static func code(_ ledger: Ledger, _ outbox: DevelopmentOutbox, phone: String = "13800138000") async throws -> String {
        _ = try await ledger.sendVerificationCode(purpose: .organizationApply, to: try MessageRecipient.phone(checking: phone))
        return try #require(outbox.entries.first?.message.parameters["code"])
    }

    @Test(arguments: Backend.all)
    func anOrganizationAppliesIsReturnedAppliesAgainAndIsApprovedWithItsAdminAccount(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            let first = try await ledger.applyForOrganization(Self.input(1, code: try await Self.code(ledger, outbox)), clientAddress: "10.0.0.1")
            let application = first.application
            #expect(application.state == .pending && application.name == "社区志愿服务队1" && application.creditCode == Make.creditCode(1))
            #expect(application.contactPhone == "13800138000" && application.registrationType == .communityTeam)
            #expect(application.adminPasswordHash.hasPrefix("$2") && !application.adminPasswordHash.contains("correct horse"))
            #expect(first.statusToken.count == 43 && application.statusTokenHash != first.statusToken)

            // The applicant reads it by the token; a wrong token is not-found.
            #expect(try await ledger.organizationApplication(id: application.id, statusToken: first.statusToken) == application)
            await expectLedgerErrorCode("not-found") {
                _ = try await ledger.organizationApplication(id: application.id, statusToken: String(first.statusToken.dropLast()) + "A")
            }
            // A second application for the credit code while one waits: 409, nothing stored (and no code spent).
            let sent = outbox.entries.count
            await expectLedgerError(.organizationApplicationPending(creditCode: Make.creditCode(1))) {
                _ = try await ledger.applyForOrganization(Self.input(1, code: "000000", username: "someone-else"), clientAddress: nil)
            }
            #expect(outbox.entries.count == sent)

            // Only platform admins see the queue and the certificate.
            for principal in [Principal(userId: 2, role: .inspector), Principal(userId: 3, role: .organizationAdmin, organizationId: 1)] {
                await expectLedgerErrorCode("forbidden") { _ = try await ledger.organizationApplications(state: .pending, after: nil, limit: nil, by: principal) }
                await expectLedgerErrorCode("forbidden") { _ = try await ledger.approveOrganizationApplication(id: application.id, by: principal) }
                await expectLedgerErrorCode("forbidden") { _ = try await ledger.registrationCertificate(applicationId: application.id, by: principal) }
            }
            #expect(try await ledger.organizationApplications(state: .pending, after: nil, limit: nil, by: Self.admin).items == [application])
            let file = try await ledger.registrationCertificate(applicationId: application.id, by: Self.admin)
            #expect(file.bytes == Self.pdf && file.contentType == "application/pdf")

            // Returned with a reason (required); the applicant sees it; a returned one is decided.
            await expectLedgerError(.reasonRequired) { _ = try await ledger.returnOrganizationApplication(id: application.id, reason: "  ", by: Self.admin) }
            let returned = try await ledger.returnOrganizationApplication(id: application.id, reason: "证书照片不清晰", by: Self.admin)
            #expect(returned.state == .returned && returned.reason == "证书照片不清晰" && returned.decidedBy == 900)
            #expect(try await ledger.organizationApplication(id: application.id, statusToken: first.statusToken).reason == "证书照片不清晰")
            await expectLedgerError(.organizationApplicationDecided(applicationId: application.id, state: .returned)) {
                _ = try await ledger.approveOrganizationApplication(id: application.id, by: Self.admin)
            }
            #expect(try await ledger.organizationApplications(state: .pending, after: nil, limit: nil, by: Self.admin).items.isEmpty)

            // Applies again with a PNG: approved, the organization and its admin exist and the registration is logged.
            let second = try await ledger.applyForOrganization(
                Self.input(1, code: try await Self.code(ledger, outbox), certificate: Self.png), clientAddress: "10.0.0.1")
            let queuedBefore = try await t.store.read { try $0.queuedLogEntries(limit: 1000).count }
            let approved = try await ledger.approveOrganizationApplication(id: second.application.id, by: Self.admin)
            #expect(approved.state == .approved && approved.organizationId != nil)
            let organization = try await ledger.organization(creditCode: Make.creditCode(1))
            #expect(organization.id == approved.organizationId && organization.name == "社区志愿服务队1" && organization.contactPhone == "13800138000")
            let queued = try await t.store.read { try $0.queuedLogEntries(limit: 1000) }
            #expect(queued.count == queuedBefore + 1)
            #expect(queued.last?.entry == LogEntry.created(organization).bytes)
            let grant = try await ledger.login(username: "team1-admin", password: "correct horse 1")
            #expect(grant.account.role == .organizationAdmin && grant.account.organizationId == organization.id)
            #expect(grant.account.displayName == "王联系")
            // The account is in the security log as every account created, by the approving admin.
            let created = try await ledger.securityEvents(SecurityEventFilter(kind: .accountCreated, accountId: grant.account.id),
                                                          beforeId: nil, limit: nil, by: Self.admin).items
            #expect(created.count == 1 && created.first?.actorId == 900)
            // Decided once; the code is now registered.
            await expectLedgerError(.organizationApplicationDecided(applicationId: approved.id, state: .approved)) {
                _ = try await ledger.returnOrganizationApplication(id: approved.id, reason: "重复", by: Self.admin)
            }
            await expectLedgerError(.duplicateCreditCode(Make.creditCode(1))) {
                _ = try await ledger.applyForOrganization(Self.input(1, code: "000000", username: "x-admin"), clientAddress: nil)
            }
            #expect(try await ledger.organizationApplications(state: nil, after: nil, limit: nil, by: Self.admin).items.map(\.state)
                    == [.returned, .approved])
        }
    }

    @Test(arguments: Backend.all)
    func badInputIsRefusedByItsFieldAndStoresNothing(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let outbox = DevelopmentOutbox()
            let ledger = Self.ledger(t, outbox: outbox)
            _ = try await ledger.createAccount(AccountInput(username: "taken", password: "password-1234", role: .inspector), by: .localOperator)
            let code = try await Self.code(ledger, outbox)
            var badCode = Self.input(2, code: code)
            // The check character is wrong.
            badCode.creditCode = String(Make.creditCode(2).dropLast()) + (Make.creditCode(2).last == "0" ? "1" : "0")
            var badType = Self.input(2, code: code)
            badType.registrationType = "company"
            var badRegion = Self.input(2, code: code)
            badRegion.regionCode = "33"
            var weak = Self.input(2, code: code)
            weak.adminPassword = "short"
            let cases: [(OrganizationApplicationInput, String)] = [
                (badCode, "creditCode"), (badType, "registrationType"), (badRegion, "regionCode"), (weak, "adminPassword"),
                (Self.input(2, code: code, username: "taken"), "adminUsername"),
                (Self.input(2, code: code, certificate: Array("GIF89a not allowed".utf8)), "certificate"),
                (Self.input(2, code: code, certificate: []), "certificate"),
                (Self.input(2, code: code, certificate: Array("%PDF-".utf8) + Array(repeating: 0x20, count: RegistrationCertificateFile.maximumSize)), "file"),
            ]
            for (input, field) in cases {
                do {
                    _ = try await ledger.applyForOrganization(input, clientAddress: nil)
                    Issue.record("\(field): accepted")
                } catch let error as LedgerError {
                    #expect(error.field == field, "\(error)")
                }
            }
            // A wrong code: refused with the tries left; the right one still works after it.
            await expectLedgerError(.verificationCodeWrong(remainingTries: 4)) {
                _ = try await ledger.applyForOrganization(Self.input(2, code: code == "123456" ? "654321" : "123456"), clientAddress: nil)
            }
            #expect(try await ledger.organizationApplications(state: nil, after: nil, limit: nil, by: Self.admin).items.isEmpty)
            let stored = try await ledger.applyForOrganization(Self.input(2, code: code), clientAddress: nil)
            #expect(stored.application.state == .pending)
        }
    }

    @Test(arguments: Backend.all)
    func oneApplicationPendsPerCreditCodeByConstraintAndApplicationsAreThrottledPerAddress(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let pending = OrganizationApplication(
                id: 0, name: "甲", creditCode: Make.creditCode(3), regionCode: "330106", registrationType: .socialGroup, contactName: "乙",
                contactPhone: "13800138000", adminUsername: "a", adminPasswordHash: "$2b$04$x", certificateHash: String(repeating: "a", count: 64),
                statusTokenHash: String(repeating: "b", count: 64), submittedAt: Make.now)
            let file = RegistrationCertificateFile(hash: String(repeating: "a", count: 64), contentType: "application/pdf", bytes: Self.pdf)
            let first = try await t.store.write { w in
                try w.save(file)
                try w.save(file)  // stored once
                return try w.insert(pending)
            }
            #expect(first != nil)
            #expect(try await t.store.write { try $0.insert(pending) } == nil)
            #expect(try await t.store.read { try $0.registrationCertificates(after: nil, limit: 10) } == [file])

            let outbox = DevelopmentOutbox()
            var ledger = Self.ledger(t, outbox: outbox)
            ledger.organizationApplicationThrottle = LoginThrottle(
                perAccount: .applicationsPerCreditCode,
                perAddress: LoginThrottle.Policy(freeAttempts: 1, firstDelay: 60, maxDelay: 3600, forgetAfter: 3600))
            _ = try await ledger.applyForOrganization(Self.input(4, code: try await Self.code(ledger, outbox)), clientAddress: "10.0.0.9")
            await expectLedgerErrorCode("organization-application-throttled") {
                _ = try await ledger.applyForOrganization(Self.input(5, code: "000000"), clientAddress: "10.0.0.9")
            }
            // Another address is not held up.
            _ = try await ledger.applyForOrganization(Self.input(5, code: try await Self.code(ledger, outbox)), clientAddress: "10.0.0.10")
        }
    }
}
