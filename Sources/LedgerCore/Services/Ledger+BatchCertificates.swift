import Foundation

/// What a batch certifies: the members of one organization with records of it in a period (days in the
/// organization's time zone; nil ends are open), each on a certificate of their own issued by the organization.
public struct CertificateBatchScope: Sendable, Hashable, Codable {
    public var organizationId: Int64
    public var from: LocalDate?
    public var to: LocalDate?

    public init(organizationId: Int64, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.organizationId = organizationId
        self.from = from
        self.to = to
    }
}

/// One member's certificate in a batch: newly issued, or an earlier one reused because the records it
/// covers are still exactly the member's records in the scope.
public struct CertificateBatchItem: Sendable {
    public enum Outcome: String, Sendable, Codable {
        case issued, reused
    }

    public var outcome: Outcome
    public var certificate: IssuedCertificate

    public init(outcome: Outcome, certificate: IssuedCertificate) {
        self.outcome = outcome
        self.certificate = certificate
    }
}

/// How a batch went: certificates issued and reused, and members skipped for having no records in the scope.
public struct CertificateBatchSummary: Sendable, Hashable, Codable {
    public var issued = 0
    public var reused = 0
    public var skipped = 0

    public init(issued: Int = 0, reused: Int = 0, skipped: Int = 0) {
        self.issued = issued
        self.reused = reused
        self.skipped = skipped
    }

    /// Certificates handed out (issued or reused).
    public var certificates: Int { issued + reused }
}

extension Ledger {
    /// Members read a page at a time: an organization may have tens of thousands.
    static let batchPageSize = 200

    /// Issues a certificate to every member of the organization with records in the scope, one at a time,
    /// each signed, stored and logged on its own as `issueCertificate` does; a member whose latest unrevoked
    /// certificate of this issuer and period still covers exactly their current records gets that one again.
    /// The organization's staff and admins, and the platform, may run it. `started` hears how many members
    /// have records (for progress), `each` every certificate as it is ready (to render or store it); the
    /// batch stops at the first error either throws, or when its task is cancelled.
    public func issueCertificateBatch(
        _ scope: CertificateBatchScope, by principal: Principal,
        started: @Sendable (Int) async throws -> Void = { _ in },
        each: @Sendable (CertificateBatchItem) async throws -> Void
    ) async throws -> CertificateBatchSummary {
        let settings = try batchCertificateSettings()
        let organization = try await checkCertificateBatch(scope, by: principal)
        let filter = try DayRange(from: scope.from, to: scope.to)
            .apply(to: RecordFilter(organizationId: organization.id), in: organization.timeZone)
        try await started(try await store.read { try $0.volunteerCount(filter) })

        var summary = CertificateBatchSummary()
        var after: Int64?
        while true {
            let cursor = after
            let page = try await store.read { try $0.membersWithRecords(filter, after: cursor, limit: Self.batchPageSize) }
            for volunteerId in page {
                try Task.checkCancellation()
                guard let item = try await batchCertificate(volunteerId: volunteerId, scope: scope, filter: filter,
                                                            settings: settings, by: principal) else {
                    // Its records were voided meanwhile.
                    summary.skipped += 1
                    continue
                }
                switch item.outcome {
                case .issued: summary.issued += 1
                case .reused: summary.reused += 1
                }
                try await each(item)
            }
            guard page.count == Self.batchPageSize, let last = page.last else { break }
            after = last
        }
        // Members without records in the scope, and those whose records went meanwhile.
        summary.skipped = max(summary.skipped, try await memberCount(organizationId: organization.id) - summary.certificates)
        return summary
    }

    /// The organization of a batch, after checking that `principal` may run it and that the period is well formed
    /// (what a job checks before it starts in the background; `issueCertificateBatch` checks it again).
    @discardableResult
    public func checkCertificateBatch(_ scope: CertificateBatchScope, by principal: Principal) async throws -> Organization {
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: scope.organizationId) else {
            throw LedgerError.forbidden("只能为本组织的成员批量出具证明 / you can only issue certificates in batch for your own organization's members")
        }
        try LedgerDates.checkPeriod(from: scope.from, to: scope.to)
        let organizationId = scope.organizationId
        guard let organization = try await store.read({ try $0.organization(id: organizationId) }) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        return organization
    }

    /// One member's certificate of a batch: the reusable one on file, or a new one; nil without records.
    private func batchCertificate(volunteerId: Int64, scope: CertificateBatchScope, filter: RecordFilter,
                                  settings: CertificateSettings, by principal: Principal) async throws -> CertificateBatchItem? {
        var own = filter
        own.volunteerId = volunteerId
        let ownFilter = own
        let (current, reusable) = try await store.read { r -> ([CertifiedRecord], (Certificate, [CertifiedRecord])?) in
            let current = try Self.coverage(of: ownFilter, in: r)
            guard let latest = try r.latestCertificate(volunteerId: volunteerId, organizationId: scope.organizationId,
                                                       periodFrom: scope.from, periodTo: scope.to),
                  latest.coverageDigest == CertificateCoverage.digest(current) else {
                return (current, nil)
            }
            return (current, (latest, try r.certifiedRecords(certificateId: latest.id)))
        }
        guard !current.isEmpty else { return nil }
        if let (certificate, records) = reusable {
            return CertificateBatchItem(outcome: .reused, certificate: IssuedCertificate(
                certificate: certificate, records: records, verificationURL: settings.verificationURL(token: certificate.token),
                serialURL: settings.serialURL(serial: certificate.serial)))
        }
        do {
            let issued = try await issueCertificate(
                CertificateRequest(volunteerId: volunteerId, organizationId: scope.organizationId, from: scope.from, to: scope.to),
                by: principal)
            return CertificateBatchItem(outcome: .issued, certificate: issued)
        } catch LedgerError.noRecordsToCertify {
            return nil
        }
    }

    /// Members of the organization, counted a page of memberships at a time.
    private func memberCount(organizationId: Int64) async throws -> Int {
        var count = 0
        var after: Int64?
        let pageSize = 1000
        while true {
            let cursor = after
            let page = try await store.read { try $0.memberships(organizationId: organizationId, after: cursor, limit: pageSize) }
            count += page.count
            guard page.count == pageSize, let last = page.last else { return count }
            after = last.volunteerId
        }
    }

    private func batchCertificateSettings() throws -> CertificateSettings {
        guard let certificates else {
            throw CertificateServiceError("certificates are not configured: no signing key file")
        }
        return certificates
    }
}

extension Certificate {
    /// The file name of the certificate's PDF in a batch (a folder or a ZIP): volunteer number and serial,
    /// `V00000000001-ABCD-EFGH-JKMN-PQRS.pdf`.
    public var batchFileName: String {
        "\(volunteerNumber)-\(groupedSerial).pdf"
    }
}
