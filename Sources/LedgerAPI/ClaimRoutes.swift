import Foundation
import Hummingbird
import LedgerCore

/// Hour claims (补录申请): volunteers claim hours nothing recorded, with an optional image of the paper sign-in sheet;
/// stays of check-ins nobody checked out wait among them (origin `auto_close`); staff of the activity's organization approve
/// them (one record, source `claim`, with adjusted minutes if need be) or reject them; the volunteer may ask for a correction.
struct ClaimRoutes {
    let ledger: Ledger

    struct ClaimInput: Decodable {
        var activityId: Int64
        var start: Date
        var end: Date
        var minutes: Int?
        var note: String
        /// The image, base64 (at most 2 MiB once decoded).
        var evidence: String?
    }

    struct DecisionInput: Decodable {
        var decision: ClaimDecision
        var reason: String?
        /// Minutes of actual service when staff adjust an approval (at most the claim's span).
        var minutes: Int?
    }

    struct CorrectionInput: Decodable {
        var note: String
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("hours-claims") { request, context -> EditedResponse<ClaimBody> in
            let principal = try context.requirePrincipal()
            // Larger than other JSON bodies: it may carry an image.
            let bytes = try await request.body.collect(upTo: (ClaimEvidence.maximumSize / 3 + 1) * 4 + 64 * 1024)
            let input: ClaimInput
            do { input = try StrictJSONDecoder(Self.decoder).decode(ClaimInput.self, from: Data(buffer: bytes)) } catch let error as LedgerError {
                throw error  // an undeclared field, named
            } catch {
                throw HTTPError(.badRequest, message: "请求体不是有效的补录申请 JSON / the body is not a valid hours-claim JSON object")
            }
            let evidence = try input.evidence.map { text -> [UInt8] in
                guard let data = Data(base64Encoded: text) else {
                    throw LedgerError.invalidField(field: "evidence", reason: "须为 base64 编码的图片 / must be a base64-encoded image")
                }
                return [UInt8](data)
            }
            let claim = try await ledger.submitHoursClaim(HoursClaimInput(
                activityId: input.activityId, start: input.start, end: input.end, minutes: input.minutes, note: input.note,
                evidence: evidence), by: principal)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/hours-claims/\(claim.id)"], response: try await body(claim))
        }
        api.get("hours-claims") { request, context -> ListBody<ClaimBody> in
            let principal = try context.requirePrincipal()
            let state = try request.uri.queryParameters.get("state").flatMap { text -> HoursClaimState? in
                guard !text.isEmpty else { return nil }
                guard let state = HoursClaimState(rawValue: String(text)) else {
                    throw LedgerError.invalidField(field: "state", reason: "须为 pending、approved 或 rejected / must be pending, approved or rejected")
                }
                return state
            }
            let page = try await ledger.hoursClaims(state: state, after: try request.cursor(), limit: try request.queryInt("limit"), by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            return ListBody(items: page.items.map { ClaimBody($0, zones[$0.organizationId] ?? .ledgerDefault) }, nextCursor: Cursor.encode(page.nextAfter))
        }
        api.post("hours-claims/:id/decision") { request, context -> ClaimBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: DecisionInput.self, context: context)
            return try await body(try await ledger.decideHoursClaim(id: try context.id(), input.decision, reason: input.reason,
                                                                    minutes: input.minutes, by: principal))
        }
        api.post("hours-claims/:id/correction") { request, context -> ClaimBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: CorrectionInput.self, context: context)
            return try await body(try await ledger.requestClaimCorrection(id: try context.id(), note: input.note, by: principal))
        }
        api.get("hours-claims/:id/evidence") { _, context -> Response in
            let principal = try context.requirePrincipal()
            let evidence = try await ledger.claimEvidence(claimId: try context.id(), by: principal)
            return Response(status: .ok, headers: [.contentType: evidence.contentType, .cacheControl: "private, max-age=86400",
                                                   .init("X-Content-Type-Options")!: "nosniff"],
                            body: .init(byteBuffer: ByteBuffer(bytes: evidence.bytes)))
        }
    }

    private func body(_ claim: HoursClaim) async throws -> ClaimBody {
        let zones = try await ledger.timeZones(of: [claim.organizationId])
        return ClaimBody(claim, zones[claim.organizationId] ?? .ledgerDefault)
    }
}

struct ClaimBody: ResponseEncodable {
    var id: Int64
    var activityId: Int64
    var organizationId: Int64
    var volunteerId: Int64
    var start: String
    var end: String
    var minutes: Int
    var hours: String
    var note: String
    var hasEvidence: Bool
    var isLate: Bool
    var state: HoursClaimState
    var submittedAt: String
    var decidedAt: String?
    var decidedBy: Int64?
    var reason: String?
    var recordId: Int64?
    var origin: ClaimOrigin
    var checkInId: Int64?
    var correction: String?

    init(_ c: HoursClaim, _ zone: TimeZone) {
        id = c.id
        activityId = c.activityId
        organizationId = c.organizationId
        volunteerId = c.volunteerId
        start = Wire.time(c.startAt, zone)
        end = Wire.time(c.endAt, zone)
        minutes = c.minutes
        hours = HoursFormat.hours(fromMinutes: c.minutes)
        note = c.note
        hasEvidence = c.evidenceHash != nil
        isLate = c.isLate
        state = c.state
        submittedAt = Wire.time(c.submittedAt, zone)
        decidedAt = c.decidedAt.map { Wire.time($0, zone) }
        decidedBy = c.decidedBy
        reason = c.reason
        recordId = c.recordId
        origin = c.origin
        checkInId = c.checkInId
        correction = c.correction
    }
}
