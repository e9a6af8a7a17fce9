import Foundation
import Hummingbird
import LedgerCertificates
import LedgerCore

/// The platform admins' pages: organizations, accounts, the holidays file, signing keys and the audit.
struct AdminPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/admin") { _, context in try await home(context, errors: FieldErrors(), notice: nil) }
        pages.post("/admin/organizations") { _, context in try await createOrganization(context) }
        pages.post("/admin/accounts") { _, context in try await createAccount(context) }
        pages.post("/admin/holidays") { _, context in try await loadHolidays(context) }
        pages.get("/admin/audit") { _, context in try await audit(context) }
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

    func home(_ context: WebRequestContext, errors: FieldErrors, notice: String?) async throws -> Response {
        let principal = try Self.admin(context)
        let organizations = try await ledger.organizations(after: nil, limit: 500, by: principal).items
        struct Page {
            var organizations: [OrganizationRow]
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
        }, roles: Choice.list(roles, selected: form["role"] ?? "volunteer"), errors: errors.dictionary, notice: notice, form: form)
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
                organizationId: organizationId, volunteerId: volunteerId), by: principal)
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

    func audit(_ context: WebRequestContext) async throws -> Response {
        let principal = try Self.admin(context)
        let report = try await ledger.verifyAuditChains(by: principal)
        let organizations = try await ledger.organizations(after: nil, limit: 500, by: principal).items
        struct Row { var name: String; var creditCode: String; var intact: Bool; var problems: [String] }
        let rows = organizations.map { organization in
            let problems = report.problems.filter { $0.organizationId == organization.id }.map { problem in
                (problem.recordId.map { "#\($0): " } ?? "") + problem.message
            }
            return Row(name: organization.name, creditCode: organization.creditCode, intact: problems.isEmpty, problems: problems)
        }
        struct Page { var intact: Bool; var revisions: Int; var organizations: Int; var rows: [Row] }
        return renderer.render("admin/audit", title: renderer.text("audit_title", context.language),
                               page: Page(intact: report.isIntact, revisions: report.revisions, organizations: report.organizations, rows: rows),
                               context: context)
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
