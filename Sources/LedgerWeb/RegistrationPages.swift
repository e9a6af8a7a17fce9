import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore
import LedgerForms

/// Residents registering themselves (`/register`), in two steps: the identity and phone, which sends the code (to the
/// phone on file, masked, for a person an organization registered); then the code, the login and the profile. `next`
/// (an activity the resident wanted) is kept through both, and after registering they are signed in and sent back to it.
/// The terms and privacy notice are on `/terms`.
struct RegistrationPages {
    let ledger: Ledger
    let renderer: PageRenderer
    let terms: TermsTexts

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/register") { request, context in
            let next = WebRedirect.safeLocal(request.uri.queryParameters.get("next"), fallback: "")
            if let account = context.account { return WebRedirect.to(next.isEmpty ? WebNavigation.home(of: account.role) : next) }
            return identityForm(IdentityForm(next: next), errors: FieldErrors(), context: context)
        }
        pages.post("/register/code") { _, context in try await sendCode(context) }
        pages.post("/register") { _, context in try await finish(context) }
        pages.get("/terms") { _, context in
            struct Page { var version: String; var text: String }
            return renderer.render("terms", title: renderer.text("terms_title", context.language),
                                   page: Page(version: PlatformTerms.currentVersion, text: terms.text(context.language)), context: context)
        }
    }

    /// Step one's fields (and step two's hidden copy of them).
    struct IdentityForm {
        var name = "", documentType = "resident_id", documentNumber = "", sex = "", birthDate = "", phone = "", next = ""

        init(next: String = "") { self.next = next }

        init(_ form: FormData) {
            name = String((form["name"] ?? "").prefix(50))
            documentType = String((form["documentType"] ?? "resident_id").prefix(20))
            documentNumber = String((form["documentNumber"] ?? "").prefix(40))
            sex = String((form["sex"] ?? "").prefix(10))
            birthDate = String((form["birthDate"] ?? "").prefix(10))
            phone = String((form["phone"] ?? "").prefix(20))
            next = WebRedirect.safeLocal(form["next"], fallback: "")
        }

        var identity: RegistrationIdentity {
            RegistrationIdentity(name: name, documentType: DocumentType(rawValue: documentType), documentNumber: documentNumber,
                                 sex: Sex(rawValue: sex), birthDate: birthDate.isEmpty ? nil : LocalDate(iso: birthDate), phone: phone)
        }
        var documentTypes: [Choice] { Choice.list([("resident_id", "居民身份证 / Resident ID"), ("passport", "护照 / Passport"), ("other", "其他 / Other")], selected: documentType) }
        var sexes: [Choice] { Choice.list([("", "—"), ("male", "男 / Male"), ("female", "女 / Female")], selected: sex) }
    }

    func identityForm(_ form: IdentityForm, errors: FieldErrors, context: WebRequestContext, status: HTTPResponse.Status? = nil,
                      help: [String: String] = [:]) -> Response {
        struct Page { var form: IdentityForm; var documentTypes: [Choice]; var sexes: [Choice]; var errors: [String: String]; var help: [String: String] }
        return renderer.render("register", title: renderer.text("register_title", context.language),
                               page: Page(form: form, documentTypes: form.documentTypes, sexes: form.sexes, errors: errors.dictionary, help: help),
                               context: context, status: status ?? (errors.isEmpty ? .ok : .unprocessableContent))
    }

    func sendCode(_ context: WebRequestContext) async throws -> Response {
        let form = IdentityForm(context.form)
        var errors = FieldErrors()
        do {
            let start = try await ledger.startRegistration(form.identity, language: context.language == .chinese ? .zh : .en,
                                                           clientAddress: context.clientAddress)
            return finishForm(FinishForm(identity: form, mode: start.mode, destination: start.maskedDestination, needsGuardian: start.needsGuardian),
                              errors: FieldErrors(), context: context)
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict || error.kind == .throttled
                    || error.kind == .unavailable {
            errors.add(error, context.language, defaultField: "documentNumber")
            var help: [String: String] = [:]
            if case .documentHasAccount = error { help["login"] = "/login" + (form.next.isEmpty ? "" : "?next=" + (form.next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if case .takeoverNeedsInvitation = error { help["invite"] = "/invite" }
            var response = identityForm(form, errors: errors, context: context, status: error.httpStatus, help: help)
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    /// Step two's fields: the code, the login, the profile (for a new person), a guardian (under 18) and the terms.
    struct FinishForm {
        var identity: IdentityForm
        var mode: RegistrationMode
        var destination: String
        var needsGuardian: Bool
        var username = "", residenceArea = "", skills = "", categories: Set<String> = [], guardianName = "", guardianPhone = ""
        var guardianConsent = false, acceptedTerms = false
        /// Stored, for the template (which sees stored properties only).
        var isNew: Bool, isTakeover: Bool

        init(identity: IdentityForm, mode: RegistrationMode, destination: String, needsGuardian: Bool) {
            self.identity = identity
            self.mode = mode
            self.destination = destination
            self.needsGuardian = needsGuardian
            isNew = mode == .new
            isTakeover = mode == .takeover
        }
    }

    func finishForm(_ form: FinishForm, errors: FieldErrors, context: WebRequestContext, status: HTTPResponse.Status? = nil) -> Response {
        struct CategoryBox { var value: String; var label: String; var checked: Bool }
        struct Page { var form: FinishForm; var identity: IdentityForm; var categories: [CategoryBox]; var errors: [String: String]; var termsVersion: String }
        let boxes = ServiceCategory.allCases.map {
            CategoryBox(value: $0.rawValue, label: PublicActivityPages(ledger: ledger, renderer: renderer).categoryLabel($0, context.language),
                        checked: form.categories.contains($0.rawValue))
        }
        var response = renderer.render("register-finish", title: renderer.text("register_title", context.language),
                                       page: Page(form: form, identity: form.identity, categories: boxes, errors: errors.dictionary,
                                                  termsVersion: PlatformTerms.currentVersion),
                                       context: context, status: status ?? (errors.isEmpty ? .ok : .unprocessableContent))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func finish(_ context: WebRequestContext) async throws -> Response {
        let f = context.form
        let identity = IdentityForm(f)
        let mode = RegistrationMode(rawValue: f["mode"] ?? "") ?? .new
        var form = FinishForm(identity: identity, mode: mode, destination: String((f["destination"] ?? "").prefix(20)),
                              needsGuardian: f["needsGuardian"] == "1")
        form.username = String((f["username"] ?? "").prefix(64))
        form.residenceArea = String((f["residenceArea"] ?? "").prefix(12))
        form.skills = String((f["skills"] ?? "").prefix(1100))
        form.categories = Set(f.all("serviceCategories").prefix(20).map { String($0.prefix(40)) })
        form.guardianName = String((f["guardianName"] ?? "").prefix(50))
        form.guardianPhone = String((f["guardianPhone"] ?? "").prefix(20))
        form.guardianConsent = f["guardianConsent"] == "1"
        form.acceptedTerms = f["acceptTerms"] == PlatformTerms.currentVersion
        let password = f.all("password").first ?? ""
        var errors = FieldErrors()
        if password != (f.all("passwordAgain").first ?? "") {
            errors.add("passwordAgain", renderer.text("error_password_mismatch", context.language))
        }
        if !form.acceptedTerms { errors.add("acceptTerms", renderer.text("register_accept_terms_required", context.language)) }
        guard errors.isEmpty else { return finishForm(form, errors: errors, context: context) }
        let skills = form.skills.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isNewline }).map(String.init)
        let guardian = form.needsGuardian || !form.guardianName.isEmpty
            ? GuardianConsentInput(name: form.guardianName, phone: form.guardianPhone, consent: form.guardianConsent) : nil
        do {
            let done = try await ledger.registerResident(ResidentRegistration(
                identity: identity.identity, code: String((f["code"] ?? "").prefix(16)), username: form.username, password: password,
                residenceArea: form.residenceArea, serviceCategories: form.categories.compactMap(ServiceCategory.init(rawValue:)).sorted { $0.rawValue < $1.rawValue },
                skills: skills, acceptedTermsVersion: PlatformTerms.currentVersion, guardian: guardian), clientAddress: context.clientAddress)
            context.logger.notice("resident registered on the web", metadata: ["user": "\(done.account.id)", "tookOver": "\(done.tookOver)"])
            let grant = try await ledger.login(username: done.account.username, password: password, clientAddress: context.clientAddress)
            let cookie = WebCookie.header(WebCookie.session, grant.token, maxAge: max(60, Int(grant.expiresAt.timeIntervalSince(Date()))),
                                          secure: context.isSecure)
            return WebRedirect.to(identity.next.isEmpty ? "/me/profile?registered=1" : identity.next, cookies: [cookie])
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict || error.kind == .throttled {
            errors.add(error, context.language, defaultField: "code")
            var response = finishForm(form, errors: errors, context: context, status: error.httpStatus)
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }
}

/// The terms of service and privacy notice, `Resources/terms/terms-VERSION.{zh,en}.md`, read once at start.
struct TermsTexts: Sendable {
    let chinese: String
    let english: String

    init(resourcesFolder: String) throws {
        func read(_ language: String) throws -> String {
            let path = URL(fileURLWithPath: resourcesFolder).appendingPathComponent("terms/terms-\(PlatformTerms.currentVersion).\(language).md").path
            guard let data = FileManager.default.contents(atPath: path) else { throw WebSetupError("cannot read the terms \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        chinese = try read("zh")
        english = try read("en")
    }

    func text(_ language: PageLanguage) -> String { language == .chinese ? chinese : english }
}
