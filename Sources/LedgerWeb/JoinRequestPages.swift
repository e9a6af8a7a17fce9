import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// Joining organizations on the web: the organization's staff decide the requests (`/org/join-requests`); a volunteer sees
/// their organizations and requests (`/me/organizations`), asks to join again, withdraws a request or leaves.
struct JoinRequestPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/join-requests") { request, context in try await staffList(request, context, error: nil) }
        pages.post("/org/join-requests/:id/decision") { request, context in try await decide(request, context) }
        pages.get("/me/organizations") { request, context in try await volunteerPage(request, context, error: nil) }
        pages.post("/me/organizations/:id/join") { request, context in try await askAgain(request, context) }
        pages.post("/me/organizations/:id/leave") { request, context in try await leave(request, context) }
        pages.post("/me/join-requests/:id/withdraw") { request, context in try await withdraw(request, context) }
    }

    struct StaffRow {
        var id: Int64
        var name: String
        var number: String
        var note: String?
        var requestedAt: String
    }

    struct StaffPage {
        var requests: [StaffRow]
        var next: String?
        var error: String?
        var errorRequest: Int64?
    }

    func staffList(_ request: Request, _ context: WebRequestContext, error: String?, errorRequest: Int64? = nil,
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let scope = try StaffScope(context)
        let after = try Self.after(request)
        let zone = try await scope.timeZone(ledger)
        let page = try await ledger.joinRequests(organizationId: scope.organizationId, state: .pending, after: after, limit: 50,
                                                 by: scope.principal)
        let rows = page.items.map {
            StaffRow(id: $0.request.id, name: $0.volunteerName, number: $0.volunteerNumber, note: $0.request.note.isEmpty ? nil : $0.request.note,
                     requestedAt: PageFormat.time($0.request.requestedAt, zone))
        }
        return renderer.render("org/join-requests", title: renderer.text("nav_join_requests", context.language),
                               page: StaffPage(requests: rows, next: page.nextAfter.map { "/org/join-requests?after=\($0)" }, error: error,
                                               errorRequest: errorRequest),
                               context: context, status: status)
    }

    func decide(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        guard let decision = JoinRequestDecision(rawValue: context.form["decision"] ?? "") else {
            return try await staffList(request, context, error: renderer.text("error_decision", context.language), errorRequest: id,
                                       status: .badRequest)
        }
        do {
            _ = try await ledger.decideJoinRequest(id: id, decision, reason: context.form["reason"], by: scope.principal)
            return WebRedirect.to("/org/join-requests#decided-\(id)")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await staffList(request, context, error: BilingualText.pick(error.message, context.language), errorRequest: id,
                                       status: error.httpStatus)
        }
    }

    struct MembershipRow {
        var organizationId: Int64
        var name: String
        var joinedAt: String
    }

    struct RequestRow {
        var id: Int64
        var organization: String
        var state: String
        var stateClass: String
        var requestedAt: String
        var reason: String?
        var pending: Bool
    }

    struct EndedRow {
        var organizationId: Int64
        var name: String
        var joinedAt: String
        var leftAt: String
        var mayAsk: Bool
    }

    struct VolunteerPage {
        var memberships: [MembershipRow]
        var requests: [RequestRow]
        var ended: [EndedRow]
        var nextRequests: String?
        var error: String?
    }

    func volunteerPage(_ request: Request, _ context: WebRequestContext, error: String?,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, volunteerId) = try context.requireVolunteer()
        let zone = TimeZone.ledgerDefault
        var names: [Int64: String] = [:]
        func name(_ id: Int64) async throws -> String {
            if let name = names[id] { return name }
            let name = try await ledger.organization(id: id, by: principal).name
            names[id] = name
            return name
        }
        let memberships = try await ledger.memberships(volunteerId: volunteerId, by: principal)
        var membershipRows: [MembershipRow] = []
        for membership in memberships {
            membershipRows.append(MembershipRow(organizationId: membership.organizationId, name: try await name(membership.organizationId),
                                                joinedAt: PageFormat.time(membership.joinedAt, zone)))
        }
        let requests = try await ledger.ownJoinRequests(after: try Self.after(request), limit: 50, by: principal)
        let pendingOrganizations = Set(requests.items.filter { $0.request.state == .pending }.map(\.request.organizationId))
        let requestRows = requests.items.reversed().map { entry in
            RequestRow(id: entry.request.id, organization: entry.organizationName,
                       state: renderer.text("join_state_\(entry.request.state.rawValue)", context.language), stateClass: entry.request.state.rawValue,
                       requestedAt: PageFormat.time(entry.request.requestedAt, zone), reason: entry.request.reason,
                       pending: entry.request.state == .pending)
        }
        let members = Set(memberships.map(\.organizationId))
        var endedRows: [EndedRow] = []
        for ending in try await ledger.ownMembershipEndings(after: nil, limit: 50, by: principal).items {
            endedRows.append(EndedRow(organizationId: ending.organizationId, name: try await name(ending.organizationId),
                                      joinedAt: PageFormat.time(ending.joinedAt, zone), leftAt: PageFormat.time(ending.leftAt, zone),
                                      mayAsk: !members.contains(ending.organizationId) && !pendingOrganizations.contains(ending.organizationId)))
        }
        let page = VolunteerPage(memberships: membershipRows, requests: requestRows, ended: endedRows,
                                 nextRequests: requests.nextAfter.map { "/me/organizations?after=\($0)" }, error: error)
        return renderer.render("me/organizations", title: renderer.text("nav_my_organizations", context.language), page: page,
                               context: context, status: status)
    }

    func askAgain(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        do {
            _ = try await ledger.askToJoin(organizationId: try context.pathID(), note: context.form["note"], by: principal)
            return WebRedirect.to("/me/organizations#join-requests")
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput {
            return try await volunteerPage(request, context, error: BilingualText.pick(error.message, context.language), status: error.httpStatus)
        }
    }

    func leave(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        _ = try await ledger.leaveOrganization(organizationId: try context.pathID(), by: principal)
        return WebRedirect.to("/me/organizations#ended")
    }

    func withdraw(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        do {
            _ = try await ledger.withdrawJoinRequest(id: try context.pathID(), by: principal)
            return WebRedirect.to("/me/organizations#join-requests")
        } catch let error as LedgerError where error.kind == .conflict {
            return try await volunteerPage(request, context, error: BilingualText.pick(error.message, context.language), status: error.httpStatus)
        }
    }

    /// The `after` id of a paged list: a positive integer, or absent.
    static func after(_ request: Request) throws -> Int64? {
        guard let text = request.uri.queryParameters.get("after"), !text.isEmpty else { return nil }
        guard text.count <= 19, let id = Int64(text), id > 0 else {
            throw LedgerError.invalidField(field: "after", reason: "必须是正整数 / must be a positive integer")
        }
        return id
    }
}
