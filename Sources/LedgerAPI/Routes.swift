import Foundation
import Hummingbird
import LedgerCore
import Logging

/// Builds the router: JSON API under /api/v1, health and the OpenAPI document. `certificateBatches` runs the
/// batches of certificates; the web pages share it, so a batch started on either is seen on both.
public func buildRouter(ledger: Ledger, certificateBatches: CertificateBatchJobs = CertificateBatchJobs(),
                        regions: RegionCodes = RegionCodes()) -> Router<LedgerRequestContext> {
    let router = Router(context: LedgerRequestContext.self)
    router.addMiddleware {
        RequestLogMiddleware()
        // Requests by route template, method and status, with their latency (swift-metrics).
        MetricsMiddleware()
        // Reads on a replica include the caller's own writes (Ledger-Read-After, Ledger-Write-Position).
        ReadConsistencyMiddleware()
        ProblemMiddleware()
        AuthenticationMiddleware(ledger: ledger)
    }
    router.get("/healthz") { _, _ in
        try await ledger.store.read { _ in () }
        return "ok"
    }
    router.get("/openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
    let api = router.group("api/v1")
    AccountRoutes(ledger: ledger).register(on: api)
    AuditVerificationRoutes(ledger: ledger).register(on: api)
    StatisticsRoutes(ledger: ledger, regions: regions).register(on: api)
    SecurityLogRoutes(ledger: ledger).register(on: api)
    VerificationCodeRoutes(ledger: ledger).register(on: api)
    OrganizationRoutes(ledger: ledger).register(on: api)
    VolunteerRoutes(ledger: ledger).register(on: api)
    ActivityRoutes(ledger: ledger).register(on: api)
    RecordRoutes(ledger: ledger).register(on: api)
    CheckInRoutes(ledger: ledger).register(on: api)
    SignUpRoutes(ledger: ledger).register(on: api)
    PublicActivityRoutes(ledger: ledger).register(on: api)
    JoinRequestRoutes(ledger: ledger).register(on: api)
    ResidentRoutes(ledger: ledger).register(on: api)
    OrganizationApplicationRoutes(ledger: ledger).register(on: api)
    ClaimRoutes(ledger: ledger).register(on: api)
    ImportExportRoutes(ledger: ledger).register(on: api)
    SpotCheckRoutes(ledger: ledger).register(on: api, router: router)
    let certificates = CertificateRoutes(ledger: ledger)
    certificates.registerPublic(on: router)
    certificates.register(on: api)
    CertificateBatchRoutes(ledger: ledger, jobs: certificateBatches).register(on: api)
    if let log = ledger.transparencyLog {
        let logRoutes = LogRoutes(ledger: ledger, log: log)
        logRoutes.registerPublic(on: router)
        logRoutes.register(on: api)
    }
    return router
}

/// The served OpenAPI 3.1 document (Sources/LedgerAPI/openapi.json).
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return Array("{}".utf8) }
        return Array(data)
    }()
}

