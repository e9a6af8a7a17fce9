import Foundation
import Hummingbird
import LedgerCore

/// On-site check-in and check-out (现场签到/签退) by an organization's staff.
struct CheckInRoutes {
    let ledger: Ledger

    struct CheckInInput: Decodable {
        var volunteerNumber: String
    }

    struct CheckOutInput: Decodable {
        /// Actual service minutes, when less than the stay (a break, say); default: the whole stay.
        var minutes: Int?
        var note: String?
    }

    struct CancelInput: Decodable {
        var reason: String
    }

    /// A self check-in or check-out: the code of the attendance screen, and where the phone was.
    struct SelfCheckInInput: Decodable {
        var code: String
        var latitude: Double?
        var longitude: Double?
        var accuracy: Double?

        func position() throws -> GeoPosition? {
            try GeoPosition.checked(latitude: latitude, longitude: longitude, accuracy: accuracy)
        }
    }

    struct SiteInput: Decodable {
        var latitude: Double
        var longitude: Double
        var radius: Int
        var presenceRequired: Bool?
    }

    struct AttendanceCodeBody: ResponseEncodable {
        var code: String
        var url: String
        var expiresAt: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("activities/:id/check-ins") { request, context -> EditedResponse<CheckInBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: CheckInInput.self, context: context)
            let checkIn = try await ledger.checkIn(volunteerNumber: input.volunteerNumber, activityId: try context.id(), by: principal)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/check-ins/\(checkIn.id)"],
                                  response: try await body(checkIn))
        }
        api.get("activities/:id/check-ins") { request, context -> ListBody<CheckInBody> in
            let principal = try context.requirePrincipal()
            let page = try await ledger.checkIns(activityId: try context.id(), after: try request.cursor(),
                                                 limit: try request.queryInt("limit"), by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            return page.body { CheckInBody($0, zones[$0.organizationId] ?? .ledgerDefault) }
        }
        api.get("check-ins/:id") { _, context -> CheckInBody in
            let principal = try context.requirePrincipal()
            return try await body(try await ledger.checkIn(id: try context.id(), by: principal))
        }
        api.post("check-ins/:id/check-out") { request, context -> CheckOutBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: CheckOutInput.self, context: context)
            let (checkIn, record) = try await ledger.checkOut(checkInId: try context.id(), minutes: input.minutes, note: input.note,
                                                              by: principal)
            let zone = try await ledger.timeZones(of: [checkIn.organizationId])[checkIn.organizationId] ?? .ledgerDefault
            return CheckOutBody(checkIn: CheckInBody(checkIn, zone), record: RecordBody(record, zone))
        }
        api.put("activities/:id/site") { request, context -> ActivityBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: SiteInput.self, context: context)
            let activity = try await ledger.setActivitySite(activityId: try context.id(), ActivitySite(
                latitude: input.latitude, longitude: input.longitude, radius: input.radius, presenceRequired: input.presenceRequired ?? false),
                by: principal)
            let zone = try await ledger.timeZones(of: [activity.organizationId])[activity.organizationId] ?? .ledgerDefault
            return ActivityBody(activity, zone)
        }
        api.delete("activities/:id/site") { _, context -> ActivityBody in
            let principal = try context.requirePrincipal()
            let activity = try await ledger.setActivitySite(activityId: try context.id(), nil, by: principal)
            let zone = try await ledger.timeZones(of: [activity.organizationId])[activity.organizationId] ?? .ledgerDefault
            return ActivityBody(activity, zone)
        }
        api.get("activities/:id/attendance-code") { _, context -> AttendanceCodeBody in
            let principal = try context.requirePrincipal()
            let code = try await ledger.attendanceCode(activityId: try context.id(), by: principal)
            let zone = try await ledger.timeZones(of: [code.organizationId])[code.organizationId] ?? .ledgerDefault
            return AttendanceCodeBody(code: code.code, url: code.url, expiresAt: Wire.time(code.expiresAt, zone))
        }
        api.post("activities/:id/self-check-in") { request, context -> EditedResponse<CheckInBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: SelfCheckInInput.self, context: context)
            let (checkIn, isNew) = try await ledger.selfCheckIn(activityId: try context.id(), code: input.code,
                                                                position: try input.position(), by: principal)
            return EditedResponse(status: isNew ? .created : .ok, headers: [.location: "/api/v1/check-ins/\(checkIn.id)"],
                                  response: try await body(checkIn))
        }
        api.post("activities/:id/self-check-out") { request, context -> CheckOutBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: SelfCheckInInput.self, context: context)
            let (checkIn, record) = try await ledger.selfCheckOut(activityId: try context.id(), code: input.code,
                                                                  position: try input.position(), by: principal)
            let zone = try await ledger.timeZones(of: [checkIn.organizationId])[checkIn.organizationId] ?? .ledgerDefault
            return CheckOutBody(checkIn: CheckInBody(checkIn, zone), record: RecordBody(record, zone))
        }
        api.post("check-ins/:id/cancel") { request, context -> CheckInBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: CancelInput.self, context: context)
            return try await body(try await ledger.cancelCheckIn(id: try context.id(), reason: input.reason, by: principal))
        }
    }

    private func body(_ checkIn: CheckIn) async throws -> CheckInBody {
        let zones = try await ledger.timeZones(of: [checkIn.organizationId])
        return CheckInBody(checkIn, zones[checkIn.organizationId] ?? .ledgerDefault)
    }
}

struct CheckInBody: ResponseEncodable {
    var id: Int64
    var activityId: Int64
    var organizationId: Int64
    var volunteerId: Int64
    var checkedInAt: String
    var checkedInBy: Int64?
    var state: CheckInState
    var closedAt: String?
    var closedBy: Int64?
    var recordId: Int64?
    var cancelReason: String?
    var method: CheckInMethod
    var position: GeoPosition?
    var offSite: Bool
    var checkOutPosition: GeoPosition?
    var checkOutOffSite: Bool

    init(_ c: CheckIn, _ zone: TimeZone) {
        id = c.id
        activityId = c.activityId
        organizationId = c.organizationId
        volunteerId = c.volunteerId
        checkedInAt = Wire.time(c.checkedInAt, zone)
        checkedInBy = c.checkedInBy
        state = c.state
        closedAt = c.closedAt.map { Wire.time($0, zone) }
        closedBy = c.closedBy
        recordId = c.recordId
        cancelReason = c.cancelReason
        method = c.method
        position = c.position
        offSite = c.offSite
        checkOutPosition = c.checkOutPosition
        checkOutOffSite = c.checkOutOffSite
    }
}

struct CheckOutBody: ResponseEncodable {
    var checkIn: CheckInBody
    var record: RecordBody
}
