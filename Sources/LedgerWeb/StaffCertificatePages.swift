import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore
import LedgerDocuments
import NIOPosix

/// Staff pages of certificates and accounts: issue a certificate for a member, list the organization's
/// certificates, revoke one (admins), and the organization's staff accounts (admins).
struct StaffCertificatePages {
    let ledger: Ledger
    let renderer: PageRenderer
    /// Batches of certificates for all members, shared with the API.
    let batches: CertificateBatchJobs

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/certificates") { _, context in try await list(context, errors: FieldErrors(), notice: nil) }
        pages.post("/org/certificates") { _, context in try await issue(context) }
        pages.get("/org/certificates/:serial/pdf") { request, context in
            try await pdf(context, language: request.uri.queryParameters.get("lang"))
        }
        pages.post("/org/certificates/:serial/revoke") { _, context in try await revoke(context) }
        pages.post("/org/certificates/batches") { _, context in try await startBatch(context) }
        pages.get("/org/certificates/batches/:job") { _, context in try await batchPage(context) }
        pages.get("/org/certificates/batches/:job/zip") { request, context in try await batchZip(request, context) }
        pages.get("/org/accounts") { _, context in try await accounts(context, errors: FieldErrors(), notice: nil) }
        pages.post("/org/accounts") { _, context in try await createAccount(context) }
    }

    struct CertificateRow {
        var serial: String
        var volunteer: String
        var period: String
        var hours: String
        var issuedAt: String
        var status: String
        var statusClass: String
        var revocable: Bool
    }

    func list(_ context: WebRequestContext, errors: FieldErrors, notice: String?) async throws -> Response {
        let scope = try StaffScope(context)
        let issued = try await ledger.certificates(volunteerId: nil, organizationId: scope.organizationId, after: nil, limit: 200,
                                                   by: scope.principal).items
        let zone = try await scope.timeZone(ledger)
        var rows: [CertificateRow] = []
        for certificate in issued {
            let verdict = try await ledger.verifyCertificate(serial: certificate.serial)
            rows.append(CertificateRow(
                serial: certificate.groupedSerial, volunteer: "\(certificate.volunteerName) \(certificate.volunteerNumber)",
                period: VolunteerPages.period(certificate, context.language, renderer), hours: PageFormat.hours(certificate.minutes),
                issuedAt: PageFormat.moment(certificate.issuedAt, zone),
                status: renderer.text("verdict_\(verdict.status.rawValue)", context.language), statusClass: verdict.status.rawValue,
                revocable: scope.isAdmin && verdict.status != .revoked && verdict.status != .invalid))
        }
        let f = context.form
        struct Page {
            var certificates: [CertificateRow]
            var volunteerNumber: String
            var from: String
            var to: String
            var batchFrom: String
            var batchTo: String
            var errors: [String: String]
            var notice: String?
        }
        return renderer.render("org/certificates", title: renderer.text("nav_certificates", context.language),
                               page: Page(certificates: rows, volunteerNumber: f["volunteerNumber"] ?? "", from: f["from"] ?? "",
                                          to: f["to"] ?? "", batchFrom: f["batchFrom"] ?? "", batchTo: f["batchTo"] ?? "",
                                          errors: errors.dictionary, notice: notice),
                               context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func issue(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let f = context.form
        var errors = FieldErrors()
        let from = f["from"].map { LocalDate(iso: $0) }, to = f["to"].map { LocalDate(iso: $0) }
        if case .some(.none) = from { errors.add("from", renderer.text("error_date", context.language)) }
        if case .some(.none) = to { errors.add("to", renderer.text("error_date", context.language)) }
        guard errors.isEmpty else { return try await list(context, errors: errors, notice: nil) }
        do {
            let issued = try await ledger.issueCertificate(CertificateRequest(
                volunteerNumber: f["volunteerNumber"]?.uppercased() ?? "", organizationId: scope.organizationId,
                from: from ?? nil, to: to ?? nil), by: scope.principal)
            return try await list(context, errors: FieldErrors(),
                                  notice: "\(renderer.text("certificate_issued", context.language)): \(issued.certificate.groupedSerial)")
        } catch let error as LedgerError where error.kind != .forbidden && error.kind != .unauthenticated {
            errors.add(error, context.language, defaultField: "volunteerNumber")
            return try await list(context, errors: errors, notice: nil)
        }
    }

    /// The certificate's PDF; `?lang=en` gives the English rendering (anything else the Chinese default).
    func pdf(_ context: WebRequestContext, language parameter: String? = nil) async throws -> Response {
        let language = parameter.flatMap(CertificateLanguage.init(rawValue:)) ?? .chinese
        let scope = try StaffScope(context)
        let issued = try await ledger.certificate(serial: context.parameters.get("serial") ?? "", by: scope.principal)
        let pdf = try await NIOThreadPool.singleton.runIfActive { try CertificatePDF.render(issued, language: language) }
        let name = "certificate-\(issued.certificate.groupedSerial)\(language == .chinese ? "" : "-en").pdf"
        var headers: HTTPFields = [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(name)\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    func revoke(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let serial = context.parameters.get("serial") ?? ""
        do {
            _ = try await ledger.revokeCertificate(serial: serial, reason: context.form["reason"] ?? "", by: scope.principal)
            return WebRedirect.to("/org/certificates")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var errors = FieldErrors()
            errors.add("revoke", "\(serial.prefix(24)): \(BilingualText.pick(error.message, context.language))")
            return try await list(context, errors: errors, notice: nil)
        }
    }

    // MARK: Batches

    /// Starts a batch of certificates for every member with records in the period and sends the browser to its page.
    func startBatch(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let f = context.form
        var errors = FieldErrors()
        let from = f["batchFrom"].flatMap { $0.isEmpty ? nil : $0 }.map { LocalDate(iso: $0) }
        let to = f["batchTo"].flatMap { $0.isEmpty ? nil : $0 }.map { LocalDate(iso: $0) }
        if case .some(.none) = from { errors.add("batchFrom", renderer.text("error_date", context.language)) }
        if case .some(.none) = to { errors.add("batchTo", renderer.text("error_date", context.language)) }
        let language = CertificateLanguage(parameter: f["batchLang"] ?? "zh")
        if language == nil { errors.add("batchLang", BilingualText.pick("请选择中文或英文 / choose Chinese or English", context.language)) }
        guard errors.isEmpty, let language else { return try await list(context, errors: errors, notice: nil) }
        do {
            let job = try await batches.start(CertificateBatchScope(organizationId: scope.organizationId, from: from ?? nil, to: to ?? nil),
                                              language: language, ledger: ledger, by: scope.principal, logger: context.logger)
            return WebRedirect.to("/org/certificates/batches/\(job.id)")
        } catch is CertificateBatchBusy {
            errors.add("batch", renderer.text("certificate_batch_busy", context.language))
        } catch let error as LedgerError where error.kind == .invalidInput {
            errors.add("batch", BilingualText.pick(error.message, context.language))
        }
        return try await list(context, errors: errors, notice: nil)
    }

    /// A batch's page: its progress while it runs (the page reloads itself), then the counts and the ZIP.
    func batchPage(_ context: WebRequestContext) async throws -> Response {
        let job = try batch(context)
        let zone = try await StaffScope(context).timeZone(ledger)
        struct Page {
            var id: String
            var period: String
            var startedAt: String
            var running: Bool
            var finished: Bool
            var failure: String?
            var done: Int
            var total: Int
            var percent: Int
            var issued: Int
            var reused: Int
            var skipped: Int
            /// The ZIP was downloaded, and so removed.
            var downloaded: Bool
        }
        let open = renderer.text("period_open", context.language)
        let period = "\(job.scope.from?.description ?? open) – \(job.scope.to?.description ?? open)"
        let page = Page(id: job.id, period: period, startedAt: PageFormat.moment(job.startedAt, zone),
                        running: job.state == .running, finished: job.state == .finished,
                        failure: job.failure.map { BilingualText.pick($0, context.language) }, done: job.done,
                        total: max(job.total, job.done), percent: job.percent, issued: job.summary.issued,
                        reused: job.summary.reused, skipped: job.summary.skipped, downloaded: job.downloaded)
        return renderer.render("org/certificate-batch", title: renderer.text("certificate_batch_title", context.language),
                               page: page, context: context, refreshSeconds: job.state == .running ? 2 : nil)
    }

    /// The finished batch's ZIP, streamed from its file.
    func batchZip(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let job = try batch(context)
        // One download: the file is removed as it is taken; the batch's page then says so.
        guard let body = try batches.zipBody(of: job, for: request) else { return WebRedirect.to("/org/certificates/batches/\(job.id)") }
        var headers: HTTPFields = [.contentType: "application/zip",
                                   .contentDisposition: "attachment; filename=\"\(CertificateBatchJobs.downloadName(job))\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The batch, for staff of its organization only (others get not-found, as for an id that does not exist).
    private func batch(_ context: WebRequestContext) throws -> CertificateBatchJobs.Job {
        let scope = try StaffScope(context)
        let id = context.parameters.get("job") ?? ""
        guard let job = batches.job(id, by: scope.principal) else {
            throw LedgerError.notFound(entity: "certificate batch", key: String(id.prefix(40)))
        }
        return job
    }

    // MARK: Accounts

    func accounts(_ context: WebRequestContext, errors: FieldErrors, notice: String?) async throws -> Response {
        let scope = try StaffScope(context)
        guard scope.isAdmin else {
            throw LedgerError.forbidden("只有组织管理员可以管理账号 / only organization admins manage accounts")
        }
        let f = context.form
        let roles = [Role.organizationStaff, .organizationAdmin].map { ($0.rawValue, renderer.text("role_\($0.rawValue)", context.language)) }
        struct Page { var roles: [Choice]; var username: String; var displayName: String; var errors: [String: String]; var notice: String? }
        return renderer.render("org/accounts", title: renderer.text("accounts_title", context.language),
                               page: Page(roles: Choice.list(roles, selected: f["role"] ?? "org_staff"), username: f["username"] ?? "",
                                          displayName: f["displayName"] ?? "", errors: errors.dictionary, notice: notice),
                               context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func createAccount(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let f = context.form
        let role: Role = f["role"] == Role.organizationAdmin.rawValue ? .organizationAdmin : .organizationStaff
        do {
            let account = try await ledger.createAccount(AccountInput(
                username: f["username"] ?? "", password: f.all("password").first ?? "", displayName: f["displayName"], role: role,
                organizationId: scope.organizationId), by: scope.principal, origin: context.origin)
            return try await accounts(context, errors: FieldErrors(), notice: "\(renderer.text("account_created", context.language)): \(account.username)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var errors = FieldErrors()
            errors.add(error, context.language, defaultField: "username")
            return try await accounts(context, errors: errors, notice: nil)
        }
    }
}
