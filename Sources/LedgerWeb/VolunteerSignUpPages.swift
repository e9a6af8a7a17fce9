import Foundation
import Hummingbird
import LedgerCore

/// A volunteer's sign-up pages (报名): the activities open for sign-up, filtered by category, date and region,
/// with a button to sign up, and the volunteer's own sign-ups with a button to withdraw.
struct VolunteerSignUpPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/me/activities") { request, context in try await activities(request, context, error: nil) }
        pages.post("/me/activities/:id/sign-up") { request, context in try await signUp(request, context) }
        pages.post("/me/sign-ups/:id/cancel") { request, context in try await cancel(request, context) }
    }

    struct OpenActivityRow {
        var id: Int64
        var title: String
        var organization: String
        var category: String
        var place: String
        var time: String
        var deadline: String
        var places: String
        var waiting: Int
        var full: Bool
        var skills: String?
        var content: String?
        /// The volunteer's active sign-up for it, if any.
        var mine: String?
    }

    struct SignUpRow {
        var id: Int64
        var activity: String
        var organization: String
        var time: String
        var state: String
        var stateClass: String
        var reason: String?
        var cancelable: Bool
    }

    struct Page {
        var activities: [OpenActivityRow]
        var signUps: [SignUpRow]
        var categories: [Choice]
        var from: String
        var to: String
        var region: String
        var next: String?
        var error: String?
    }

    func activities(_ request: Request, _ context: WebRequestContext, error: String?) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let query = request.uri.queryParameters
        let zone = TimeZone.ledgerDefault
        let category = query.get("category").flatMap { ServiceCategory(rawValue: String($0)) }
        let from = query.get("from").flatMap { LocalDate(iso: String($0)) }
        let to = query.get("to").flatMap { LocalDate(iso: String($0)) }
        let region = String((query.get("region") ?? "").prefix(12)).filter { $0.isASCII && $0.isNumber }
        let filter = OpenActivityFilter(now: Date(), category: category, startsFrom: from?.startOfDay(in: zone),
                                        startsBefore: to?.adding(days: 1).startOfDay(in: zone),
                                        regionPrefix: region.isEmpty ? nil : region)
        let open = try await ledger.openActivities(filter, after: query.get("after").flatMap { Int64($0) }, limit: 30, by: principal)
        let own = try await ledger.ownSignUps(after: nil, limit: 200, by: principal).items
        let active = Dictionary(own.filter(\.state.isActive).map { ($0.activityId, $0) }, uniquingKeysWith: { first, _ in first })

        var names: [Int64: String] = [:]
        func organizationName(_ id: Int64) async throws -> String {
            if let name = names[id] { return name }
            let name = try await ledger.organization(id: id, by: principal).name
            names[id] = name
            return name
        }
        let zones = try await ledger.timeZones(of: Set(open.items.map(\.activity.organizationId)))
        var rows: [OpenActivityRow] = []
        for item in open.items {
            let a = item.activity, zone = zones[a.organizationId] ?? .ledgerDefault
            rows.append(OpenActivityRow(
                id: a.id, title: a.title, organization: try await organizationName(a.organizationId), category: a.category.chineseLabel,
                place: a.place, time: PageFormat.span(a, zone),
                deadline: PageFormat.time(item.recruitment.deadline, zone),
                places: "\(item.placesLeft) / \(item.recruitment.capacity)", waiting: item.waiting, full: item.placesLeft == 0,
                skills: item.recruitment.requiredSkills.isEmpty ? nil : item.recruitment.requiredSkills.joined(separator: "、"),
                content: a.content.isEmpty ? nil : String(a.content.prefix(200)),
                mine: active[a.id].map { renderer.text("sign_up_\($0.state.rawValue)", context.language) }))
        }
        var signUpRows: [SignUpRow] = []
        for signUp in own {
            // A sign-up always has its recruitment; one the volunteer can no longer see is left out.
            guard let item = try? await ledger.recruitment(activityId: signUp.activityId, by: principal) else { continue }
            let zone = try await ledger.timeZones(of: [signUp.organizationId])[signUp.organizationId] ?? .ledgerDefault
            signUpRows.append(SignUpRow(
                id: signUp.id, activity: item.activity.title, organization: try await organizationName(signUp.organizationId),
                time: PageFormat.time(item.activity.startAt, zone),
                state: renderer.text("sign_up_\(signUp.state.rawValue)", context.language), stateClass: signUp.state.rawValue,
                reason: signUp.reason, cancelable: signUp.state.isActive && item.activity.startAt > Date()))
        }
        var categories = [Choice(value: "", label: renderer.text("all_categories", context.language), selected: category == nil)]
        categories += ServiceCategory.allCases.map { Choice(value: $0.rawValue, label: $0.chineseLabel, selected: $0 == category) }
        var filterQuery: [String] = []
        if let category { filterQuery.append("category=\(category.rawValue)") }
        if let from { filterQuery.append("from=\(from)") }
        if let to { filterQuery.append("to=\(to)") }
        if !region.isEmpty { filterQuery.append("region=\(region)") }
        let next = open.nextAfter.map { "/me/activities?" + (filterQuery + ["after=\($0)"]).joined(separator: "&") }
        let page = Page(activities: rows, signUps: signUpRows, categories: categories, from: from?.description ?? "",
                        to: to?.description ?? "", region: region, next: next, error: error)
        return renderer.render("me/activities", title: renderer.text("nav_sign_up", context.language), page: page, context: context,
                               status: error == nil ? .ok : .conflict)
    }

    func signUp(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        do {
            _ = try await ledger.signUp(activityId: try context.pathID(), by: principal)
            return WebRedirect.to("/me/activities#my-sign-ups")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await activities(request, context, error: BilingualText.pick(error.message, context.language))
        }
    }

    func cancel(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        do {
            _ = try await ledger.cancelSignUp(id: try context.pathID(), by: principal)
            return WebRedirect.to("/me/activities#my-sign-ups")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await activities(request, context, error: BilingualText.pick(error.message, context.language))
        }
    }
}