/// Builds the application that serves `ledger` on `host`:`port`.
public func buildApplication(ledger: Ledger, host: String, port: Int, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(ledger: ledger),
        configuration: .init(address: .hostname(host, port: port), serverName: "vledger"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}

struct AccountRoutes {
    let ledger: Ledger

    struct LoginInput: Decodable {
        var username: String
        var password: String
    }

    struct RedeemInput: Decodable {
        var code: String
        var documentNumber: String
        var username: String
        var password: String
    }

    struct InvitationBody: ResponseEncodable {
        var id: Int64
        var volunteerId: Int64
        /// Shown once: only its hash is stored.
        var code: String
        var url: String
        var expiresAt: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("auth/login") { request, context -> LoginBody in
            let input = try await request.decode(as: LoginInput.self, context: context)
            let grant: LoginGrant
            do {
                grant = try await ledger.login(username: input.username, password: input.password, clientAddress: context.clientAddress,
                                              userAgent: request.headers[.userAgent])
            } catch let error as LedgerError {
                // Attempts are logged with the name tried and the address, never the password.
                context.logger.notice("login refused", metadata: ["username": "\(input.username.prefix(64))", "reason": "\(error.code)",
                                                                  "address": "\(context.clientAddress ?? "-")"])
                throw error
            }
            return LoginBody(token: grant.token, expiresAt: Wire.time(grant.expiresAt, .ledgerDefault),
                             account: AccountBody(grant.account))
        }
        api.post("volunteers/:id/invitations") { _, context -> EditedResponse<InvitationBody> in
            let principal = try context.requirePrincipal()
            let issued = try await ledger.inviteVolunteer(volunteerId: try context.id(), by: principal)
            return EditedResponse(status: .created, response: InvitationBody(
                id: issued.invitation.id, volunteerId: issued.invitation.volunteerId, code: issued.code, url: issued.url,
                expiresAt: Wire.time(issued.invitation.expiresAt, .ledgerDefault)))
        }
        api.post("invitations/redeem") { request, context -> EditedResponse<AccountBody> in
            let input = try await request.decode(as: RedeemInput.self, context: context)
            let account = try await ledger.redeemInvitation(code: input.code, documentNumber: input.documentNumber,
                                                            username: input.username, password: input.password,
                                                            clientAddress: context.clientAddress)
            context.logger.notice("invitation redeemed", metadata: ["username": "\(account.username)", "volunteerId": "\(account.volunteerId ?? 0)"])
            return EditedResponse(status: .created, response: AccountBody(account))
        }
        api.post("auth/logout") { request, context -> HTTPResponse.Status in
            _ = try context.requirePrincipal()
            if let token = context.bearerToken { try await ledger.revoke(token: token, origin: context.origin(request)) }
            return .noContent
        }
        api.get("me") { _, context -> AccountBody in
            let principal = try context.requirePrincipal()
            guard let userId = principal.userId,
                  let account = try await ledger.store.read({ try $0.user(id: userId) }) else {
                throw LedgerError.unauthenticated
            }
            return AccountBody(account)
        }
        api.post("users") { request, context -> EditedResponse<AccountBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: AccountInput.self, context: context)
            let account = try await ledger.createAccount(input, by: principal, origin: context.origin(request))
            return EditedResponse(status: .created, response: AccountBody(account))
        }
        api.post("holidays") { request, context -> [String: Int] in
            let principal = try context.requirePrincipal()
            let body = try await request.body.collect(upTo: 1 << 20)
            let loaded = try await ledger.loadHolidays(fileText: String(buffer: body), by: principal)
            return ["loaded": loaded]
        }
        api.get("audit/verify") { _, context -> AuditReport in
            try await ledger.verifyAuditChains(by: try context.requirePrincipal())
        }
    }
}

struct OrganizationRoutes {
    let ledger: Ledger

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organizations") { request, context -> EditedResponse<OrganizationBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: OrganizationInput.self, context: context)
            let organization = try await ledger.createOrganization(input, by: principal)
            return EditedResponse(status: .created, response: OrganizationBody(organization))
        }
        api.get("organizations") { request, context -> ListBody<OrganizationBody> in
            let principal = try context.requirePrincipal()
            let page = try await ledger.organizations(after: try request.cursor(), limit: try request.queryInt("limit"), by: principal)
            return page.body(OrganizationBody.init)
        }
        api.get("organizations/:id") { _, context -> OrganizationBody in
            let principal = try context.requirePrincipal()
            return OrganizationBody(try await ledger.organization(id: try context.id(), by: principal))
        }
        api.get("organizations/:id/settings") { _, context -> OrganizationSettingsBody in
            let principal = try context.requirePrincipal()
            return OrganizationSettingsBody(try await ledger.organizationSettings(organizationId: try context.id(), by: principal))
        }
        api.put("organizations/:id/settings") { request, context -> OrganizationSettingsBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: OrganizationSettingsBody.Input.self, context: context)
            return OrganizationSettingsBody(try await ledger.updateOrganizationSettings(
                organizationId: try context.id(), checkOutGraceMinutes: input.checkOutGraceMinutes,
                acceptsJoinRequests: input.acceptsJoinRequests, by: principal))
        }
        api.get("organizations/:id/summary") { request, context -> HoursSummaryBody in
            let principal = try context.requirePrincipal()
            let period = DayRange(from: try request.queryDate("from"), to: try request.queryDate("to"))
            return HoursSummaryBody(try await ledger.organizationSummary(
                organizationId: try context.id(), period: period, by: principal))
        }
    }
}

