import Foundation
import Hummingbird
import LedgerCore

/// Recruitment and sign-up (招募报名): staff open an activity for sign-up and decide the sign-ups; volunteers
/// browse open activities, sign up and withdraw.
struct SignUpRoutes {
    let ledger: Ledger

    struct RecruitmentBodyInput: Decodable {
        var audience: RecruitmentAudience
        var capacity: Int
        var deadline: Date
        var requiredSkills: [String]?
    }

    struct DecisionInput: Decodable {
        var decision: SignUpDecision
        var reason: String?
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.get("open-activities") { request, context -> ListBody<OpenActivityBody> in
            let principal = try context.requirePrincipal()
            let zone = TimeZone.ledgerDefault
            let category = try request.uri.queryParameters.get("category").flatMap { text -> ServiceCategory? in
                guard !text.isEmpty else { return nil }
                guard let category = ServiceCategory(rawValue: text) else {
                    throw LedgerError.invalidField(field: "category", reason: "未知的服务类别 / unknown service category")
                }
                return category
            }
            let filter = OpenActivityFilter(
                now: Date(), category: category,
                startsFrom: try request.queryDate("from")?.startOfDay(in: zone),
                startsBefore: try request.queryDate("to")?.adding(days: 1).startOfDay(in: zone),
                regionPrefix: request.uri.queryParameters.get("region").flatMap { $0.isEmpty ? nil : String($0) })
            let page = try await ledger.openActivities(filter, after: try request.cursor(), limit: try request.queryInt("limit"),
                                                       by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.activity.organizationId)))
            return ListBody(items: page.items.map { OpenActivityBody($0, zones[$0.activity.organizationId] ?? .ledgerDefault) },
                            nextCursor: Cursor.encode(page.nextAfter))
        }
        api.get("activities/:id/recruitment") { _, context -> OpenActivityBody in
            let principal = try context.requirePrincipal()
            return try await body(try await ledger.recruitment(activityId: try context.id(), by: principal))
        }
        api.put("activities/:id/recruitment") { request, context -> OpenActivityBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: RecruitmentBodyInput.self, context: context)
            let id = try context.id()
            _ = try await ledger.openForSignUp(activityId: id, RecruitmentInput(
                audience: input.audience, capacity: input.capacity, deadline: input.deadline,
                requiredSkills: input.requiredSkills ?? []), by: principal)
            return try await body(try await ledger.recruitment(activityId: id, by: principal))
        }
        api.post("activities/:id/sign-ups") { _, context -> EditedResponse<SignUpBody> in
            let principal = try context.requirePrincipal()
            let signUp = try await ledger.signUp(activityId: try context.id(), by: principal)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/sign-ups/\(signUp.id)"], response: try await body(signUp))
        }
        api.get("sign-ups") { request, context -> ListBody<SignUpBody> in
            let principal = try context.requirePrincipal()
            let after = try request.cursor()
            let limit = try request.queryInt("limit")
            if let activityId = try request.queryInt64("activity") {
                let page = try await ledger.signUps(activityId: activityId, after: after, limit: limit, by: principal)
                let zones = try await ledger.timeZones(of: Set(page.items.map(\.signUp.organizationId)))
                return ListBody(items: page.items.map {
                    SignUpBody($0.signUp, zones[$0.signUp.organizationId] ?? .ledgerDefault, number: $0.volunteerNumber, name: $0.volunteerName)
                }, nextCursor: Cursor.encode(page.nextAfter))
            }
            let page = try await ledger.ownSignUps(after: after, limit: limit, by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            return page.body { SignUpBody($0, zones[$0.organizationId] ?? .ledgerDefault) }
        }
        api.post("sign-ups/:id/cancel") { _, context -> SignUpBody in
            let principal = try context.requirePrincipal()
            return try await body(try await ledger.cancelSignUp(id: try context.id(), by: principal))
        }
        api.post("sign-ups/:id/decision") { request, context -> SignUpBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: DecisionInput.self, context: context)
            return try await body(try await ledger.decideSignUp(id: try context.id(), input.decision, reason: input.reason, by: principal))
        }
    }

    private func body(_ signUp: SignUp) async throws -> SignUpBody {
        let zones = try await ledger.timeZones(of: [signUp.organizationId])
        return SignUpBody(signUp, zones[signUp.organizationId] ?? .ledgerDefault)
    }

    private func body(_ open: OpenActivity) async throws -> OpenActivityBody {
        let zones = try await ledger.timeZones(of: [open.activity.organizationId])
        return OpenActivityBody(open, zones[open.activity.organizationId] ?? .ledgerDefault)
    }
}

struct OpenActivityBody: ResponseEncodable {
    var activity: ActivityBody
    var audience: RecruitmentAudience
    var capacity: Int
    var deadline: String
    var requiredSkills: [String]
    var placesTaken: Int
    var placesLeft: Int
    var waiting: Int

    init(_ o: OpenActivity, _ zone: TimeZone) {
        activity = ActivityBody(o.activity, zone)
        audience = o.recruitment.audience
        capacity = o.recruitment.capacity
        deadline = Wire.time(o.recruitment.deadline, zone)
        requiredSkills = o.recruitment.requiredSkills
        placesTaken = o.placesTaken
        placesLeft = o.placesLeft
        waiting = o.waiting
    }
}

struct SignUpBody: ResponseEncodable {
    var id: Int64
    var activityId: Int64
    var organizationId: Int64
    var volunteerId: Int64
    /// On the roster only.
    var volunteerNumber: String?
    var volunteerName: String?
    var state: SignUpState
    var signedUpAt: String
    var updatedAt: String
    var decidedBy: Int64?
    var reason: String?

    init(_ s: SignUp, _ zone: TimeZone, number: String? = nil, name: String? = nil) {
        id = s.id
        activityId = s.activityId
        organizationId = s.organizationId
        volunteerId = s.volunteerId
        volunteerNumber = number
        volunteerName = name
        state = s.state
        signedUpAt = Wire.time(s.signedUpAt, zone)
        updatedAt = Wire.time(s.updatedAt, zone)
        decidedBy = s.decidedBy
        reason = s.reason
    }
}
