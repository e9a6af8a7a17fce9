import Foundation

/// What is asked for when a certificate is issued. The volunteer is named by id or number (volunteers
/// may leave both out for themselves).
public struct CertificateRequest: Codable, Sendable {
    public var volunteerId: Int64?
    public var volunteerNumber: String?
    /// The issuing organization, whose records the certificate covers; nil: the platform, for all
    /// organizations' records. Staff may leave it out for their own organization.
    public var organizationId: Int64?
    /// First and last day of the period (in the issuer's time zone); nil ends are open.
    public var from: LocalDate?
    public var to: LocalDate?

    public init(volunteerId: Int64? = nil, volunteerNumber: String? = nil, organizationId: Int64? = nil,
                from: LocalDate? = nil, to: LocalDate? = nil) {
        self.volunteerId = volunteerId
        self.volunteerNumber = volunteerNumber
        self.organizationId = organizationId
        self.from = from
        self.to = to
    }
}

/// A certificate with the record revisions it covers (in service order) and its URLs: what the PDF,
/// the HTML view and the API show.
public struct IssuedCertificate: Sendable {
    public var certificate: Certificate
    public var records: [CertifiedRecord]
    /// `{base}/v/{token}`: what the QR code holds.
    public var verificationURL: String
    /// `{base}/v/{serial}`: short enough to type.
    public var serialURL: String

    public init(certificate: Certificate, records: [CertifiedRecord], verificationURL: String, serialURL: String) {
        self.certificate = certificate
        self.records = records.sorted { ($0.startAt, $0.recordId) < ($1.startAt, $1.recordId) }
        self.verificationURL = verificationURL
        self.serialURL = serialURL
    }
}

/// A failure that is not the requester's: no key file configured, a public URL too long for a QR code,
/// or concurrent issues that kept colliding.
public struct CertificateServiceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A concurrent issue took the serial or status index, or records changed between reading and writing.
private struct IssueRace: Error {}

extension Ledger {
    /// Issues a certificate, free and at once: a volunteer for themselves (from one organization or the
    /// platform), staff for members of their organization, the platform for anyone. Refused when the
    /// scope and period hold no records.
    public func issueCertificate(_ request: CertificateRequest, by principal: Principal) async throws -> IssuedCertificate {
        let settings = try certificateSettings()
        try LedgerDates.checkPeriod(from: request.from, to: request.to)
        let subject = try await store.read { r in try Self.certificateSubject(request, in: r, by: principal) }
        let issuer = subject.organization.map { CertificateIssuer(name: $0.name, creditCode: $0.creditCode) }
            ?? settings.platformIssuer
        let zone = subject.organization?.timeZone ?? .ledgerDefault
        let filter = try DayRange(from: request.from, to: request.to)
            .apply(to: RecordFilter(organizationId: subject.organization?.id, volunteerId: subject.volunteer.id), in: zone)
        let issuedAt = now

        for _ in 0..<8 {
            let (records, issued) = try await store.read { r in
                (try Self.coverage(of: filter, in: r), try r.certificateCount())
            }
            guard !records.isEmpty else { throw LedgerError.noRecordsToCertify }
            let digest = CertificateCoverage.digest(records)
            let serial = CertificateSerial.random(random)
            var certificate = Certificate(
                id: 0, serial: serial.value, statusIndex: StatusListIndex.random(issued: issued, random),
                volunteerId: subject.volunteer.id, organizationId: subject.organization?.id,
                volunteerName: subject.volunteer.name, volunteerNumber: subject.volunteer.number,
                maskedDocumentNumber: Masking.documentNumber(subject.volunteer.documentNumber),
                issuerName: issuer.name, issuerCode: issuer.creditCode, periodFrom: request.from, periodTo: request.to,
                minutes: records.reduce(0) { $0 + $1.minutes }, recordCount: records.count, coverageDigest: digest,
                timeZoneIdentifier: zone.identifier, issuedAt: issuedAt, issuedBy: principal.userId, keyId: "", token: "",
                revocation: nil)
            (certificate.token, certificate.keyId) = try await signFittingQRCode(CertificateClaims(certificate), settings)
            let draft = certificate
            do {
                let stored = try await store.write { w in
                    guard try w.certificate(serial: draft.serial) == nil,
                          try !w.isCertificateStatusIndexTaken(draft.statusIndex),
                          CertificateCoverage.digest(try Self.coverage(of: filter, in: w)) == digest else {
                        throw IssueRace()
                    }
                    let stored = try w.insert(draft, covering: records)
                    try w.enqueueLogEntries([LogEntry.issued(stored).bytes])
                    return stored
                }
                LedgerMetrics.certificateIssued()
                return IssuedCertificate(certificate: stored, records: records,
                                         verificationURL: settings.verificationURL(token: stored.token),
                                         serialURL: settings.serialURL(serial: stored.serial))
            } catch is IssueRace {
                continue
            }
        }
        throw CertificateServiceError("the certificate could not be issued: concurrent changes kept colliding")
    }

