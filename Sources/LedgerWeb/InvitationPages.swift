import Foundation
import Hummingbird
import LedgerCore
import LedgerDocuments

/// Login invitations: staff print a member's one-time code with its QR code; the volunteer opens the page it points
/// to, proves who they are with their document number and chooses a username and password.
struct InvitationPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.post("/org/volunteers/:id/invitation") { _, context in try await invite(context) }
        pages.get("/invite") { request, context in
            let code = String((request.uri.queryParameters.get("code") ?? "").prefix(40))
            return form(RedeemForm(code: code), errors: FieldErrors(), context: context)
        }
        pages.post("/invite") { _, context in try await redeem(context) }
    }

    struct InvitationPage {
        var volunteer: String
        var number: String
        var code: String
        var url: String
        var qr: String
        var expiresAt: String
    }

    func invite(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let volunteer = try await ledger.volunteer(id: id, by: scope.principal)
        do {
            let issued = try await ledger.inviteVolunteer(volunteerId: id, by: scope.principal)
            let zone = try await scope.timeZone(ledger)
            let page = InvitationPage(volunteer: volunteer.name, number: volunteer.number, code: issued.code, url: issued.url,
                                      qr: try AttendancePages.qrDataURL(issued.url),
                                      expiresAt: PageFormat.time(issued.invitation.expiresAt, zone))
            var response = renderer.render("org/invitation", title: renderer.text("invitation_title", context.language), page: page,
                                           context: context, status: .created)
            // The code is shown once: the page must not be kept by the browser or a proxy.
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let error as LedgerError where error.kind == .conflict {
            var volunteerContext = context
            volunteerContext.overridePathID = id
            return try await StaffPages(ledger: ledger, renderer: renderer).volunteer(
                volunteerContext, notice: BilingualText.pick(error.message, context.language))
        }
    }

    struct RedeemForm {
        var code = "", documentNumber = "", username = ""
    }

    func form(_ form: RedeemForm, errors: FieldErrors, context: WebRequestContext) -> Response {
        struct Page { var form: RedeemForm; var errors: [String: String] }
        return renderer.render("invite", title: renderer.text("invitation_redeem", context.language),
                               page: Page(form: form, errors: errors.dictionary), context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func redeem(_ context: WebRequestContext) async throws -> Response {
        let f = context.form
        let typed = RedeemForm(code: String((f["code"] ?? "").prefix(40)), documentNumber: String((f["documentNumber"] ?? "").prefix(40)),
                               username: String((f["username"] ?? "").prefix(64)))
        let password = f.all("password").first ?? ""
        var errors = FieldErrors()
        if password != (f.all("passwordAgain").first ?? "") {
            errors.add("passwordAgain", renderer.text("error_password_mismatch", context.language))
            return form(typed, errors: errors, context: context)
        }
        do {
            let account = try await ledger.redeemInvitation(code: typed.code, documentNumber: typed.documentNumber,
                                                            username: typed.username, password: password, clientAddress: context.clientAddress)
            context.logger.notice("invitation redeemed on the web", metadata: ["user": "\(account.id)"])
            return WebRedirect.to("/login?invited=1")
        } catch let error as LedgerError where error.kind == .throttled {
            context.logger.notice("invitation redemption throttled", metadata: ["address": "\(context.clientAddress ?? "-")"])
            errors.add(error, context.language, defaultField: "code")
            var response = form(typed, errors: errors, context: context)
            response.status = .tooManyRequests
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language, defaultField: "code")
            return form(typed, errors: errors, context: context)
        }
    }
}
