import Foundation
import LedgerCertificates
import LedgerCore
import Testing

/// A testbed whose ledger issues certificates, signed with a key file of its own.
struct CertifyingTestbed: Sendable {
    let bed: Testbed
    let ledger: Ledger
    let keyring: CertificateKeyring
    let keyPath: String
    static let base = "https://verify.example.gov.cn"

    init() async throws {
        bed = try await Testbed()
        keyPath = bed.directory.appendingPathComponent("keys.json").path
        keyring = try await CertificateKeyring(path: keyPath, refreshInterval: .zero)
        var ledger = bed.ledger
        ledger.certificates = CertificateSettings(authority: keyring, publicBaseURL: Self.base,
                                                  platformIssuer: CertificateIssuer(name: "杭州市志愿服务信息平台", creditCode: Make.creditCode(900)))
        self.ledger = ledger
    }

    /// Organization `n` with volunteer `volunteer` and an activity on June 10, 08:00 to 18:00.
    func scene(_ n: Int = 1, volunteer: Int = 1) async throws -> (Organization, Volunteer, Activity) {
        let organization = try await bed.organization(n)
        let person = try await bed.volunteer(volunteer, in: organization)
        let activity = try await bed.activity(organization)
        return (organization, person, activity)
    }

    /// Issues a certificate as the local operator (platform rights) unless `principal` is given.
    func issue(_ volunteer: Volunteer, by organization: Organization?, from: LocalDate? = nil, to: LocalDate? = nil,
               as principal: Principal = .localOperator) async throws -> IssuedCertificate {
        try await ledger.issueCertificate(CertificateRequest(volunteerId: volunteer.id, organizationId: organization?.id,
                                                             from: from, to: to), by: principal)
    }

    func verify(_ token: String) async throws -> CertificateVerification {
        try await ledger.verifyCertificate(token: token)
    }
}

extension Principal {
    static func staff(of organization: Organization, admin: Bool = false) -> Principal {
        Principal(userId: 900, role: admin ? .organizationAdmin : .organizationStaff, organizationId: organization.id)
    }

    static func person(_ volunteer: Volunteer) -> Principal {
        Principal(userId: 901, role: .volunteer, volunteerId: volunteer.id)
    }

    static let inspector = Principal(userId: 902, role: .inspector)
}
