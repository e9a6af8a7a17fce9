import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Every route x every role x a target in the caller's own organization or another one: the expected status,
/// and that nothing changed unless the request was an allowed write.
///
/// Rules the table follows (from `AccessPolicy` and the services):
/// - No token: 401 everywhere. (Login is the only public route; `HealthTests` covers it.)
/// - Platform admin: everything. Inspector: reads everything, writes nothing (403).
/// - Organization admin and staff read and write only their own organization's activities, records and check-ins
///   (void: admins only), and read only volunteers who are members of their organization. Volunteers read only their
///   own profile, memberships, summary and records.
/// - Refusals are 403 when the request names an organization (its id in the path, `?organization=`, or the
///   organization of an account to create): organizations are public registration data, so their existence is
///   no secret. They are 404 when the request names a volunteer, activity or record by id that the caller may
///   not read, so that such ids do not reveal what exists; a caller who may read the entity but not change it
///   gets 403 (inspector, staff voiding, a volunteer correcting their own record).
/// - Filters are narrowed, not refused, where they cannot leak: a volunteer's record list or export filtered by
///   another organization lists only the volunteer's own records there (none).
@Suite struct AccessMatrixTests {
    static let endpoints: [Endpoint] = [
        //     method  path                                         payload         anon admin insp  org admin   org staff   volunteer
        //                                                                                           [own,other] [own,other] [own,other]
        .init(.post, "/auth/logout",                                .none,          401, 204,  204,  204,        204,        204),
        .init(.get,  "/me",                                         .none,          401, 200,  200,  200,        200,        200),
        .init(.post, "/users",                                      .staffAccount,  401, 201,  403,  [201, 403], 403,        403),
        .init(.post, "/holidays",                                   .holidays,      401, 200,  403,  403,        403,        403),
        .init(.get,  "/audit/verify",                               .none,          401, 200,  200,  403,        403,        403),
        .init(.post, "/audit/verifications",                        .none,          401, 202,  202,  403,        403,        403),
        .init(.get,  "/audit/verifications/latest",                 .none,          401, 200,  200,  403,        403,        403),
        .init(.get,  "/security-log",                               .none,          401, 200,  403,  403,        403,        403),
        .init(.get,  "/security-log.csv",                           .none,          401, 200,  403,  403,        403,        403),
        .init(.get,  "/organizations",                              .none,          401, 200,  200,  200,        200,        200),
        .init(.post, "/organizations",                              .organization,  401, 201,  403,  403,        403,        403),
        .init(.get,  "/organizations/{org}",                        .none,          401, 200,  200,  200,        200,        200),
        .init(.get,  "/organizations/{org}/summary",                .none,          401, 200,  200,  [200, 403], [200, 403], 403),
        .init(.post, "/organizations/{org}/volunteers",             .registration,  401, 201,  403,  [201, 403], [201, 403], 403),
        .init(.get,  "/organizations/{org}/members",                .none,          401, 200,  200,  [200, 403], [200, 403], 403),
        .init(.post, "/organizations/{org}/members",                .member,        401, 200,  403,  [200, 403], [200, 403], 403),
        .init(.get,  "/volunteers/{volunteer}",                     .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.get,  "/volunteers/{volunteer}/memberships",         .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.post, "/volunteers/{walkIn}/invitations",            .none,          401, 403,  403,  [201, 404], [201, 404], 403),
        .init(.get,  "/volunteers/{volunteer}/summary",             .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.post, "/organizations/{org}/activities",             .activity,      401, 201,  403,  [201, 403], [201, 403], 403),
        .init(.get,  "/activities",                                 .none,          401, 200,  200,  200,        200,        403),
        .init(.get,  "/activities?organization={org}",              .none,          401, 200,  200,  [200, 403], [200, 403], 403),
        .init(.get,  "/activities/{activity}",                      .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.get,  "/activities/{activity}/summary",              .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.post, "/records",                                    .record,        401, 201,  403,  [201, 404], [201, 404], 404),
        .init(.post, "/activities/{activity}/records",              .batch,         401, 201,  403,  [201, 404], [201, 404], 404),
        .init(.get,  "/records",                                    .none,          401, 200,  200,  200,        200,        200),
        .init(.get,  "/records?organization={org}",                 .none,          401, 200,  200,  [200, 403], [200, 403], 200),
        .init(.get,  "/records?volunteer={volunteer}",              .none,          401, 200,  200,  200,        200,        [200, 403]),
        .init(.get,  "/records/{record}",                           .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.get,  "/records/{record}/history",                   .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.post, "/records/{record}/corrections",               .correction,    401, 200,  403,  [200, 404], [200, 404], [403, 404]),
        .init(.post, "/records/{record}/void",                      .void,          401, 200,  403,  [200, 404], [403, 404], [403, 404]),
        .init(.post, "/activities/{liveActivity}/check-ins",         .checkIn,       401, 201,  403,  [201, 404], [201, 404], 404),
        .init(.get,  "/activities/{liveActivity}/check-ins",         .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.get,  "/check-ins/{checkIn}",                        .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.post, "/check-ins/{checkIn}/check-out",              .checkOut,      401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.post, "/check-ins/{checkIn}/cancel",                 .void,          401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.put,  "/activities/{liveActivity}/site",              .site,          401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.delete, "/activities/{liveActivity}/site",            .none,          401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.get,  "/activities/{liveActivity}/attendance-code",  .none,          401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.post, "/activities/{liveActivity}/self-check-in",    .attendance,    401, 403,  403,  403,        403,        [200, 403]),
        .init(.post, "/activities/{liveActivity}/self-check-out",   .attendance,    401, 403,  403,  403,        403,        [200, 409]),
        .init(.get,  "/open-activities",                            .none,          401, 200,  200,  200,        200,        200),
        .init(.post, "/hours-claims",                               .claim,         401, 403,  403,  403,        403,        [201, 403]),
        .init(.get,  "/hours-claims",                               .none,          401, 200,  200,  200,        200,        200),
        .init(.post, "/hours-claims/{claim}/decision",              .approve,       401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.get,  "/hours-claims/{claim}/evidence",              .none,          401, 200,  200,  [200, 404], [200, 404], [200, 404]),
        .init(.post, "/hours-claims/{claim}/correction",            .claimCorrection, 401, 404, 404, 404,       404,        [200, 404]),
        .init(.get,  "/log/inclusion-proof?index=0&size=1",         .none,          200, 200,  200,  200,        200,        200),
        .init(.get,  "/log/consistency-proof?from=1&to=2",          .none,          200, 200,  200,  200,        200,        200),
        .init(.get,  "/organizations/{org}/settings",               .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.put,  "/organizations/{org}/settings",               .settings,      401, 200,  403,  [200, 404], [403, 404], 404),
        .init(.get,  "/activities/{recruiting}/recruitment",        .none,          401, 200,  200,  [200, 404], [200, 404], 200),
        .init(.put,  "/activities/{recruiting}/recruitment",        .recruitment,   401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.post, "/activities/{recruiting}/sign-ups",           .none,          401, 403,  403,  403,        403,        [409, 201]),
        .init(.get,  "/sign-ups?activity={recruiting}",             .none,          401, 200,  200,  [200, 404], [200, 404], 404),
        .init(.get,  "/sign-ups",                                   .none,          401, 422,  422,  422,        422,        200),
        .init(.post, "/sign-ups/{signUp}/cancel",                   .none,          401, 404,  404,  404,        404,        [200, 404]),
        .init(.post, "/sign-ups/{signUp}/decision",                 .confirm,       401, 200,  403,  [200, 404], [200, 404], 404),
        .init(.post, "/organizations/{org}/imports",                .importFile,    401, 201,  403,  [201, 403], [201, 403], 403),
        .init(.post, "/organizations/{org}/volunteer-imports",      .roster,        401, 201,  403,  [201, 403], [201, 403], 403),
        .init(.get,  "/records.csv",                                .none,          401, 200,  200,  200,        200,        200),
        .init(.get,  "/records.csv?organization={org}",             .none,          401, 200,  200,  [200, 403], [200, 403], 200),
        .init(.get,  "/volunteer-totals.csv",                       .none,          401, 200,  200,  200,        200,        200),
        .init(.get,  "/volunteer-totals.csv?organization={org}",    .none,          401, 200,  200,  [200, 403], [200, 403], 200),
        .init(.post, "/certificate-batches",                        .certificateBatch, 401, 202, 403, [202, 403], [202, 403], 403),
        // No batch was started in this application: every caller gets the same not-found (cross-organization reads
        // of real batches: CertificateBatchAPITests).
        .init(.get,  "/certificate-batches/1",                      .none,          401, 404,  404,  404,        404,        404),
        // The public activity search needs no login; joining: volunteers ask and withdraw their own, staff of that
        // organization (only) list and decide, a volunteer leaves an organization they belong to.
        .init(.get,  "/public/activities",                          .none,          200, 200,  200,  200,        200,        200),
        .init(.get,  "/public/activities/{recruiting}",             .none,          200, 200,  200,  200,        200,        200),
        .init(.get,  "/statistics",                                 .none,          401, 200,  200,  200,        200,        403),
        .init(.get,  "/public/statistics",                          .none,          200, 200,  200,  200,        200,        200),
        // A volunteer asking their own organization is a member already, the other one has their request pending (409
        // both; a stored request: JoinRequestAPITests).
        .init(.post, "/organizations/{org}/join-requests",          .joinNote,      401, 403,  403,  403,        403,        409),
        .init(.get,  "/organizations/{org}/join-requests",          .none,          401, 200,  404,  [200, 404], [200, 404], 404),
        .init(.post, "/organizations/{org}/leave",                  .none,          401, 403,  403,  403,        403,        [200, 404]),
        .init(.get,  "/join-requests",                              .none,          401, 403,  403,  403,        403,        200),
        .init(.get,  "/join-requests/{joinRequest}",                .none,          401, 200,  404,  [200, 404], [200, 404], [404, 200]),
        .init(.post, "/join-requests/{joinRequest}/decision",       .acceptJoin,    401, 200,  404,  [200, 404], [200, 404], 404),
        .init(.post, "/join-requests/{joinRequest}/withdraw",       .none,          401, 404,  404,  404,        404,        [404, 200]),
        .init(.get,  "/certificate-batches/1/zip",                  .none,          401, 404,  404,  404,        404,        404),
        // Needs no account: anyone may ask for a code (throttled per destination and address; VerificationCodeAPITests).
        .init(.post, "/verification-codes",                         .verificationCode, 202, 202, 202, 202,       202,        202),
        // Organizations apply without an account; here no code was sent to the phone, so everyone gets 422 and nothing
        // is stored (a stored application: OrganizationApplicationAPITests). The queue is the platform admins'; the
        // applicant reads their application with its status token.
        .init(.post, "/organization-applications",                  .organizationApplication, 422, 422, 422, 422, 422,   422),
        .init(.get,  "/organization-applications",                  .none,          401, 200,  403,  403,        403,        403),
        .init(.get,  "/organization-applications/{application}",    .none,          401, 200,  403,  403,        403,        403),
        .init(.get,  "/organization-applications/{application}?token={applicationToken}", .none, 200, 200, 200, 200,  200,        200),
        .init(.get,  "/organization-applications/{application}/certificate", .none, 401, 200, 403, 403,       403,        403),
        .init(.post, "/organization-applications/{application}/decision", .returnApplication, 401, 200, 403, 403,  403,        403),
        // Residents register themselves without a login (a wrong code here: 422, nothing stored; ResidentAPITests
        // registers); my profile and my data are a volunteer's own login's only.
        .init(.post, "/registrations/verification-code",            .registrationStart, 202, 202, 202, 202,      202,        202),
        .init(.post, "/registrations",                              .registrationWrongCode, 422, 422, 422, 422,  422,        422),
        .init(.get,  "/me/profile",                                 .none,          401, 403,  403,  403,        403,        200),
        .init(.put,  "/me/profile",                                 .profileSkills, 401, 403,  403,  403,        403,        200),
        .init(.get,  "/me/data",                                    .none,          401, 403,  403,  403,        403,        200),
        .init(.get,  "/me/data.xlsx",                               .none,          401, 403,  403,  403,        403,        200),
    ]