    /// Signs the claims, shortening an unusually long name until `{base}/v/{token}` fits a version-16 QR code.
    private func signFittingQRCode(_ claims: CertificateClaims, _ settings: CertificateSettings) async throws -> (String, String) {
        var claims = claims
        var name = Array(claims.volunteerName)
        while true {
            let (token, keyId) = try await settings.authority.sign(claims)
            if settings.verificationURL(token: token).utf8.count <= QRCodeBudget.maxURLBytes { return (token, keyId) }
            guard name.count > 1 else {
                throw CertificateServiceError("""
                    the verification URL does not fit a QR code of version \(QRCodeBudget.maxVersion): \
                    shorten the public base URL \(settings.publicBaseURL)
                    """)
            }
            name.removeLast()
            claims.volunteerName = String(name) + "…"
        }
    }

    /// The volunteer and issuing organization of a request, after checking that `principal` may ask for it.
    private static func certificateSubject(_ request: CertificateRequest, in r: any LedgerReader,
                                           by principal: Principal) throws -> (volunteer: Volunteer, organization: Organization?) {
        guard principal.role != .inspector else {
            throw LedgerError.forbidden("检查人员不能出具证明 / inspectors cannot issue certificates")
        }
        let volunteer: Volunteer?
        if let id = request.volunteerId {
            volunteer = try r.volunteer(id: id)
        } else if let number = request.volunteerNumber?.trimmingCharacters(in: .whitespaces).uppercased(), !number.isEmpty {
            volunteer = try r.volunteer(number: number)
        } else if principal.role == .volunteer, let own = principal.volunteerId {
            // A volunteer asking for a certificate asks for their own.
            volunteer = try r.volunteer(id: own)
        } else {
            throw LedgerError.invalidField(field: "volunteerId", reason: "请指定志愿者 / name the volunteer by volunteerId or volunteerNumber")
        }
        let key = request.volunteerId.map(String.init) ?? request.volunteerNumber ?? ""
        guard let volunteer else { throw LedgerError.notFound(entity: "volunteer", key: key) }
        var organizationId = request.organizationId
        switch principal.role {
        case .volunteer:
            guard principal.volunteerId == volunteer.id else { throw LedgerError.notFound(entity: "volunteer", key: key) }
        case .organizationAdmin, .organizationStaff:
            organizationId = organizationId ?? principal.organizationId
            guard organizationId == principal.organizationId else {
                throw LedgerError.forbidden("只能以本组织名义出具证明 / you can only issue certificates for your own organization's records")
            }
            let memberOf = Set(try r.memberships(volunteerId: volunteer.id).map(\.organizationId))
            guard let own = principal.organizationId, memberOf.contains(own) else {
                throw LedgerError.notFound(entity: "volunteer", key: key)
            }
        case .platformAdmin, .inspector:
            break
        }
        guard let organizationId else { return (volunteer, nil) }
        guard let organization = try r.organization(id: organizationId) else {
            throw LedgerError.notFound(entity: "organization", key: String(organizationId))
        }
        return (volunteer, organization)
    }

