import Foundation
import Hummingbird
import LedgerCore

/// Joining an organization (申请加入): a volunteer asks, withdraws or leaves; the organization's staff list the requests
/// and accept or decline them.
struct JoinRequestRoutes {
    let ledger: Ledger

    struct AskInput: Decodable {
        var note: String?
    }

    struct DecisionInput: Decodable {
        var decision: JoinRequestDecision
        var reason: String?
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organizations/:id/join-requests") { request, context -> EditedResponse<JoinRequestBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: AskInput.self, context: context)
            let stored = try await ledger.askToJoin(organizationId: try context.id(), note: input.note, by: principal)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/join-requests/\(stored.id)"],
                                  response: JoinRequestBody(stored))
        }
        api.get("organizations/:id/join-requests") { request, context -> ListBody<JoinRequestBody> in
            let principal = try context.requirePrincipal()
            let state = try Self.state(request.uri.queryParameters.raw("state"))
            let page = try await ledger.joinRequests(organizationId: try context.id(), state: state, after: try request.cursor(),
                                                     limit: try request.queryInt("limit"), by: principal)
            return page.body { JoinRequestBody($0.request, number: $0.volunteerNumber, name: $0.volunteerName) }
        }
        api.post("organizations/:id/leave") { _, context -> MembershipEndingBody in
            let principal = try context.requirePrincipal()
            return MembershipEndingBody(try await ledger.leaveOrganization(organizationId: try context.id(), by: principal))
        }
        api.get("join-requests") { request, context -> ListBody<JoinRequestBody> in
            let principal = try context.requirePrincipal()
            let page = try await ledger.ownJoinRequests(after: try request.cursor(), limit: try request.queryInt("limit"), by: principal)
            return page.body { JoinRequestBody($0.request, organizationName: $0.organizationName) }
        }
        api.get("join-requests/:id") { _, context -> JoinRequestBody in
            let principal = try context.requirePrincipal()
            return JoinRequestBody(try await ledger.joinRequest(id: try context.id(), by: principal))
        }
        api.post("join-requests/:id/decision") { request, context -> JoinRequestBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: DecisionInput.self, context: context)
            return JoinRequestBody(try await ledger.decideJoinRequest(id: try context.id(), input.decision, reason: input.reason, by: principal))
        }
        api.post("join-requests/:id/withdraw") { _, context -> JoinRequestBody in
            let principal = try context.requirePrincipal()
            return JoinRequestBody(try await ledger.withdrawJoinRequest(id: try context.id(), by: principal))
        }
    }

    /// `pending` (the default), `accepted`, `declined`, `withdrawn`, or `all`.
    static func state(_ text: String?) throws -> JoinRequestState? {
        guard let text, !text.isEmpty else { return .pending }
        if text == "all" { return nil }
        guard let state = JoinRequestState(rawValue: text) else {
            throw LedgerError.invalidField(field: "state", reason: "须为 pending、accepted、declined、withdrawn 或 all / must be pending, accepted, declined, withdrawn or all")
        }
        return state
    }
}

struct JoinRequestBody: ResponseEncodable {
    var id: Int64
    var organizationId: Int64
    var volunteerId: Int64
    /// On the organization's list only.
    var volunteerNumber: String?
    var volunteerName: String?
    /// On the volunteer's own list only.
    var organizationName: String?
    var note: String
    var state: JoinRequestState
    var requestedAt: String
    var decidedAt: String?
    var decidedBy: Int64?
    var reason: String?

    init(_ r: JoinRequest, number: String? = nil, name: String? = nil, organizationName: String? = nil) {
        id = r.id
        organizationId = r.organizationId
        volunteerId = r.volunteerId
        volunteerNumber = number
        volunteerName = name
        self.organizationName = organizationName
        note = r.note
        state = r.state
        requestedAt = Wire.time(r.requestedAt, .ledgerDefault)
        decidedAt = r.decidedAt.map { Wire.time($0, .ledgerDefault) }
        decidedBy = r.decidedBy
        reason = r.reason
    }
}

struct MembershipEndingBody: ResponseEncodable {
    var organizationId: Int64
    var volunteerId: Int64
    var joinedAt: String
    var leftAt: String

    init(_ e: MembershipEnding) {
        organizationId = e.organizationId
        volunteerId = e.volunteerId
        joinedAt = Wire.time(e.joinedAt, .ledgerDefault)
        leftAt = Wire.time(e.leftAt, .ledgerDefault)
    }
}