    @Test(arguments: endpoints)
    func statusAndSideEffects(of endpoint: Endpoint) async throws {
        let cases = Caller.allCases.flatMap { caller in endpoint.targets.map { (caller, $0) } }
        // Requests expected to be refused, and reads, share one fixture: each must leave it unchanged, which
        // `check` asserts. Writes expected to succeed each get a fresh one.
        let shared = try await APIFixture.make()
        try await shared.test { client in
            for (caller, side) in cases where !endpoint.changesState(expected: endpoint.expected(caller, side)) {
                try await Self.check(endpoint, caller, side, fixture: shared, client: client)
            }
        }
        for (caller, side) in cases where endpoint.changesState(expected: endpoint.expected(caller, side)) {
            let fixture = try await APIFixture.make()
            try await fixture.test { client in
                try await Self.check(endpoint, caller, side, fixture: fixture, client: client)
            }
        }
    }

    /// Malformed input does not get an anonymous request past authentication: it is 401, not 400 or 422.
    @Test(arguments: [
        (HTTPRequest.Method.get, "/records?limit=abc"), (.get, "/records/abc"), (.get, "/organizations/abc"),
        (.get, "/organizations/1/summary?from=June"), (.get, "/organizations/1/members?after=forged"),
        (.get, "/volunteers/abc"), (.get, "/volunteers/abc/memberships"), (.get, "/volunteers/1/summary?organization=A"),
        (.get, "/activities?after=forged"), (.get, "/activities/abc"), (.get, "/activities/abc/summary"),
        (.get, "/records.csv?from=June"), (.post, "/records"), (.post, "/organizations/1/volunteers"),
    ])
    func anonymousRequestsAreRefusedBeforeTheirInputIsRead(_ method: HTTPRequest.Method, _ path: String) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, method, "/api/v1" + path, as: nil, body: ByteBuffer(string: "{broken"))
            #expect(response.status == .unauthorized)
            #expect(response.problemType == "urn:vledger:problem:unauthenticated")
        }
    }

    static func check(_ endpoint: Endpoint, _ caller: Caller, _ side: Side, fixture: APIFixture,
                      client: any TestClientProtocol) async throws {
        let expected = endpoint.expected(caller, side)
        let uri = "/api/v1" + endpoint.path(fixture, side)
        let label = "\(caller.rawValue) \(endpoint.method) \(uri) (target in \(side.rawValue))"
        let before = try await fixture.snapshot()
        let response = try await fixture.send(client, endpoint.method, uri, as: caller.account,
                                              body: endpoint.payload.body(fixture, side))
        let after = try await fixture.snapshot()

        #expect(response.status.code == expected, "\(label): \(String(buffer: response.body).prefix(300))")
        if endpoint.changesState(expected: response.status.code) {
            #expect(after != before, "\(label) succeeded but stored nothing")
        } else {
            #expect(after == before, "\(label) changed the ledger")
        }
        switch response.status.code {
        case 401, 403, 404:
            let code = [401: "unauthenticated", 403: "forbidden", 404: "not-found"][response.status.code]!
            #expect(response.isProblem, "\(label): not a problem body")
            #expect(response.problemType == "urn:vledger:problem:\(code)", "\(label)")
        case 200 where endpoint.isRecordOrActivityList:
            // A list must hold only what the caller may read, whatever the filter asked for.
            for item in response.items {
                if let home = caller.home, caller.isOrganizationAccount {
                    #expect(item.id("organizationId") == fixture.organization(home).id, "\(label) lists \(item)")
                }
                if let home = caller.home, caller.isVolunteer {
                    #expect(item.id("volunteerId") == fixture.volunteer(home).id, "\(label) lists \(item)")
                }
            }
        default:
            break
        }
    }
}