    /// The current, non-void records matching `filter`, as a certificate would cover them.
    static func coverage(of filter: RecordFilter, in r: any LedgerReader) throws -> [CertifiedRecord] {
        var organizations: [Int64: Organization] = [:]
        var titles: [Int64: String] = [:]
        var covered: [CertifiedRecord] = []
        var after: Int64?
        let pageSize = 1000
        while true {
            let page = try r.records(filter, after: after, limit: pageSize)
            for record in page {
                if organizations[record.organizationId] == nil {
                    organizations[record.organizationId] = try r.organization(id: record.organizationId)
                }
                if titles[record.activityId] == nil {
                    titles[record.activityId] = try r.activity(id: record.activityId)?.title ?? ""
                }
                let organization = organizations[record.organizationId]
                covered.append(CertifiedRecord(
                    recordId: record.id, revision: record.revision, organizationId: record.organizationId,
                    organizationName: organization?.name ?? "", activityId: record.activityId,
                    activityTitle: titles[record.activityId] ?? "",
                    serviceDate: LocalDate(record.startAt, in: organization?.timeZone ?? .ledgerDefault),
                    startAt: record.startAt, minutes: record.minutes))
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.id
        }
        return covered
    }

    private func certificateSettings() throws -> CertificateSettings {
        guard let certificates else {
            throw CertificateServiceError("certificates are not configured: no signing key file")
        }
        return certificates
    }

    // MARK: Reading

    /// Who may see a certificate with its record list: the volunteer, staff of the issuing organization,
    /// inspectors and the platform.
    static func canRead(_ certificate: Certificate, _ principal: Principal) -> Bool {
        switch principal.role {
        case .platformAdmin, .inspector: true
        case .volunteer: principal.volunteerId == certificate.volunteerId
        case .organizationAdmin, .organizationStaff:
            certificate.organizationId != nil && certificate.organizationId == principal.organizationId
        }
    }

    /// A certificate with the records it covers.
    public func certificate(serial text: String, by principal: Principal) async throws -> IssuedCertificate {
        let settings = try certificateSettings()
        guard let serial = CertificateSerial(text) else { throw LedgerError.notFound(entity: "certificate", key: text) }
        let found = try await store.read { r -> (Certificate, [CertifiedRecord])? in
            guard let certificate = try r.certificate(serial: serial.value) else { return nil }
            return (certificate, try r.certifiedRecords(certificateId: certificate.id))
        }
        guard let (certificate, records) = found, Self.canRead(certificate, principal) else {
            throw LedgerError.notFound(entity: "certificate", key: serial.grouped)
        }
        return IssuedCertificate(certificate: certificate, records: records,
                                 verificationURL: settings.verificationURL(token: certificate.token),
                                 serialURL: settings.serialURL(serial: certificate.serial))
    }

    /// Certificates visible to `principal`: their own (volunteers), their organization's (staff), any (platform, inspectors).
    public func certificates(volunteerId: Int64?, organizationId: Int64?, after: Int64?, limit: Int?,
                             by principal: Principal) async throws -> Page<Certificate> {
        let limit = try InputCheck.limit(limit)
        var volunteerId = volunteerId
        var organizationId = organizationId
        switch principal.role {
        case .platformAdmin, .inspector:
            break
        case .organizationAdmin, .organizationStaff:
            if let organizationId, organizationId != principal.organizationId {
                throw LedgerError.forbidden("只能查看本组织出具的证明 / you can only list your own organization's certificates")
            }
            organizationId = principal.organizationId ?? -1
        case .volunteer:
            if let volunteerId, volunteerId != principal.volunteerId {
                throw LedgerError.forbidden("只能查看自己的证明 / you can only list your own certificates")
            }
            volunteerId = principal.volunteerId ?? -1
        }
        let (v, o) = (volunteerId, organizationId)
        let fetched = try await store.readAllowingLag { try $0.certificates(volunteerId: v, organizationId: o, after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    // MARK: Revoking

    /// Revokes a certificate with a reason: the issuing organization's admins, or the platform. It shows
    /// on the verification page and in the status list at once.
    public func revokeCertificate(serial text: String, reason: String, by principal: Principal) async throws -> Certificate {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 200)
        guard !reason.isEmpty else { throw LedgerError.reasonRequired }
        guard let serial = CertificateSerial(text) else { throw LedgerError.notFound(entity: "certificate", key: text) }
        let now = self.now
        return try await store.write { w in
            guard var certificate = try w.certificate(serial: serial.value), Self.canRead(certificate, principal) else {
                throw LedgerError.notFound(entity: "certificate", key: serial.grouped)
            }
            let allowed = principal.role == .platformAdmin
                || (principal.role == .organizationAdmin && certificate.organizationId != nil
                    && certificate.organizationId == principal.organizationId)
            guard allowed else {
                throw LedgerError.forbidden("只有出具单位的管理员或平台可以撤销证明 / only the issuing organization's admins or the platform can revoke a certificate")
            }
            guard certificate.revocation == nil else { throw LedgerError.certificateRevoked(serial: serial.grouped) }
            let revocation = CertificateRevocation(at: now, by: principal.userId, reason: reason)
            try w.revokeCertificate(id: certificate.id, revocation)
            try w.enqueueLogEntries([LogEntry.revoked(certificate, at: now).bytes])
            certificate.revocation = revocation
            return certificate
        }
    }

    // MARK: Verifying

    /// Longest token looked at; a real token is about 400 characters, always under 1 KB.
    public static let maxTokenLength = 1024

    /// Verifies a scanned token (or the URL holding it, or a typed serial): signature, key status,
    /// the record on file, revocation, and whether the covered records still total what it says.
    /// Anyone may ask; damaged or forged input is answered as invalid, never as an error.
    public func verifyCertificate(token input: String) async throws -> CertificateVerification {
        let result = try await withLogStatus(try await verification(token: input))
        LedgerMetrics.verified(result)
        return result
    }

    /// Says whether the latest signed checkpoint covers the certificate's log entry (outside the cached part of a
    /// verification: a checkpoint is signed after the commit that sequenced the entry).
    private func withLogStatus(_ result: CertificateVerification) async throws -> CertificateVerification {
        guard let index = result.logIndex, let log = transparencyLog else { return result }
        var result = result
        result.inSignedCheckpoint = index < (try await log.checkpoint().size)
        result.inCosignedCheckpoint = await log.cosignedSize().map { index < $0 }
        return result
    }

    /// Verifies the certificate with a serial typed by hand, by checking its token on file.
    public func verifyCertificate(serial text: String) async throws -> CertificateVerification {
        let result = try await withLogStatus(try await verification(serial: text))
        LedgerMetrics.verified(result)
        return result
    }

    private func verification(token input: String) async throws -> CertificateVerification {
        let settings = try certificateSettings()
        guard input.utf8.count <= Self.maxTokenLength * 2 else { return .invalid(.malformed) }
        let token = CertificateTokenInput.token(in: input)
        guard !token.isEmpty, token.utf8.count <= Self.maxTokenLength else { return .invalid(.malformed) }
        if !token.utf8.contains(UInt8(ascii: ".")) {
            return try await verification(serial: token)
        }
        if let known = recentVerification(of: token, settings) { return known }
        switch await settings.authority.check(token) {
        case .rejected(let reason, _, let compromisedAt):
            return .invalid(reason, keyCompromisedAt: compromisedAt)
        case .verified(let claims, let keyId):
            return try await verifyOnRecord(claims, keyId: keyId, token: token, settings: settings)
        }
    }

    private func verification(serial text: String) async throws -> CertificateVerification {
        guard text.utf8.count <= 64, let serial = CertificateSerial(text) else { return .invalid(.malformed) }
        guard let certificate = try await store.readAllowingLag({ try $0.certificate(serial: serial.value) }) else {
            return .invalid(.unknownCertificate)
        }
        let settings = try certificateSettings()
        switch await settings.authority.check(certificate.token) {
        case .rejected(let reason, _, let compromisedAt):
            return .invalid(reason, keyCompromisedAt: compromisedAt)
        case .verified(let claims, let keyId):
            return try await verifyOnRecord(claims, keyId: keyId, token: certificate.token, settings: settings)
        }
    }

    /// The answer given for this very token before, when nothing was committed since and its key is
    /// still trusted: the token's signature was checked then, so nothing else could have changed.
    private func recentVerification(of token: String, _ settings: CertificateSettings) -> CertificateVerification? {
        guard let stamping = store as? any LedgerChangeStamping, let stamp = try? stamping.changeStamp(),
              let known = settings.verificationCache.result(for: token, stamp: stamp),
              let keyId = known.certificate?.keyId,
              settings.authority.isTrustedRecently(keyId: keyId) == true else { return nil }
        LedgerMetrics.cacheLookup("verification", hit: true)
        return known
    }

    /// The part of a verification that reads the ledger, for a token whose key and signature are good.
    /// Reused until the next commit where the store can tell (a verified token's result depends on the
    /// database alone: the key's status was checked before).
    private func verifyOnRecord(_ claims: CertificateClaims, keyId: String, token: String,
                                settings: CertificateSettings) async throws -> CertificateVerification {
        // The stamp is read before the ledger, so a commit in between only makes the entry expire early.
        let stamp = try (store as? any LedgerChangeStamping)?.changeStamp()
        if let stamp, let known = settings.verificationCache.result(for: token, stamp: stamp) {
            LedgerMetrics.cacheLookup("verification", hit: true)
            return known
        }
        LedgerMetrics.cacheLookup("verification", hit: false)
        let result = try await lookUp(claims, keyId: keyId)
        if let stamp { settings.verificationCache.remember(result, for: token, stamp: stamp) }
        return result
    }

    private func lookUp(_ claims: CertificateClaims, keyId: String) async throws -> CertificateVerification {
        let found = try await store.readAllowingLag { r -> (Certificate, [CertifiedRecordChange], Int?)? in
            guard let certificate = try r.certificate(serial: claims.serial) else { return nil }
            return (certificate, try r.changedCertifiedRecords(certificateId: certificate.id), try r.logIndex(of: LogEntry.certificateSubject(certificate.serial)))
        }
        guard let (certificate, changes, logIndex) = found else { return .invalid(.unknownCertificate) }
        guard certificate.keyId == keyId, claims.matches(certificate) else { return .invalid(.claimsMismatch) }
        if certificate.revocation != nil {
            var revoked = CertificateVerification(status: .revoked, certificate: certificate)
            revoked.logIndex = logIndex
            return revoked
        }
        // A correction of the note only changes nothing the certificate states.
        let material = changes.filter {
            $0.current.isVoid || $0.current.minutes != $0.certified.minutes || $0.current.startAt != $0.certified.startAt
        }
        let current = certificate.minutes + material.reduce(0) {
            $0 + ($1.current.isVoid ? 0 : $1.current.minutes) - $1.certified.minutes
        }
        var result = CertificateVerification(status: material.isEmpty ? .valid : .superseded, certificate: certificate,
                                             changes: material, currentMinutes: current)
        result.logIndex = logIndex
        return result
    }

    // MARK: Status lists

    /// The signed W3C Bitstring Status List credential of list `list`, for verifiers that check
    /// revocation offline with a cached copy.
    public func statusListCredential(list: Int64) async throws -> String {
        let settings = try certificateSettings()
        let size = StatusListIndex.listSize
        let now = self.now
        let (lists, revoked) = try await store.readAllowingLag { r -> (Int64, [Int64]) in
            let byCount = 1 + Int64(try r.certificateCount()) / StatusListIndex.certificatesPerList
            let byIndex = (try r.maxCertificateStatusIndex()).map { StatusListIndex.list(of: $0) + 1 } ?? 1
            guard list >= 0, list < max(byCount, byIndex) else { return (max(byCount, byIndex), []) }
            return (max(byCount, byIndex), try r.revokedCertificateStatusIndexes(from: list * size, before: (list + 1) * size))
        }
        guard list >= 0, list < lists else { throw LedgerError.notFound(entity: "status list", key: String(list)) }
        var bits = StatusBitstring(size: size)
        for index in revoked { bits[StatusListIndex.bit(of: index)] = true }
        return try await settings.authority.signStatusList(
            StatusListSnapshot(list: list, bits: bits, revokedCount: revoked.count),
            url: settings.statusListURL(list: list), issuer: settings.publicBaseURL, at: now)
    }
}