struct VolunteerRoutes {
    let ledger: Ledger

    struct MemberInput: Decodable {
        var volunteerNumber: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organizations/:id/volunteers") { request, context -> EditedResponse<RegistrationBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: VolunteerRegistration.self, context: context)
            let outcome = try await ledger.registerVolunteer(input, organizationId: try context.id(), by: principal)
            let body = RegistrationBody(volunteer: VolunteerBody(outcome.volunteer.presented(to: principal)),
                                        joinedExisting: outcome.joinedExisting, addedMembership: outcome.addedMembership)
            return EditedResponse(status: outcome.joinedExisting ? .ok : .created, response: body)
        }
        api.get("organizations/:id/members") { request, context -> ListBody<VolunteerBody> in
            let principal = try context.requirePrincipal()
            let page = try await ledger.members(organizationId: try context.id(), after: try request.cursor(),
                                                limit: try request.queryInt("limit"), by: principal)
            return page.body(VolunteerBody.init)
        }
        api.post("organizations/:id/members") { request, context -> VolunteerBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: MemberInput.self, context: context)
            let volunteer = try await ledger.addMember(volunteerNumber: input.volunteerNumber, organizationId: try context.id(), by: principal)
            return VolunteerBody(volunteer.presented(to: principal))
        }
        api.get("volunteers/:id") { _, context -> VolunteerBody in
            let principal = try context.requirePrincipal()
            return VolunteerBody(try await ledger.volunteer(id: try context.id(), by: principal))
        }
        api.get("volunteers/:id/memberships") { _, context -> ListBody<MembershipBody> in
            let principal = try context.requirePrincipal()
            let memberships = try await ledger.memberships(volunteerId: try context.id(), by: principal)
            return ListBody(items: memberships.map {
                MembershipBody(organizationId: $0.organizationId, volunteerId: $0.volunteerId,
                               joinedAt: Wire.time($0.joinedAt, .ledgerDefault))
            }, nextCursor: nil)
        }
        api.get("volunteers/:id/summary") { request, context -> VolunteerSummaryBody in
            let principal = try context.requirePrincipal()
            let period = DayRange(from: try request.queryDate("from"), to: try request.queryDate("to"))
            let summary = try await ledger.volunteerSummary(
                volunteerId: try context.id(), period: period, organizationId: try request.queryInt64("organization"),
                by: principal)
            return VolunteerSummaryBody(summary)
        }
    }
}

struct ActivityRoutes {
    let ledger: Ledger

    /// Hours of many volunteers on one activity, stored together or not at all.
    struct BatchRecordInput: Decodable {
        var entries: [BatchRecordEntry]
    }

