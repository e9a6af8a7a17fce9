import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore
import LedgerSpreadsheets

/// My profile (`/me/profile`): my data unmasked (only I see it), changing phone (by a code to the new one), residence,
/// categories, skills and password; my organizations (left on `/me/organizations`), guardian, the terms I accepted; all
/// my data to download as JSON and `.xlsx`.
struct MyProfilePages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/me/profile") { request, context in
            let notice = request.uri.queryParameters.get("registered") == "1" ? renderer.text("register_done", context.language)
                : request.uri.queryParameters.get("saved") == "1" ? renderer.text("profile_saved", context.language) : nil
            return try await page(context, notice: notice)
        }
        pages.post("/me/profile") { _, context in try await saveProfile(context) }
        pages.post("/me/profile/phone-code") { _, context in try await sendPhoneCode(context) }
        pages.post("/me/profile/phone") { _, context in try await changePhone(context) }
        pages.post("/me/profile/password") { _, context in try await changePassword(context) }
        pages.get("/me/data.json") { _, context in
            let data = try await ledger.myData(by: try context.requirePrincipal())
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: "attachment; filename=\"my-data.json\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: Array(try encoder.encode(data)))))
        }
        pages.get("/me/data.xlsx") { _, context in
            let data = try await ledger.myData(by: try context.requirePrincipal())
            return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                   .cacheControl: "no-store", .contentDisposition: "attachment; filename=\"my-data.xlsx\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: try PersonalDataWorkbook.bytes(data))))
        }
    }

    struct ProfilePage {
        struct CategoryBox { var value: String; var label: String; var checked: Bool }
        struct MembershipRow { var name: String; var joinedAt: String }
        var number: String
        var name: String
        var username: String
        var documentNumber: String
        var phone: String
        var residenceArea: String
        var skills: String
        var categories: [CategoryBox]
        var memberships: [MembershipRow]
        var termsVersion: String?
        var termsAcceptedAt: String?
        var guardianName: String?
        var guardianPhone: String?
        var guardianConsentedAt: String?
        var notice: String?
        var errors: [String: String]
        var newPhone: String = ""
        var phoneCodeSentTo: String?
    }

    func page(_ context: WebRequestContext, notice: String? = nil, errors: FieldErrors = FieldErrors(), newPhone: String = "",
              phoneCodeSentTo: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let profile = try await ledger.myProfile(by: try context.requirePrincipal())
        let v = profile.volunteer, zone = TimeZone.ledgerDefault
        let labels = PublicActivityPages(ledger: ledger, renderer: renderer)
        let page = ProfilePage(
            number: v.number, name: v.name, username: profile.username, documentNumber: v.documentNumber, phone: v.phone,
            residenceArea: v.residenceArea, skills: v.skills.joined(separator: "、"),
            categories: ServiceCategory.allCases.map { .init(value: $0.rawValue, label: labels.categoryLabel($0, context.language),
                                                            checked: v.serviceCategories.contains($0)) },
            memberships: profile.memberships.map { .init(name: $0.organizationName, joinedAt: PageFormat.time($0.joinedAt, zone)) },
            termsVersion: profile.consent?.termsVersion, termsAcceptedAt: profile.consent.map { PageFormat.time($0.termsAcceptedAt, zone) },
            guardianName: profile.consent?.guardianName, guardianPhone: profile.consent?.guardianPhone,
            guardianConsentedAt: profile.consent?.guardianConsentedAt.map { PageFormat.time($0, zone) },
            notice: notice, errors: errors.dictionary, newPhone: newPhone, phoneCodeSentTo: phoneCodeSentTo)
        var response = renderer.render("me/profile", title: renderer.text("nav_my_profile", context.language), page: page, context: context,
                                       status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Runs `change`; a refusal is shown beside its field on the profile page.
    private func attempt(_ context: WebRequestContext, defaultField: String, newPhone: String = "", phoneCodeSentTo: String? = nil,
                         _ change: () async throws -> Response) async throws -> Response {
        do {
            return try await change()
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .throttled || error.kind == .conflict
                    || error.kind == .unavailable {
            var errors = FieldErrors()
            errors.add(error, context.language, defaultField: defaultField)
            var response = try await page(context, errors: errors, newPhone: newPhone, phoneCodeSentTo: phoneCodeSentTo, status: error.httpStatus)
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    func saveProfile(_ context: WebRequestContext) async throws -> Response {
        let f = context.form
        let skills = String((f["skills"] ?? "").prefix(1100)).split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isNewline })
            .map(String.init)
        let categories = f.all("serviceCategories").prefix(20).compactMap { ServiceCategory(rawValue: String($0)) }
        return try await attempt(context, defaultField: "residenceArea") {
            _ = try await ledger.updateMyProfile(ProfileUpdate(residenceArea: String((f["residenceArea"] ?? "").prefix(12)),
                                                               serviceCategories: categories, skills: skills),
                                                 keepingSession: context.sessionToken, clientAddress: context.clientAddress,
                                                 by: try context.requirePrincipal())
            return WebRedirect.to("/me/profile?saved=1")
        }
    }

    func sendPhoneCode(_ context: WebRequestContext) async throws -> Response {
        let phone = String((context.form["newPhone"] ?? "").prefix(20))
        return try await attempt(context, defaultField: "newPhone", newPhone: phone) {
            _ = try context.requirePrincipal()
            let recipient = try MessageRecipient.phone(checking: phone, field: "newPhone")
            let sent = try await ledger.sendVerificationCode(purpose: .changePhone, to: recipient, language: context.language == .chinese ? .zh : .en,
                                                             clientAddress: context.clientAddress)
            return try await page(context, newPhone: phone, phoneCodeSentTo: sent.maskedDestination)
        }
    }

    func changePhone(_ context: WebRequestContext) async throws -> Response {
        let phone = String((context.form["newPhone"] ?? "").prefix(20))
        return try await attempt(context, defaultField: "phoneCode", newPhone: phone, phoneCodeSentTo: phone.isEmpty ? nil : Masking.phone(phone)) {
            _ = try await ledger.updateMyProfile(ProfileUpdate(phone: phone, phoneCode: String((context.form["phoneCode"] ?? "").prefix(16))),
                                                 keepingSession: context.sessionToken, clientAddress: context.clientAddress,
                                                 by: try context.requirePrincipal())
            return WebRedirect.to("/me/profile?saved=1")
        }
    }

    func changePassword(_ context: WebRequestContext) async throws -> Response {
        let f = context.form
        let new = f.all("newPassword").first ?? ""
        guard new == (f.all("newPasswordAgain").first ?? "") else {
            var errors = FieldErrors()
            errors.add("newPasswordAgain", renderer.text("error_password_mismatch", context.language))
            return try await page(context, errors: errors, status: .unprocessableContent)
        }
        return try await attempt(context, defaultField: "currentPassword") {
            _ = try await ledger.updateMyProfile(ProfileUpdate(currentPassword: f.all("currentPassword").first ?? "", newPassword: new),
                                                 keepingSession: context.sessionToken, clientAddress: context.clientAddress,
                                                 by: try context.requirePrincipal())
            return WebRedirect.to("/me/profile?saved=1")
        }
    }
}
