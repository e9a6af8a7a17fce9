import Foundation
import Hummingbird
import LedgerCore

/// Hour claims on the web: a volunteer claims hours nothing recorded, with a photo of the paper sign-in sheet; staff
/// review their organization's claims (the photo, the late mark, stays the server closed at the activity's end) and
/// approve them, adjusting the hours when needed, or reject them; a volunteer asks for a correction of a pending one.
struct ClaimPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/me/claims") { _, context in try await volunteerClaims(context, form: ClaimForm(), errors: FieldErrors()) }
        pages.post("/me/claims") { _, context in try await submit(context) }
        pages.post("/me/claims/:id/correction") { _, context in try await requestCorrection(context) }
        pages.get("/org/claims") { request, context in try await staffClaims(request, context, error: nil) }
        pages.post("/org/claims/:id/decision") { request, context in try await decide(request, context) }
        pages.get("/claims/:id/evidence") { _, context in try await evidence(context) }
    }

    struct ClaimRow {
        var id: Int64
        var activity: String
        var volunteer: String
        var time: String
        var hours: String
        var note: String
        var state: String
        var stateClass: String
        var reason: String?
        var isLate: Bool
        var hasEvidence: Bool
        var isPending: Bool
        var recordHref: String?
        var isAutoClose: Bool
        var correction: String?
    }

    /// Rows for `claims`, with activity titles (and volunteer names for staff) looked up once each.
    func rows(_ claims: [HoursClaim], principal: Principal, names: Bool, language: PageLanguage,
              activityTitles: [Int64: String] = [:]) async throws -> [ClaimRow] {
        var titles = activityTitles, people: [Int64: String] = [:]
        let zones = try await ledger.timeZones(of: Set(claims.map(\.organizationId)))
        var rows: [ClaimRow] = []
        for claim in claims {
            if titles[claim.activityId] == nil, principal.role != .volunteer {
                titles[claim.activityId] = try await ledger.activity(id: claim.activityId, by: principal).title
            }
            if names, people[claim.volunteerId] == nil {
                let v = try await ledger.volunteer(id: claim.volunteerId, by: principal)
                people[claim.volunteerId] = "\(v.name) \(v.number)"
            }
            let zone = zones[claim.organizationId] ?? .ledgerDefault
            rows.append(ClaimRow(
                id: claim.id, activity: titles[claim.activityId] ?? "#\(claim.activityId)", volunteer: people[claim.volunteerId] ?? "",
                time: "\(PageFormat.time(claim.startAt, zone)) – \(PageFormat.time(claim.endAt, zone))", hours: PageFormat.hours(claim.minutes),
                note: claim.note, state: renderer.text("claim_\(claim.state.rawValue)", language), stateClass: claim.state.rawValue,
                reason: claim.reason, isLate: claim.isLate, hasEvidence: claim.evidenceHash != nil, isPending: claim.state == .pending,
                recordHref: claim.recordId.map { (principal.role == .volunteer ? "/me/records/" : "/org/records/") + String($0) },
                isAutoClose: claim.origin == .autoClose, correction: claim.correction))
        }
        return rows
    }

    // MARK: Volunteers

    struct ClaimForm {
        var activityId = "", start = "", end = "", minutes = "", note = ""
    }

    func volunteerClaims(_ context: WebRequestContext, form: ClaimForm, errors: FieldErrors, correctionError: String? = nil) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let activities = try await ledger.claimableActivities(by: principal)
        let zones = try await ledger.timeZones(of: Set(activities.map(\.organizationId)))
        let choices = [Choice(value: "", label: "—", selected: form.activityId.isEmpty)] + activities.map { a in
            Choice(value: String(a.id), label: "\(a.title) · \(PageFormat.span(a, zones[a.organizationId] ?? .ledgerDefault))",
                   selected: form.activityId == String(a.id))
        }
        let claims = try await ledger.hoursClaims(state: nil, after: nil, limit: 100, by: principal).items
        let titles = Dictionary(activities.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        struct Page { var form: ClaimForm; var activities: [Choice]; var claims: [ClaimRow]; var errors: [String: String]; var correctionError: String? }
        let page = Page(form: form, activities: choices,
                        claims: try await rows(claims, principal: principal, names: false, language: context.language, activityTitles: titles),
                        errors: errors.dictionary, correctionError: correctionError)
        return renderer.render("me/claims", title: renderer.text("nav_my_claims", context.language), page: page, context: context,
                               status: errors.isEmpty && correctionError == nil ? .ok : .unprocessableContent)
    }

    func submit(_ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let f = context.form
        let form = ClaimForm(activityId: String((f["activityId"] ?? "").prefix(20)), start: f["start"] ?? "", end: f["end"] ?? "",
                             minutes: String((f["minutes"] ?? "").prefix(10)), note: String((f["note"] ?? "").prefix(600)))
        var errors = FieldErrors()
        let activityId = Int64(form.activityId)
        if activityId == nil { errors.add("activityId", renderer.text("error_choice", context.language)) }
        var zone = TimeZone.ledgerDefault
        if let activityId, let activity = try await ledger.claimableActivities(by: principal).first(where: { $0.id == activityId }) {
            zone = try await ledger.timeZones(of: [activity.organizationId])[activity.organizationId] ?? .ledgerDefault
        }
        let start = PageFormat.parseTime(form.start, zone), end = PageFormat.parseTime(form.end, zone)
        if start == nil { errors.add("start", renderer.text("error_time", context.language)) }
        if end == nil { errors.add("end", renderer.text("error_time", context.language)) }
        let minutes = PageFormat.parseHours(form.minutes)
        if minutes == nil { errors.add("minutes", renderer.text("error_hours", context.language)) }
        guard errors.isEmpty, let activityId, let start, let end, let minutes else {
            return try await volunteerClaims(context, form: form, errors: errors)
        }
        let file = f.files["evidence"].flatMap { $0.bytes.isEmpty ? nil : $0.bytes }
        do {
            _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activityId, start: start, end: end, minutes: minutes,
                                                                  note: form.note, evidence: file), by: principal)
            return WebRedirect.to("/me/claims#my-claims")
        } catch let error as LedgerError where error.kind != .unauthenticated {
            errors.add(error, context.language, defaultField: "form")
            return try await volunteerClaims(context, form: form, errors: errors)
        }
    }

    /// The volunteer asks staff to correct a pending claim, e.g. the time they left when the server closed their check-in.
    func requestCorrection(_ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let id = try context.pathID()
        do {
            _ = try await ledger.requestClaimCorrection(id: id, note: String((context.form["note"] ?? "").prefix(600)), by: principal)
            return WebRedirect.to("/me/claims#my-claims")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            return try await volunteerClaims(context, form: ClaimForm(), errors: FieldErrors(),
                                             correctionError: "#\(id): " + BilingualText.pick(error.message, context.language))
        }
    }

    // MARK: Staff

    func staffClaims(_ request: Request, _ context: WebRequestContext, error: String?) async throws -> Response {
        let scope = try StaffScope(context)
        let showAll = request.uri.queryParameters.get("all") == "1"
        let claims = try await ledger.hoursClaims(state: showAll ? nil : .pending, after: nil, limit: 200, by: scope.principal).items
        struct Page { var claims: [ClaimRow]; var showAll: Bool; var error: String? }
        let page = Page(claims: try await rows(claims, principal: scope.principal, names: true, language: context.language),
                        showAll: showAll, error: error)
        return renderer.render("org/claims", title: renderer.text("nav_claims", context.language), page: page, context: context,
                               status: error == nil ? .ok : .conflict)
    }

    func decide(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        guard let decision = ClaimDecision(rawValue: context.form["decision"] ?? "") else {
            return try await staffClaims(request, context, error: renderer.text("error_choice", context.language))
        }
        // Staff may adjust the hours of an approval (the form shows the claim's own); an unreadable figure is refused.
        var minutes: Int?
        if decision == .approve, let text = context.form["hours"] {
            guard let parsed = PageFormat.parseHours(String(text.prefix(10))) else {
                return try await staffClaims(request, context, error: "#\(id): " + renderer.text("error_hours", context.language))
            }
            minutes = parsed
        }
        do {
            _ = try await ledger.decideHoursClaim(id: id, decision, reason: context.form["reason"], minutes: minutes, by: scope.principal)
            return WebRedirect.to("/org/claims")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await staffClaims(request, context, error: "#\(id): " + BilingualText.pick(error.message, context.language))
        }
    }

    /// The photo of a claim, for its volunteer and the organization's staff (the ledger decides).
    func evidence(_ context: WebRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let evidence = try await ledger.claimEvidence(claimId: try context.pathID(), by: principal)
        var headers: HTTPFields = [.contentType: evidence.contentType, .cacheControl: "private, max-age=86400"]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: evidence.bytes)))
    }
}