    struct RecordListBody: ResponseEncodable {
        var items: [RecordBody]
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organizations/:id/activities") { request, context -> EditedResponse<ActivityBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: ActivityInput.self, context: context)
            let activity = try await ledger.createActivity(input, organizationId: try context.id(), by: principal)
            let zones = try await ledger.timeZones(of: [activity.organizationId])
            return EditedResponse(status: .created, response: ActivityBody(activity, zones[activity.organizationId] ?? .ledgerDefault))
        }
        api.get("activities") { request, context -> ListBody<ActivityBody> in
            let principal = try context.requirePrincipal()
            let page = try await ledger.activities(organizationId: try request.queryInt64("organization"), after: try request.cursor(),
                                                   limit: try request.queryInt("limit"), by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            return page.body { ActivityBody($0, zones[$0.organizationId] ?? .ledgerDefault) }
        }
        api.get("activities/:id") { _, context -> ActivityBody in
            let principal = try context.requirePrincipal()
            let activity = try await ledger.activity(id: try context.id(), by: principal)
            let zones = try await ledger.timeZones(of: [activity.organizationId])
            return ActivityBody(activity, zones[activity.organizationId] ?? .ledgerDefault)
        }
        api.post("activities/:id/records") { request, context -> EditedResponse<RecordListBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: BatchRecordInput.self, context: context)
            let records = try await ledger.recordServices(activityId: try context.id(), input.entries, by: principal)
            let zones = try await ledger.timeZones(of: Set(records.map(\.organizationId)))
            return EditedResponse(status: .created, response: RecordListBody(
                items: records.map { RecordBody($0, zones[$0.organizationId] ?? .ledgerDefault) }))
        }
        api.get("activities/:id/summary") { _, context -> HoursSummaryBody in
            let principal = try context.requirePrincipal()
            return HoursSummaryBody(try await ledger.activitySummary(activityId: try context.id(), by: principal))
        }
    }
}

struct RecordRoutes {
    let ledger: Ledger

    struct VoidInput: Decodable {
        var reason: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("records") { request, context -> EditedResponse<RecordBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: RecordInput.self, context: context)
            let record = try await ledger.recordService(input, by: principal)
            return EditedResponse(status: .created, response: try await body(record))
        }
        api.get("records") { request, context -> ListBody<RecordBody> in
            let principal = try context.requirePrincipal()
            let filter = try Self.filter(request)
            let page = try await ledger.records(filter, after: try request.cursor(), limit: try request.queryInt("limit"),
                                                by: principal)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            return page.body { RecordBody($0, zones[$0.organizationId] ?? .ledgerDefault) }
        }
        api.get("records/:id") { _, context -> RecordBody in
            let principal = try context.requirePrincipal()
            return try await body(try await ledger.record(id: try context.id(), by: principal))
        }
        api.get("records/:id/history") { _, context -> HistoryBody in
            let principal = try context.requirePrincipal()
            let id = try context.id()
            let record = try await ledger.record(id: id, by: principal)
            let revisions = try await ledger.history(recordId: id, by: principal)
            let zone = try await ledger.timeZones(of: [record.organizationId])[record.organizationId] ?? .ledgerDefault
            return HistoryBody(record: RecordBody(record, zone), revisions: revisions.map { RevisionBody($0, zone) })
        }
        api.post("records/:id/corrections") { request, context -> RecordBody in
            let principal = try context.requirePrincipal()
            let correction = try await request.decode(as: RecordCorrection.self, context: context)
            return try await body(try await ledger.correctRecord(id: try context.id(), correction, by: principal))
        }
        api.post("records/:id/void") { request, context -> RecordBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: VoidInput.self, context: context)
            return try await body(try await ledger.voidRecord(id: try context.id(), reason: input.reason, by: principal))
        }
    }

    private func body(_ record: ServiceRecord) async throws -> RecordBody {
        let zones = try await ledger.timeZones(of: [record.organizationId])
        return RecordBody(record, zones[record.organizationId] ?? .ledgerDefault)
    }

    /// The record filter of a list or export request.
    static func filter(_ request: Request) throws -> RecordFilter {
        let from = try request.queryDate("from")
        let to = try request.queryDate("to")
        var filter = RecordFilter(organizationId: try request.queryInt64("organization"),
                                  volunteerId: try request.queryInt64("volunteer"),
                                  activityId: try request.queryInt64("activity"),
                                  includeVoid: try request.queryBool("includeVoid"),
                                  onlyLate: try request.queryBool("late"))
        filter.startsFrom = from?.startOfDay(in: .ledgerDefault)
        filter.startsBefore = to?.adding(days: 1).startOfDay(in: .ledgerDefault)
        return filter
    }
}
