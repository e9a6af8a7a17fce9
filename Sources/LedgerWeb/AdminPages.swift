import Foundation
import Hummingbird
import LedgerCertificates
import LedgerCore

/// The platform admins' pages: organizations, accounts, the holidays file, signing keys and the audit.
struct AdminPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/admin") { request, context in
            try await home(context, errors: FieldErrors(), notice: nil, list: try Self.organizationList(
                q: request.uri.queryParameters.get("q"), region: request.uri.queryParameters.get("region"),
                after: request.uri.queryParameters.get("after")))
        }
        pages.post("/admin/organizations") { _, context in try await createOrganization(context) }
        pages.post("/admin/accounts") { _, context in try await createAccount(context) }
        pages.post("/admin/holidays") { _, context in try await loadHolidays(context) }
        pages.get("/admin/audit") { _, context in try await audit(context) }
        pages.post("/admin/audit") { _, context in try await startAudit(context) }
        pages.get("/admin/keys") { _, context in try await keys(context, error: nil) }
        pages.post("/admin/keys/rotate") { _, context in try await rotateKey(context) }
        pages.post("/admin/keys/compromise") { _, context in try await compromiseKey(context) }
    }

    static func admin(_ context: WebRequestContext) throws -> Principal {
        try context.require(.platformAdmin, "此页面仅供平台管理员使用 / this page is for platform admins")
    }

    struct OrganizationRow {
        var name: String
        var creditCode: String
        var region: String
        var contact: String
    }

    /// The organization list's search and page, from the URL: `q` (part of a name, or the start of a credit code),
    /// `region` (the start of a region code) and `after` (the last id of the previous page, a positive number).
    struct OrganizationList {
        var search = OrganizationSearch()
        var after: Int64?
    }

    static let organizationsPerPage = 50

    static func organizationList(q: String?, region: String?, after afterText: String?) throws -> OrganizationList {
        var after: Int64?
        if let text = afterText {
            guard text.count <= 19, let number = Int64(text), number > 0 else {
                throw LedgerError.invalidField(field: "after", reason: "必须是正整数 / must be a positive number")
            }
            after = number
        }
        return OrganizationList(search: try OrganizationSearch.checked(text: q.map { String($0.prefix(100)) },
                                                                        region: region.map { String($0.prefix(100)) }),
                                after: after)
    }

    func home(_ context: WebRequestContext, errors: FieldErrors, notice: String?, list: OrganizationList = OrganizationList()) async throws -> Response {
        let principal = try Self.admin(context)
        let found = try await ledger.organizations(matching: list.search, after: list.after, limit: Self.organizationsPerPage, by: principal)
        let organizations = found.items
        var link = URLComponents()
        link.path = "/admin"
        let searchItems = [URLQueryItem(name: "q", value: list.search.text), URLQueryItem(name: "region", value: list.search.regionPrefix)]
            .filter { $0.value != nil }
        link.queryItems = searchItems + (found.nextAfter.map { [URLQueryItem(name: "after", value: String($0))] } ?? [])
        let next = found.nextAfter == nil ? nil : link.string
        link.queryItems = searchItems.isEmpty ? nil : searchItems
        let first = list.after == nil ? nil : link.string ?? "/admin"
        struct Page {
            var organizations: [OrganizationRow]
            var query: String
            var region: String
            var next: String?
            var first: String?
            var roles: [Choice]
            var errors: [String: String]
            var notice: String?
            var form: [String: String]
        }
        let roles = [Role.volunteer, .inspector, .organizationAdmin, .organizationStaff, .platformAdmin].map {
            ($0.rawValue, renderer.text("role_\($0.rawValue)", context.language))
        }
        var form: [String: String] = [:]
        for (key, values) in context.form.fields where key != "password" && key != CSRF.fieldName { form[key] = values.first ?? "" }
        let page = Page(organizations: organizations.map {
            OrganizationRow(name: $0.name, creditCode: $0.creditCode, region: $0.regionCode, contact: "\($0.contactName) \($0.contactPhone)")
        }, query: list.search.text ?? "", region: list.search.regionPrefix ?? "", next: next, first: first, roles: Choice.list(roles, selected: form["role"] ?? "volunteer"), errors: errors.dictionary, notice: notice, form: form)
        return renderer.render("admin/home", title: renderer.text("nav_admin_home", context.language), page: page, context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func createOrganization(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let f = context.form
        do {
            let organization = try await ledger.createOrganization(OrganizationInput(
                creditCode: f["creditCode"] ?? "", name: f["name"] ?? "", regionCode: f["regionCode"] ?? "",
                contactName: f["contactName"] ?? "", contactPhone: f["contactPhone"] ?? ""), by: principal)
            return try await home(context, errors: FieldErrors(), notice: "\(renderer.text("organization_created", context.language)): \(organization.name)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var errors = FieldErrors()
            errors.add(error, context.language, defaultField: "creditCode")
            return try await home(context, errors: errors, notice: nil)
        }
    }

    func createAccount(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let f = context.form
        var errors = FieldErrors()
        guard let role = Role(rawValue: f["role"] ?? "") else {
            errors.add("role", renderer.text("error_choice", context.language))
            return try await home(context, errors: errors, notice: nil)
        }
        do {
            let organizationId = try await f["organizationCode"].asyncMap { try await ledger.organization(creditCode: $0).id }
            let volunteerId = try await f["volunteerNumber"].asyncMap { try await ledger.volunteerId(number: $0.uppercased()) }
            let account = try await ledger.createAccount(AccountInput(
                username: f["username"] ?? "", password: f.all("password").first ?? "", displayName: f["displayName"], role: role,
                organizationId: organizationId, volunteerId: volunteerId), by: principal, origin: context.origin)
            return try await home(context, errors: FieldErrors(), notice: "\(renderer.text("account_created", context.language)): \(account.username)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict || error.kind == .notFound {
            errors.add(error, context.language, defaultField: "username")
            return try await home(context, errors: errors, notice: nil)
        }
    }

    func loadHolidays(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let text = context.form.files["file"].map { String(decoding: $0.bytes, as: UTF8.self) } ?? context.form.all("text").first ?? ""
        do {
            let loaded = try await ledger.loadHolidays(fileText: text, by: principal)
            return try await home(context, errors: FieldErrors(), notice: "\(renderer.text("holidays_loaded", context.language)): \(loaded)")
        } catch let error as LedgerError where error.kind == .invalidInput {
            var errors = FieldErrors()
            errors.add("holidays", BilingualText.pick(error.message, context.language))
            return try await home(context, errors: errors, notice: nil)
        }
    }

    /// The latest verification's result and the one running (the page reloads itself while it runs); never verifies in
    /// the request.
    func audit(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let status = try await ledger.auditVerificationStatus(by: principal)
        struct Problem { var organization: String; var creditCode: String; var text: String }
        struct Latest {
            var finishedAt: String
            var full: Bool
            var intact: Bool
            var organizations: Int
            var revisions: Int
            var rowsRead: Int
            var problemCount: Int
            var problems: [Problem]
            var more: Bool
        }
        struct Page {
            var running: Bool
            var percent: Int
            var chainsDone: Int
            var chainsTotal: Int
            var revisions: Int
            var runningFull: Bool
            var failure: String?
            var latest: Latest?
        }
        let latest = status.latest.map { report in
            Latest(finishedAt: report.finishedAt.map { PageFormat.moment($0, .ledgerDefault) } ?? "-", full: report.mode != .incremental,
                   intact: report.isIntact, organizations: report.organizations, revisions: report.revisions,
                   rowsRead: report.rowsRead ?? 0, problemCount: report.problemCount ?? report.problems.count,
                   problems: report.problems.prefix(200).map { problem in
                       let organization = status.organizationNames[problem.organizationId]
                       return Problem(organization: organization?.name ?? "#\(problem.organizationId)", creditCode: organization?.creditCode ?? "",
                                      text: (problem.recordId.map { "#\($0): " } ?? "") + problem.message)
                   }, more: (report.problemCount ?? report.problems.count) > 200)
        }
        let running = status.running
        let page = Page(running: running != nil, percent: running?.percent ?? 0, chainsDone: running?.progress.chainsDone ?? 0,
                        chainsTotal: running?.progress.chainsTotal ?? 0, revisions: running?.progress.revisions ?? 0,
                        runningFull: running?.mode == .full, failure: status.failure.map { BilingualText.pick($0, context.language) },
                        latest: latest)
        return renderer.render("admin/audit", title: renderer.text("audit_title", context.language), page: page, context: context,
                               refreshSeconds: running != nil ? 2 : nil)
    }

    /// Starts a verification in the background (incremental unless a full one is asked for) and shows its progress.
    func startAudit(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let mode: AuditVerificationMode = context.form["mode"] == AuditVerificationMode.full.rawValue ? .full : .incremental
        try ledger.auditVerifications.start(mode, ledger: ledger, by: principal)
        context.logger.notice("audit verification started from the web", metadata: ["mode": "\(mode.rawValue)"])
        return WebRedirect.to("/admin/audit")
    }

    // MARK: Signing keys

    func keyFile() throws -> String {
        guard let keyring = ledger.certificates?.authority as? CertificateKeyring else {
            throw LedgerError.notFound(entity: "key file", key: "-")
        }
        return keyring.path
    }

    func keys(_ context: WebRequestContext, error: String?) async throws -> Response {
        _ = try Self.admin(context)
        let file = try CertificateKeyFile.read(path: try keyFile())
        struct Row { var kid: String; var status: String; var created: String; var compromisable: Bool }
        let rows = file.keys.map {
            Row(kid: $0.kid, status: renderer.text("key_\($0.status.rawValue)", context.language),
                created: PageFormat.moment($0.createdAt, .ledgerDefault), compromisable: $0.status != .compromised)
        }
        struct Page { var keys: [Row]; var error: String? }
        return renderer.render("admin/keys", title: renderer.text("keys_title", context.language), page: Page(keys: rows, error: error),
                               context: context, status: error == nil ? .ok : .unprocessableContent)
    }

    func rotateKey(_ context: WebRequestContext) async throws -> Response {
        _ = try Self.admin(context)
        let key = try CertificateKeyFile.rotate(path: try keyFile())
        context.logger.notice("signing key rotated from the web", metadata: ["kid": "\(key.kid)"])
        return WebRedirect.to("/admin/keys")
    }

    func compromiseKey(_ context: WebRequestContext) async throws -> Response {
        _ = try Self.admin(context)
        let kid = context.form["kid"] ?? ""
        // Marking a key compromised invalidates every certificate it signed: the admin types its id again.
        guard context.form["confirm"] == kid, !kid.isEmpty else {
            return try await keys(context, error: renderer.text("key_confirm_mismatch", context.language))
        }
        do {
            _ = try CertificateKeyFile.markCompromised(path: try keyFile(), kid: kid, note: context.form["note"])
        } catch let error as CertificateKeyFileError {
            return try await keys(context, error: error.description)
        }
        context.logger.notice("signing key marked compromised from the web", metadata: ["kid": "\(kid)"])
        return WebRedirect.to("/admin/keys")
    }
}
