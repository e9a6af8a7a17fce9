import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// The public activity search (`/activities`) and an activity's public page (`/activities/{id}`), without a login. Signing
/// up goes through the login (or registration) and back to the activity; there a volunteer signs up, or asks to join
/// the organization.
struct PublicActivityPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/activities") { request, context in try await search(request, context) }
        pages.get("/activities/:id") { _, context in try await activity(context, error: nil) }
        pages.post("/activities/:id/sign-up") { _, context in try await signUp(context) }
        pages.post("/activities/:id/join") { _, context in try await askToJoin(context) }
    }

    struct ResultRow {
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
    }

    struct SearchPage {
        var q: String
        var categories: [Choice]
        var region: String
        var from: String
        var to: String
        var available: Bool
        var results: [ResultRow]
        var next: String?
        var error: String?
        var signedIn: Bool
    }

    func search(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let language = context.language
        let selectedCategory = query.get("category").map { String($0) } ?? ""
        var categories = [Choice(value: "", label: renderer.text("all_categories", language), selected: selectedCategory.isEmpty)]
        categories += ServiceCategory.allCases.map { Choice(value: $0.rawValue, label: categoryLabel($0, language), selected: $0.rawValue == selectedCategory) }
        var page = SearchPage(q: String((query.get("q") ?? "").prefix(Ledger.maximumKeywordLength)), categories: categories,
                              region: String((query.get("region") ?? "").prefix(12)), from: String((query.get("from") ?? "").prefix(10)),
                              to: String((query.get("to") ?? "").prefix(10)), available: ["1", "true", "on"].contains(query.get("available") ?? ""),
                              results: [], next: nil, error: nil, signedIn: context.principal != nil)
        do {
            let filter = try PublicActivityFilter.parse(query)
            let cursor = try PublicActivityCursor.parse(query.get("after").map { String($0) })
            let found = try await ledger.publicActivities(filter, after: cursor, limit: 20)
            page.results = found.items.map { item in
                let zone = item.timeZone
                return ResultRow(id: item.activity.id, title: item.activity.title, organization: item.organizationName,
                                 category: categoryLabel(item.activity.category, language), place: item.activity.place,
                                 time: PageFormat.span(item.activity, zone), deadline: PageFormat.time(item.recruitment.deadline, zone),
                                 places: "\(item.placesLeft) / \(item.recruitment.capacity)", waiting: item.waiting, full: item.placesLeft == 0)
            }
            if let next = found.next {
                var items: [URLQueryItem] = []
                for name in ["q", "category", "region", "from", "to", "available"] {
                    if let value = query.get(name), !value.isEmpty { items.append(URLQueryItem(name: name, value: String(value.prefix(100)))) }
                }
                items.append(URLQueryItem(name: "after", value: next.text))
                var components = URLComponents()
                components.path = "/activities"
                components.queryItems = items
                page.next = components.string
            }
        } catch let error as LedgerError where error.kind == .invalidInput {
            page.error = BilingualText.pick(error.message, language)
        }
        return renderer.render("activities", title: renderer.text("public_activities", language), page: page, context: context,
                               status: page.error == nil ? .ok : .badRequest)
    }

    struct ActivityPage {
        var id: Int64
        var title: String
        var organization: String
        var organizationId: Int64
        var category: String
        var place: String
        var time: String
        var zone: String
        var deadline: String
        var places: String
        var waiting: Int
        var full: Bool
        var open: Bool
        var membersOnly: Bool
        var skills: String?
        var content: String
        /// Not signed in: links to log in or register and come back here.
        var loginHref: String?
        var registerHref: String?
        /// A volunteer: may sign up, or their sign-up's state.
        var volunteer: Bool
        var mySignUp: String?
        var mayAskToJoin: Bool
        var joinPending: Bool
        var isMember: Bool
        var signedUp: Bool
        var asked: Bool
        var error: String?
    }

    func activity(_ context: WebRequestContext, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let id = try context.pathID()
        let item = try await ledger.publicActivity(id: id)
        let language = context.language, zone = item.timeZone
        let back = "/activities/\(id)"
        let encodedBack = back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        var page = ActivityPage(
            id: id, title: item.activity.title, organization: item.organizationName, organizationId: item.activity.organizationId,
            category: categoryLabel(item.activity.category, language), place: item.activity.place, time: PageFormat.span(item.activity, zone),
            zone: item.timeZoneIdentifier, deadline: PageFormat.time(item.recruitment.deadline, zone),
            places: "\(item.placesLeft) / \(item.recruitment.capacity)", waiting: item.waiting, full: item.placesLeft == 0,
            open: item.openNow, membersOnly: item.recruitment.audience == .members,
            skills: item.recruitment.requiredSkills.isEmpty ? nil : item.recruitment.requiredSkills.joined(separator: "、"),
            content: item.activity.content, loginHref: nil, registerHref: nil, volunteer: false, mySignUp: nil, mayAskToJoin: false,
            joinPending: false, isMember: false, signedUp: false, asked: false, error: error)
        if let principal = context.principal {
            if principal.role == .volunteer {
                page.volunteer = true
                page.mySignUp = try await ledger.ownActiveSignUp(activityId: id, by: principal)
                    .map { renderer.text("sign_up_\($0.state.rawValue)", language) }
                let standing = try await ledger.joinStanding(organizationId: item.activity.organizationId, by: principal)
                page.mayAskToJoin = standing.mayAsk
                page.joinPending = standing.pending != nil
                page.isMember = standing.isMember
            }
        } else {
            page.loginHref = "/login?next=" + encodedBack
            page.registerHref = "/register?next=" + encodedBack
        }
        return renderer.render("activity", title: item.activity.title, page: page, context: context, status: status)
    }

    func signUp(_ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let id = try context.pathID()
        do {
            _ = try await ledger.signUp(activityId: id, by: principal)
            return WebRedirect.to("/activities/\(id)#my-sign-up")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput || error.kind == .forbidden {
            return try await activity(context, error: BilingualText.pick(error.message, context.language), status: error.httpStatus)
        }
    }

    func askToJoin(_ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let id = try context.pathID()
        let item = try await ledger.publicActivity(id: id)
        do {
            _ = try await ledger.askToJoin(organizationId: item.activity.organizationId, note: context.form["note"], by: principal)
            return WebRedirect.to("/activities/\(id)#join")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await activity(context, error: BilingualText.pick(error.message, context.language), status: error.httpStatus)
        }
    }

    func categoryLabel(_ category: ServiceCategory, _ language: PageLanguage) -> String {
        language == .chinese ? category.chineseLabel : renderer.text("cat_\(category.rawValue)", language)
    }
}
