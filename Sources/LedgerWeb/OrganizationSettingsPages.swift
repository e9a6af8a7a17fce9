import Foundation
import Hummingbird
import LedgerCore

/// The organization's settings page: its admins set how long after an activity ends a check-in nobody checked out is
/// closed automatically; its staff see the setting.
struct OrganizationSettingsPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/settings") { _, context in try await settings(context, grace: nil, errors: FieldErrors(), notice: nil) }
        pages.post("/org/settings") { _, context in try await save(context) }
    }

    func settings(_ context: WebRequestContext, grace: String?, errors: FieldErrors, notice: String?) async throws -> Response {
        let scope = try StaffScope(context)
        let current = try await ledger.organizationSettings(organizationId: scope.organizationId, by: scope.principal)
        struct Page { var grace: String; var acceptsJoinRequests: Bool; var isAdmin: Bool; var errors: [String: String]; var notice: String? }
        return renderer.render("org/settings", title: renderer.text("nav_settings", context.language),
                               page: Page(grace: grace ?? String(current.checkOutGraceMinutes), acceptsJoinRequests: current.acceptsJoinRequests,
                                          isAdmin: scope.isAdmin, errors: errors.dictionary, notice: notice),
                               context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func save(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let text = String((context.form["checkOutGraceMinutes"] ?? "").trimmingCharacters(in: .whitespaces).prefix(10))
        var errors = FieldErrors()
        guard let minutes = Int(text) else {
            errors.add("checkOutGraceMinutes", renderer.text("error_grace", context.language))
            return try await settings(context, grace: text, errors: errors, notice: nil)
        }
        do {
            // An unchecked box is absent from the form: no join requests.
            _ = try await ledger.updateOrganizationSettings(organizationId: scope.organizationId, checkOutGraceMinutes: minutes,
                                                            acceptsJoinRequests: context.form["acceptsJoinRequests"] == "1", by: scope.principal)
            return try await settings(context, grace: nil, errors: errors, notice: renderer.text("settings_saved", context.language))
        } catch let error as LedgerError where error.kind == .invalidInput {
            errors.add(error, context.language, defaultField: "checkOutGraceMinutes")
            return try await settings(context, grace: text, errors: errors, notice: nil)
        }
    }
}
