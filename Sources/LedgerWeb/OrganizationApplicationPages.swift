import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// Organizations apply to the platform on the web (`/organizations/apply`, no login): the contact phone gets a code, the
/// form carries the certificate; the applicant's status page is reached by the link with the token shown once. Platform
/// admins work the queue on `/admin/applications`: read an application and its certificate, approve or return it.
struct OrganizationApplicationPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/organizations/apply") { _, context in applyPage(context, errors: FieldErrors(), notice: nil) }
        pages.post("/organizations/apply/code") { _, context in try await sendCode(context) }
        pages.post("/organizations/apply") { _, context in try await apply(context) }
        pages.get("/organizations/applications/:id") { request, context in try await status(request, context) }
        pages.get("/admin/applications") { request, context in try await queue(request, context) }
        pages.get("/admin/applications/:id") { _, context in try await detail(context, error: nil) }
        pages.get("/admin/applications/:id/certificate") { _, context in try await certificate(context) }
        pages.post("/admin/applications/:id/approve") { _, context in try await approve(context) }
        pages.post("/admin/applications/:id/return") { _, context in try await returnApplication(context) }
    }

    // MARK: The applicant

    struct ApplyPage {
        var form: [String: String]
        var types: [Choice]
        var errors: [String: String]
        var notice: String?
    }

    /// Every field but the password, the code and the file, to fill the form again.
    static let keptFields = ["name", "creditCode", "regionCode", "registrationType", "contactName", "contactPhone", "adminUsername"]

    func applyPage(_ context: WebRequestContext, errors: FieldErrors, notice: String?) -> Response {
        var form: [String: String] = [:]
        for key in Self.keptFields { form[key] = context.form[key].map { String($0.prefix(200)) } }
        let types = OrganizationRegistrationType.allCases.map { ($0.rawValue, renderer.text("registration_type_\($0.rawValue)", context.language)) }
        return renderer.render("organizations/apply", title: renderer.text("apply_title", context.language),
                               page: ApplyPage(form: form, types: Choice.list(types, selected: form["registrationType"] ?? "social_group"),
                                               errors: errors.dictionary, notice: notice),
                               context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Sends the contact phone its code and shows the form again with what was typed.
    func sendCode(_ context: WebRequestContext) async throws -> Response {
        var errors = FieldErrors()
        do {
            let recipient = try MessageRecipient.phone(checking: context.form["contactPhone"] ?? "", field: "contactPhone")
            let sent = try await ledger.sendVerificationCode(purpose: .organizationApply, to: recipient,
                                                             language: context.language == .english ? .en : .zh, clientAddress: context.clientAddress)
            return applyPage(context, errors: errors, notice: "\(renderer.text("apply_code_sent", context.language)) \(sent.maskedDestination)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .throttled || error.kind == .unavailable {
            // Every refusal here is about the phone: shown beside it.
            if case .invalidField(_, let reason) = error {
                errors.add("contactPhone", BilingualText.pick(reason, context.language))
            } else {
                errors.add("contactPhone", BilingualText.pick(error.message, context.language))
            }
            return applyPage(context, errors: errors, notice: nil)
        }
    }

    struct AppliedPage {
        var id: Int64
        var name: String
        var statusLink: String
    }

    func apply(_ context: WebRequestContext) async throws -> Response {
        let f = context.form
        do {
            let submitted = try await ledger.applyForOrganization(OrganizationApplicationInput(
                name: f["name"] ?? "", creditCode: f["creditCode"] ?? "", regionCode: f["regionCode"] ?? "",
                registrationType: f["registrationType"] ?? "", contactName: f["contactName"] ?? "", contactPhone: f["contactPhone"] ?? "",
                code: f["code"] ?? "", adminUsername: f["adminUsername"] ?? "", adminPassword: f.all("adminPassword").first ?? "",
                certificate: f.files["certificate"]?.bytes ?? []), clientAddress: context.clientAddress)
            context.logger.notice("organization application submitted", metadata: ["application": "\(submitted.application.id)"])
            let link = "/organizations/applications/\(submitted.application.id)?token=\(submitted.statusToken)"
            return renderer.render("organizations/applied", title: renderer.text("apply_done_title", context.language),
                                   page: AppliedPage(id: submitted.application.id, name: submitted.application.name, statusLink: link),
                                   context: context, status: .created)
        } catch let error as LedgerError where error.kind != .forbidden && error.kind != .unauthenticated {
            var errors = FieldErrors()
            errors.add(error, context.language, defaultField: error.field == "file" ? "certificate" : "form")
            if error.field == "file" { errors.add("certificate", BilingualText.pick(error.message, context.language)) }
            return applyPage(context, errors: errors, notice: nil)
        }
    }

    struct StatusPage {
        var id: Int64
        var name: String
        var creditCode: String
        var type: String
        var contact: String
        var adminUsername: String
        var submittedAt: String
        var decidedAt: String?
        var state: String
        var pending: Bool
        var returned: Bool
        var approved: Bool
        var reason: String?
    }

    func status(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let id = try context.pathID()
        let token = request.uri.queryParameters.get("token").map { String($0.prefix(100)) } ?? ""
        let application = try await ledger.organizationApplication(id: id, statusToken: token)
        return renderer.render("organizations/application", title: renderer.text("application_status_title", context.language),
                               page: statusPage(application, context, masked: true), context: context)
    }

    func statusPage(_ a: OrganizationApplication, _ context: WebRequestContext, masked: Bool) -> StatusPage {
        StatusPage(id: a.id, name: a.name, creditCode: a.creditCode,
                   type: renderer.text("registration_type_\(a.registrationType.rawValue)", context.language),
                   contact: "\(a.contactName) \(masked ? Masking.phone(a.contactPhone) : a.contactPhone)", adminUsername: a.adminUsername,
                   submittedAt: PageFormat.moment(a.submittedAt, .ledgerDefault), decidedAt: a.decidedAt.map { PageFormat.moment($0, .ledgerDefault) },
                   state: renderer.text("application_state_\(a.state.rawValue)", context.language), pending: a.state == .pending,
                   returned: a.state == .returned, approved: a.state == .approved, reason: a.reason)
    }

    // MARK: The bureau

    struct QueueRow {
        var href: String
        var name: String
        var creditCode: String
        var region: String
        var type: String
        var submittedAt: String
        var state: String
    }

    struct QueuePage {
        var rows: [QueueRow]
        var states: [Choice]
        var next: String?
        var first: String?
    }

    func queue(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let stateText = request.uri.queryParameters.get("state").map { String($0) } ?? "pending"
        let state: OrganizationApplicationState? = stateText == "all" ? nil : OrganizationApplicationState(rawValue: stateText) ?? .pending
        var after: Int64?
        if let text = request.uri.queryParameters.get("after") {
            guard text.count <= 19, let number = Int64(text), number > 0 else {
                throw LedgerError.invalidField(field: "after", reason: "必须是正整数 / must be a positive number")
            }
            after = number
        }
        let page = try await ledger.organizationApplications(state: state, after: after, limit: 50, by: principal)
        let stateKey = state?.rawValue ?? "all"
        let rows = page.items.map { a in
            QueueRow(href: "/admin/applications/\(a.id)", name: a.name, creditCode: a.creditCode, region: a.regionCode,
                     type: renderer.text("registration_type_\(a.registrationType.rawValue)", context.language),
                     submittedAt: PageFormat.moment(a.submittedAt, .ledgerDefault),
                     state: renderer.text("application_state_\(a.state.rawValue)", context.language))
        }
        let states = (OrganizationApplicationState.allCases.map(\.rawValue) + ["all"]).map {
            ($0, renderer.text("application_state_\($0)", context.language))
        }
        return renderer.render("admin/applications", title: renderer.text("applications_title", context.language),
                               page: QueuePage(rows: rows, states: Choice.list(states, selected: stateKey),
                                               next: page.nextAfter.map { "/admin/applications?state=\(stateKey)&after=\($0)" },
                                               first: after == nil ? nil : "/admin/applications?state=\(stateKey)"),
                               context: context)
    }

    struct DetailPage {
        var application: StatusPage
        var certificateHref: String
        var error: String?
        var organizationHref: String?
    }

    func detail(_ context: WebRequestContext, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let id = try context.pathID()
        let application = try await ledger.organizationApplication(id: id, by: principal)
        return renderer.render("admin/application", title: renderer.text("application_review_title", context.language),
                               page: DetailPage(application: statusPage(application, context, masked: false),
                                                certificateHref: "/admin/applications/\(id)/certificate", error: error,
                                                organizationHref: application.organizationId == nil ? nil
                                                    : "/admin?q=\(application.creditCode)"),
                               context: context, status: status)
    }

    func certificate(_ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let file = try await ledger.registrationCertificate(applicationId: try context.pathID(), by: principal)
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "private, no-store",
                                               .contentDisposition: "inline; filename=\"certificate\(file.contentType == "application/pdf" ? ".pdf" : file.contentType == "image/png" ? ".png" : ".jpg")\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    func approve(_ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let id = try context.pathID()
        do {
            _ = try await ledger.approveOrganizationApplication(id: id, by: principal, origin: context.origin)
            context.logger.notice("organization application approved", metadata: ["application": "\(id)"])
            return WebRedirect.to("/admin/applications/\(id)")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await detail(context, error: BilingualText.pick(error.message, context.language), status: .conflict)
        }
    }

    func returnApplication(_ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let id = try context.pathID()
        do {
            _ = try await ledger.returnOrganizationApplication(id: id, reason: context.form["reason"], by: principal)
            return WebRedirect.to("/admin/applications/\(id)")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await detail(context, error: BilingualText.pick(error.message, context.language),
                                    status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
    }
}