extension AccessMatrixTests {
    /// The organization a request targets: A or B of the fixture.
    enum Side: String, Sendable, CaseIterable {
        case a = "A", b = "B"
    }

    /// Who sends a request: anonymous, a platform account, or an account of organization A or B.
    enum Caller: String, Sendable, CaseIterable {
        case anonymous, admin, inspector, aAdmin, aStaff, bAdmin, bStaff, volunteerA, volunteerB

        /// The fixture account name; nil for anonymous.
        var account: String? { self == .anonymous ? nil : rawValue }

        /// The organization the account belongs to (for volunteers: the one they are a member of).
        var home: Side? {
            switch self {
            case .aAdmin, .aStaff, .volunteerA: .a
            case .bAdmin, .bStaff, .volunteerB: .b
            case .anonymous, .admin, .inspector: nil
            }
        }

        var isOrganizationAccount: Bool { [.aAdmin, .aStaff, .bAdmin, .bStaff].contains(self) }
        var isVolunteer: Bool { self == .volunteerA || self == .volunteerB }
    }

    /// An expected status on the caller's own organization and on another; an integer literal means both.
    struct OwnOther: Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
        var own: Int
        var other: Int

        init(integerLiteral value: Int) {
            own = value
            other = value
        }

        init(arrayLiteral elements: Int...) {
            precondition(elements.count == 2, "write [own, other]")
            own = elements[0]
            other = elements[1]
        }
    }

    /// One row of the matrix.
    struct Endpoint: Sendable, CustomTestStringConvertible {
        let method: HTTPRequest.Method
        /// The path under /api/v1; `{org}`, `{volunteer}`, `{activity}` and `{record}` stand for the target's.
        let template: String
        let payload: Payload
        let anonymous: Int
        let admin: Int
        let inspector: Int
        let organizationAdmin: OwnOther
        let organizationStaff: OwnOther
        let volunteer: OwnOther

        init(_ method: HTTPRequest.Method, _ template: String, _ payload: Payload, _ anonymous: Int, _ admin: Int,
             _ inspector: Int, _ organizationAdmin: OwnOther, _ organizationStaff: OwnOther, _ volunteer: OwnOther) {
            self.method = method
            self.template = template
            self.payload = payload
            self.anonymous = anonymous
            self.admin = admin
            self.inspector = inspector
            self.organizationAdmin = organizationAdmin
            self.organizationStaff = organizationStaff
            self.volunteer = volunteer
        }

        var testDescription: String { "\(method) \(template)" }

    /// GET /records or /activities, with or without a filter.
    var isRecordOrActivityList: Bool {
        method == .get && ["/records", "/activities"].contains(template.prefix { $0 != "?" })
    }

        /// A and B when the request targets an organization's data; one run otherwise.
        var targets: [Side] { template.contains("{") || payload.targetsOrganization ? [.a, .b] : [.a] }

        func expected(_ caller: Caller, _ side: Side) -> Int {
            func pick(_ statuses: OwnOther) -> Int { caller.home == side ? statuses.own : statuses.other }
            return switch caller {
            case .anonymous: anonymous
            case .admin: admin
            case .inspector: inspector
            case .aAdmin, .bAdmin: pick(organizationAdmin)
            case .aStaff, .bStaff: pick(organizationStaff)
            case .volunteerA, .volunteerB: pick(volunteer)
            }
        }

        /// Whether a request answered with `status` is a write that stored something (logout only ends a session; a
        /// self check-in answered 200 is the volunteer's open check-in there, unchanged).
        func changesState(expected status: Int) -> Bool {
            method != .get && template != "/auth/logout" && (200..<300).contains(status)
                && !(template.hasSuffix("/self-check-in") && status == 200)
                // A batch of certificates runs in the background: it stores certificates, which the snapshot leaves out.
                && template != "/certificate-batches"
                // A one-time code is short-lived state the snapshot leaves out.
                && template != "/verification-codes" && template != "/registrations/verification-code"
                // An audit verification runs in the background and keeps only its bookkeeping, which the snapshot leaves out.
                && template != "/audit/verifications"
        }

        func path(_ fixture: APIFixture, _ side: Side) -> String {
            template
                .replacingOccurrences(of: "{org}", with: String(fixture.organization(side).id))
                .replacingOccurrences(of: "{volunteer}", with: String(fixture.volunteer(side).id))
                .replacingOccurrences(of: "{walkIn}", with: String(fixture.walkIn(side).id))
                .replacingOccurrences(of: "{activity}", with: String(fixture.activity(side).id))
                .replacingOccurrences(of: "{record}", with: String(fixture.record(side).id))
                .replacingOccurrences(of: "{liveActivity}", with: String(fixture.liveActivity(side).id))
                .replacingOccurrences(of: "{checkIn}", with: String(fixture.checkIn(side).id))
                .replacingOccurrences(of: "{recruiting}", with: String(fixture.recruiting(side).id))
                .replacingOccurrences(of: "{signUp}", with: String(fixture.signUp(side).id))
                .replacingOccurrences(of: "{claim}", with: String(side == .a ? fixture.claimA.id : fixture.claimB.id))
                .replacingOccurrences(of: "{joinRequest}", with: String(side == .a ? fixture.joinRequestA.id : fixture.joinRequestB.id))
                .replacingOccurrences(of: "{applicationToken}", with: fixture.applicationToken)
                .replacingOccurrences(of: "{application}", with: String(fixture.application.id))
        }
    }

    /// The body a matrix request sends: valid input, so that only access decides the outcome.
    enum Payload: Sendable {
        case none, staffAccount, holidays, organization, registration, member, activity, record, batch, correction, void, importFile,
             checkIn, checkOut, recruitment, confirm, attendance, site, claim, approve, claimCorrection, settings, certificateBatch,
             joinNote, acceptJoin, verificationCode, organizationApplication, returnApplication, registrationStart, registrationWrongCode, profileSkills,
             roster

        /// Whether the body names the target organization's data.
        var targetsOrganization: Bool { self == .staffAccount || self == .record || self == .certificateBatch }

        func body(_ fixture: APIFixture, _ side: Side) -> ByteBuffer? {
            switch self {
            case .none:
                return nil
            case .staffAccount:
                return Factory.json(AccountInput(username: "new-staff", password: "password-1234", role: .organizationStaff,
                                                 organizationId: fixture.organization(side).id))
            case .holidays:
                return ByteBuffer(string: "2026-10-01 holiday\n2026-10-10 workday\n")
            case .organization:
                return Factory.json(Factory.organization(9))
            case .registration:
                return Factory.json(Factory.volunteer(7))
            case .member:
                // The volunteer of the other organization, who is not yet a member of the target.
                return Factory.json(["volunteerNumber": fixture.volunteer(side == .a ? .b : .a).number])
            case .activity:
                return Factory.json(Factory.activity(day: 11, title: "矩阵测试活动"))
            case .record:
                return Factory.json(Factory.record(fixture.volunteer(side), fixture.activity(side), day: 10, from: 12, to: 13))
            case .batch:
                return Factory.json(["entries": [BatchRecordEntry(volunteerNumber: fixture.volunteer(side).number,
                                                                  start: Factory.time(day: 10, hour: 12), end: Factory.time(day: 10, hour: 13))]])
            case .correction:
                return Factory.json(RecordCorrection(minutes: 90, reason: "扣除午休时间"))
            case .void:
                return Factory.json(["reason": "重复登记"])
            case .checkIn:
                return Factory.json(["volunteerNumber": fixture.walkIn(side).number])
            case .checkOut:
                return Factory.json(["note": "签退"])
            case .recruitment:
                return Factory.json(SignUpAPITests.RecruitmentPayload(audience: "members", capacity: 6, deadline: Factory.time(day: 19, hour: 12)))
            case .confirm:
                return Factory.json(["decision": "confirm"])
            case .claim:
                return Factory.json(ClaimPayload(activityId: fixture.activity(side).id, start: Factory.time(day: 10, hour: 17),
                                                 end: Factory.time(day: 10, hour: 18), note: "纸质签到表"))
            case .approve:
                return Factory.json(["decision": "approve"])
            case .claimCorrection:
                return Factory.json(["note": "实际 17:30 离开"])
            case .settings:
                return Factory.json(["checkOutGraceMinutes": 45])
            case .certificateBatch:
                return Factory.json(["organizationId": fixture.organization(side).id])
            case .organizationApplication:
                // A new phone each time, so that the per-destination throttle of wrong codes never answers instead of access.
                return Factory.json([
                    "name": "矩阵申请", "creditCode": Factory.organization(7).creditCode, "regionCode": "330106", "registrationType": "foundation",
                    "contactName": "联系人", "contactPhone": "139" + String(format: "%08d", Int.random(in: 0..<100_000_000)), "code": "000000",
                    "adminUsername": "matrix-applicant", "adminPassword": "password-1234",
                    "certificate": Data(OrganizationApplicationOperations.pdf).base64EncodedString()])
            case .returnApplication:
                return Factory.json(["decision": "return", "reason": "证书不清晰"])
            case .verificationCode:
                // A new phone each time, so that the per-destination throttle never answers instead of access.
                return Factory.json(["purpose": "register", "phone": "139" + String(format: "%08d", Int.random(in: 0..<100_000_000))])
            case .registrationStart, .registrationWrongCode:
                // A new person each time, so that the per-document throttle never answers instead of access.
                let birth = String(format: "19%02d%02d%02d", Int.random(in: 60...99), Int.random(in: 1...12), Int.random(in: 1...28))
                var body = ["name": "新居民", "documentNumber": Factory.residentID(Int.random(in: 0..<100), birth: birth),
                            "phone": "139" + String(format: "%08d", Int.random(in: 0..<100_000_000))]
                if self == .registrationWrongCode {
                    body.merge(["code": "000000", "password": "a-long-password", "acceptedTermsVersion": PlatformTerms.currentVersion]) { $1 }
                }
                return Factory.json(body)
            case .profileSkills:
                return Factory.json(["skills": ["矩阵测试"]])
            case .joinNote:
                return Factory.json(["note": "周末有空"])
            case .acceptJoin:
                return Factory.json(["decision": "accept"])
            case .site:
                return Factory.json(["latitude": 30.259, "longitude": 120.15, "radius": 200])
            case .attendance:
                return Factory.json(["code": fixture.attendanceCode(fixture.liveActivity(side))])
            case .roster:
                return ByteBuffer(string: "姓名,证件号码,手机号码\n花名册矩阵,\(Factory.residentID(77)),13800007777\n")
            case .importFile:
                let volunteer = fixture.volunteer(side)
                return ByteBuffer(string: """
                    姓名,志愿者编号,活动编号,开始时间,结束时间
                    \(volunteer.name),\(volunteer.number),\(fixture.activity(side).id),2026-06-10 12:00,2026-06-10 13:00

                    """)
            }
        }
    }
}

extension APIFixture {
    typealias Side = AccessMatrixTests.Side

    func organization(_ side: Side) -> Organization { side == .a ? organizationA : organizationB }
    func volunteer(_ side: Side) -> Volunteer { side == .a ? volunteerA : volunteerB }
    func activity(_ side: Side) -> Activity { side == .a ? activityA : activityB }
    func record(_ side: Side) -> ServiceRecord { side == .a ? recordA : recordB }
    func liveActivity(_ side: Side) -> Activity { side == .a ? liveActivityA : liveActivityB }
    func checkIn(_ side: Side) -> CheckIn { side == .a ? checkInA : checkInB }
    func walkIn(_ side: Side) -> Volunteer { side == .a ? walkInA : walkInB }
    func recruiting(_ side: Side) -> Activity { side == .a ? recruitingA : recruitingB }
    func signUp(_ side: Side) -> SignUp { side == .a ? signUpA : signUpB }
}
