import Foundation
import Hummingbird
import LedgerCore

/// An activity's recruitment for its organization's staff: open it for sign-up or change its terms, see the
/// roster, confirm or decline sign-ups, and export the roster as CSV.
struct StaffSignUpPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/activities/:id/sign-ups") { _, context in try await roster(context, form: nil, errors: FieldErrors()) }
        pages.post("/org/activities/:id/recruitment") { _, context in try await open(context) }
        pages.post("/org/sign-ups/:id/decision") { _, context in try await decide(context) }
        pages.get("/org/activities/:id/roster.csv") { _, context in try await export(context) }
    }

    struct RecruitmentForm {
        var audience = RecruitmentAudience.members.rawValue, capacity = "", deadline = "", skills = ""
    }

    struct RosterRow {
        var id: Int64
        var number: String
        var name: String
        var signedUpAt: String
        var state: String
        var stateClass: String
        var reason: String?
        var decidable: Bool
    }

    struct Page {
        var id: Int64
        var title: String
        var time: String
        var isOpen: Bool
        var placesTaken: Int
        var capacity: Int
        var waiting: Int
        var form: RecruitmentForm
        var audiences: [Choice]
        var roster: [RosterRow]
        var errors: [String: String]
    }

    func roster(_ context: WebRequestContext, form: RecruitmentForm?, errors: FieldErrors) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let activity = try await ledger.activity(id: id, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let current = try? await ledger.recruitment(activityId: id, by: scope.principal)
        var shown = form ?? RecruitmentForm()
        if form == nil, let r = current?.recruitment {
            shown = RecruitmentForm(audience: r.audience.rawValue, capacity: String(r.capacity),
                                    deadline: PageFormat.inputTime(r.deadline, zone), skills: r.requiredSkills.joined(separator: ", "))
        }
        let entries = current == nil ? [] : try await ledger.signUps(activityId: id, after: nil, limit: 500, by: scope.principal).items
        let rows = entries.map { e in
            RosterRow(id: e.signUp.id, number: e.volunteerNumber, name: e.volunteerName,
                      signedUpAt: PageFormat.moment(e.signUp.signedUpAt, zone),
                      state: renderer.text("sign_up_\(e.signUp.state.rawValue)", context.language), stateClass: e.signUp.state.rawValue,
                      reason: e.signUp.reason, decidable: e.signUp.state.isUndecided)
        }
        let audiences = RecruitmentAudience.allCases.map {
            Choice(value: $0.rawValue, label: renderer.text("audience_\($0.rawValue)", context.language), selected: $0.rawValue == shown.audience)
        }
        let page = Page(id: id, title: activity.title,
                        time: PageFormat.span(activity, zone),
                        isOpen: current != nil, placesTaken: current?.placesTaken ?? 0, capacity: current?.recruitment.capacity ?? 0,
                        waiting: current?.waiting ?? 0, form: shown, audiences: audiences, roster: rows, errors: errors.dictionary)
        return renderer.render("org/sign-ups", title: "\(renderer.text("recruitment", context.language)) · \(activity.title)",
                               page: page, context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func open(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let f = context.form
        let form = RecruitmentForm(audience: f["audience"] ?? "", capacity: String((f["capacity"] ?? "").prefix(10)),
                                   deadline: f["deadline"] ?? "", skills: String((f["skills"] ?? "").prefix(1100)))
        let zone = try await scope.timeZone(ledger)
        var errors = FieldErrors()
        let audience = RecruitmentAudience(rawValue: form.audience)
        if audience == nil { errors.add("audience", renderer.text("error_choice", context.language)) }
        let capacity = Int(form.capacity.trimmingCharacters(in: .whitespaces))
        if capacity == nil { errors.add("capacity", renderer.text("error_whole_number", context.language)) }
        let deadline = PageFormat.parseTime(form.deadline, zone)
        if deadline == nil { errors.add("deadline", renderer.text("error_time", context.language)) }
        guard errors.isEmpty, let audience, let capacity, let deadline else { return try await roster(context, form: form, errors: errors) }
        let skills = form.skills.split(whereSeparator: { ",，、;；".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        do {
            _ = try await ledger.openForSignUp(activityId: id, RecruitmentInput(audience: audience, capacity: capacity, deadline: deadline,
                                                                                requiredSkills: skills), by: scope.principal)
            return WebRedirect.to("/org/activities/\(id)/sign-ups")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language, defaultField: "capacity")
            return try await roster(context, form: form, errors: errors)
        }
    }

    func decide(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let signUpId = try context.pathID()
        // The roster of the sign-up's activity; a sign-up of another organization is "not found" here as in the API.
        let activityId = try await ledger.signUp(id: signUpId, by: scope.principal).activityId
        var rosterContext = context
        rosterContext.overridePathID = activityId
        guard let decision = SignUpDecision(rawValue: context.form["decision"] ?? "") else {
            var errors = FieldErrors()
            errors.add("roster", renderer.text("error_choice", context.language))
            return try await roster(rosterContext, form: nil, errors: errors)
        }
        do {
            _ = try await ledger.decideSignUp(id: signUpId, decision, reason: context.form["reason"], by: scope.principal)
            return WebRedirect.to("/org/activities/\(activityId)/sign-ups#roster")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var errors = FieldErrors()
            errors.add("roster", BilingualText.pick(error.message, context.language))
            return try await roster(rosterContext, form: nil, errors: errors)
        }
    }

    func export(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let activity = try await ledger.activity(id: id, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        var csv = CSVWriter()
        csv.writeRow(["报名编号 Sign-up", "志愿者编号 Volunteer number", "姓名 Name", "报名时间 Signed up", "状态 State", "原因 Reason"])
        var after: Int64?
        repeat {
            let page = try await ledger.signUps(activityId: activity.id, after: after, limit: 500, by: scope.principal)
            for e in page.items {
                csv.writeRow([String(e.signUp.id), e.volunteerNumber, e.volunteerName, PageFormat.moment(e.signUp.signedUpAt, zone),
                              renderer.text("sign_up_\(e.signUp.state.rawValue)", .chinese), e.signUp.reason ?? ""])
            }
            after = page.nextAfter
        } while after != nil
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8",
                                   .contentDisposition: "attachment; filename=\"roster-\(activity.id).csv\""]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: csv.bytes)))
    }
}
