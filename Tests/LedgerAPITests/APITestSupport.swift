import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApp
import LedgerCertificates
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Logging
import Testing

/// A ledger on a fresh temporary SQLite file with two organizations and one account per role,
/// built through the ledger's own use cases.
struct APIFixture: Sendable {
    let ledger: Ledger
    let directory: URL
    /// "Now" of the fixture's clock: 2026-06-15 12:00 China Standard Time.
    static let now = LocalDateTime(date: LocalDate(year: 2026, month: 6, day: 15)!, hour: 12, minute: 0)!.instant(in: .ledgerDefault)

    let organizationA: Organization
    let organizationB: Organization
    let activityA: Activity
    let activityB: Activity
    /// A member of A only, a member of B only.
    let volunteerA: Volunteer
    let volunteerB: Volunteer
    /// One record of volunteerA on activityA, one of volunteerB on activityB.
    let recordA: ServiceRecord
    let recordB: ServiceRecord
    /// Activities under way at `now` (June 15, 08:00 to 18:00; a site of 500 m that does not require presence), with volunteerA and volunteerB checked in
    /// since 10:00 (`checkInA`, `checkInB`), and a member of each organization not checked in (`walkInA`, `walkInB`).
    let liveActivityA: Activity
    let liveActivityB: Activity
    let checkInA: CheckIn
    let checkInB: CheckIn
    let walkInA: Volunteer
    let walkInB: Volunteer
    /// Activities on June 20 open for sign-up by every volunteer (5 places, deadline June 19 18:00), with a pending
    /// sign-up of volunteerA for A's and of volunteerB for B's.
    let recruitingA: Activity
    let recruitingB: Activity
    let signUpA: SignUp
    let signUpB: SignUp
    /// A member of A who checked themselves in at `liveActivityA` at 10:00 with the attendance code (`selfCheckIn`).
    let selfCheckedIn: Volunteer
    let selfCheckIn: CheckIn
    /// The code of an invitation for `walkInB`, by B's staff, not yet redeemed.
    let invitationCodeB: String
    /// Pending hour claims of volunteerA on activityA and volunteerB on activityB, June 10 12:00 to 13:00, with a PNG.
    let claimA: HoursClaim
    let claimB: HoursClaim
    /// Pending requests to join: of volunteerB to A (`joinRequestA`), of volunteerA to B (`joinRequestB`).
    let joinRequestA: JoinRequest
    let joinRequestB: JoinRequest
    /// A pending organization's application (credit code of `Factory.organization(8)`) and its status token.
    let application: OrganizationApplication
    let applicationToken: String
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0x80, 0, 0, 1, 0xE0, 8, 2, 0, 0, 0] + Array(repeating: 1, count: 32)
    /// Tokens by account name: admin, inspector, aAdmin, aStaff, bAdmin, bStaff, volunteerA, volunteerB, selfCheckedIn.
    let tokens: [String: String]

    static let password = "correct-horse-42"
    /// The key of the fixture's one-time codes.
    static let codeKey = SymmetricKey(data: Data(repeating: 5, count: 32))

    /// Stores `code` as the one-time code sent for `purpose` to `phone` (the fixture sends no messages).
    static func storeCode(_ ledger: Ledger, _ purpose: VerificationPurpose, phone: String, code: String) async throws {
        let destination = "phone:\(phone)"
        let hash = VerificationCodeSettings(key: codeKey, platformName: "").hash(code: code, purpose: purpose, destination: destination)
        try await ledger.store.write { w in
            try w.replaceVerificationCode(StoredVerificationCode(purpose: purpose, destination: destination, codeHash: hash,
                                                                 issuedAt: APIFixture.now, expiresAt: APIFixture.now.addingTimeInterval(300)))
        }
    }
    /// Where the fixture's certificates say they are verified.
    static let publicBaseURL = "https://verify.example.gov.cn"

    static func make() async throws -> APIFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
        try await store.migrate()
        var ledger = Ledger(store: store, clock: { APIFixture.now }, random: .seeded(42))
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        // A known key, so that a test can store a one-time code it knows (`ResidentAPITests.storeCode`).
        ledger.verificationCodes = VerificationCodeSettings(key: APIFixture.codeKey, platformName: "测试平台")
        ledger.certificates = CertificateSettings(
            authority: try await CertificateKeyring(path: directory.appendingPathComponent("keys.json").path, refreshInterval: .zero),
            publicBaseURL: APIFixture.publicBaseURL)
        ledger.attendance = AttendanceCodes(secret: Array(repeating: 7, count: 32), publicBaseURL: APIFixture.publicBaseURL)
        ledger.transparencyLog = LogPublisher(store: store, signer: try NoteSigner(name: "vledger.test/log", seed: Array(repeating: 9, count: 32)))
        let op = Principal.localOperator
        let a = try await ledger.createOrganization(Factory.organization(1), by: op)
        let b = try await ledger.createOrganization(Factory.organization(2), by: op)
        let activityA = try await ledger.createActivity(Factory.activity(day: 10), organizationId: a.id, by: op)
        let activityB = try await ledger.createActivity(Factory.activity(day: 10), organizationId: b.id, by: op)
        let volunteerA = try await ledger.registerVolunteer(Factory.volunteer(1), organizationId: a.id, by: op).volunteer
        let volunteerB = try await ledger.registerVolunteer(Factory.volunteer(2), organizationId: b.id, by: op).volunteer
        let recordA = try await ledger.recordService(
            RecordInput(volunteerNumber: volunteerA.number, activityId: activityA.id,
                        start: Factory.time(day: 10, hour: 9), end: Factory.time(day: 10, hour: 11)), by: op)
        let recordB = try await ledger.recordService(
            RecordInput(volunteerNumber: volunteerB.number, activityId: activityB.id,
                        start: Factory.time(day: 10, hour: 9), end: Factory.time(day: 10, hour: 11)), by: op)
        // Both live activities take self check-ins anywhere, flagging those beyond 500 m of the square.
        let square = ActivitySite(latitude: 30.25, longitude: 120.17, radius: 500, presenceRequired: false)
        let liveActivityA = try await ledger.setActivitySite(activityId: try await ledger.createActivity(
            Factory.activity(day: 15, title: "现场服务日"), organizationId: a.id, by: op).id, square, by: op)
        let liveActivityB = try await ledger.setActivitySite(activityId: try await ledger.createActivity(
            Factory.activity(day: 15, title: "现场服务日"), organizationId: b.id, by: op).id, square, by: op)
        let walkInA = try await ledger.registerVolunteer(Factory.volunteer(11), organizationId: a.id, by: op).volunteer
        let walkInB = try await ledger.registerVolunteer(Factory.volunteer(12), organizationId: b.id, by: op).volunteer
        let morning = Factory.time(day: 15, hour: 10)
        let selfCheckedIn = try await ledger.registerVolunteer(Factory.volunteer(13), organizationId: a.id, by: op).volunteer
        var atTen = Ledger(store: store, clock: { morning })
        atTen.attendance = ledger.attendance
        let checkInA = try await atTen.checkIn(volunteerNumber: volunteerA.number, activityId: liveActivityA.id, by: op)
        let checkInB = try await atTen.checkIn(volunteerNumber: volunteerB.number, activityId: liveActivityB.id, by: op)
        let accounts: [(String, Role, Int64?, Int64?)] = [
            ("admin", .platformAdmin, nil, nil), ("inspector", .inspector, nil, nil),
            ("aAdmin", .organizationAdmin, a.id, nil), ("aStaff", .organizationStaff, a.id, nil),
            ("bAdmin", .organizationAdmin, b.id, nil), ("bStaff", .organizationStaff, b.id, nil),
            ("volunteerA", .volunteer, nil, volunteerA.id), ("volunteerB", .volunteer, nil, volunteerB.id),
            ("selfCheckedIn", .volunteer, nil, selfCheckedIn.id),
        ]
        var tokens: [String: String] = [:]
        for (name, role, organizationId, volunteerId) in accounts {
            _ = try await ledger.createAccount(
                AccountInput(username: name, password: password, role: role, organizationId: organizationId,
                             volunteerId: volunteerId), by: op)
            tokens[name] = try await ledger.login(username: name, password: password).token
        }
        let selfCheckIn = try await atTen.selfCheckIn(
            activityId: liveActivityA.id, code: ledger.attendance!.code(activityId: liveActivityA.id, at: morning).code,
            position: GeoPosition(latitude: 30.25, longitude: 120.17, accuracy: 15),
            by: Principal(userId: nil, role: .volunteer, volunteerId: selfCheckedIn.id)).checkIn
        let invitationCodeB = try await ledger.inviteVolunteer(
            volunteerId: walkInB.id, by: Principal(userId: nil, role: .organizationStaff, organizationId: b.id)).code
        var claims: [HoursClaim] = []
        for (volunteer, activity) in [(volunteerA, activityA), (volunteerB, activityB)] {
            claims.append(try await ledger.submitHoursClaim(HoursClaimInput(
                activityId: activity.id, start: Factory.time(day: 10, hour: 12), end: Factory.time(day: 10, hour: 13), note: "忘记签到",
                evidence: png), by: Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id)))
        }
        var recruiting: [Activity] = []
        for organization in [a, b] {
            let activity = try await ledger.createActivity(Factory.activity(day: 20, title: "招募活动"), organizationId: organization.id, by: op)
            _ = try await ledger.openForSignUp(activityId: activity.id, RecruitmentInput(
                audience: .everyone, capacity: 5, deadline: Factory.time(day: 19, hour: 18)), by: op)
            recruiting.append(activity)
        }
        let signUpA = try await ledger.signUp(activityId: recruiting[0].id, by: Principal(userId: nil, role: .volunteer, volunteerId: volunteerA.id))
        let signUpB = try await ledger.signUp(activityId: recruiting[1].id, by: Principal(userId: nil, role: .volunteer, volunteerId: volunteerB.id))
        let joinRequestA = try await ledger.askToJoin(organizationId: a.id, note: "想加入",
                                                      by: Principal(userId: nil, role: .volunteer, volunteerId: volunteerB.id))
        let joinRequestB = try await ledger.askToJoin(organizationId: b.id, note: nil,
                                                      by: Principal(userId: nil, role: .volunteer, volunteerId: volunteerA.id))
        try await storeCode(ledger, .organizationApply, phone: "13800138077", code: "135790")
        // A code waiting for the documented-operations test's application (`OrganizationApplicationOperations`).
        try await storeCode(ledger, .organizationApply, phone: OrganizationApplicationOperations.phone, code: OrganizationApplicationOperations.code)
        let submitted = try await ledger.applyForOrganization(OrganizationApplicationInput(
            name: "申请入驻的组织", creditCode: Factory.organization(8).creditCode, regionCode: "330106", registrationType: "social_group",
            contactName: "申请联系人", contactPhone: "13800138077", code: "135790", adminUsername: "applicant-admin",
            adminPassword: "password-1234", certificate: OrganizationApplicationOperations.pdf), clientAddress: nil)
        return APIFixture(ledger: ledger, directory: directory,
                          organizationA: a, organizationB: b, activityA: activityA, activityB: activityB,
                          volunteerA: volunteerA, volunteerB: volunteerB, recordA: recordA, recordB: recordB,
                          liveActivityA: liveActivityA, liveActivityB: liveActivityB, checkInA: checkInA, checkInB: checkInB,
                          walkInA: walkInA, walkInB: walkInB, recruitingA: recruiting[0], recruitingB: recruiting[1],
                          signUpA: signUpA, signUpB: signUpB, selfCheckedIn: selfCheckedIn, selfCheckIn: selfCheckIn,
                          invitationCodeB: invitationCodeB, claimA: claims[0], claimB: claims[1], joinRequestA: joinRequestA,
                          joinRequestB: joinRequestB, application: submitted.application, applicationToken: submitted.statusToken,
                          tokens: tokens)
    }

    /// The attendance code shown now for `activity`.
    func attendanceCode(_ activity: Activity) -> String {
        ledger.attendance!.code(activityId: activity.id, at: Self.now).code
    }

    /// Runs `test` against the application `vledger serve` runs (the same `buildApplication`, middleware, web pages
    /// and services), in process. Request logs are kept to warnings, so that the hundreds of requests of the access
    /// matrix do not flood the test output.
    func test(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "vledger-api-tests")
        logger.logLevel = .warning
        var configuration = AppConfiguration()
        configuration.batchFolder = directory.appendingPathComponent("certificate-batches").path
        // One-time codes go to the development outbox (`VerificationCodeAPITests` reads them there).
        configuration.messageMode = .dev
        let app = try await buildApplication(configuration, ledger: ledger, logger: logger, closesStore: false)
        try await app.test(.router, test)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Headers with the bearer token of `account` (nil: anonymous) and a JSON content type.
    func headers(_ account: String?, contentType: String = "application/json") -> HTTPFields {
        var fields: HTTPFields = [.contentType: contentType]
        if let account, let token = tokens[account] { fields[.authorization] = "Bearer \(token)" }
        return fields
    }

    /// Sends a request as `account` (nil: anonymous) with an optional body.
    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, as account: String?,
              body: ByteBuffer? = nil, contentType: String = "application/json") async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers(account, contentType: contentType), body: body)
    }

    /// Sends `value` encoded as JSON as `account`.
    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, as account: String?,
              json value: some Encodable) async throws -> TestResponse {
        try await send(client, method, uri, as: account, body: Factory.json(value))
    }

    /// The user id of a fixture account.
    func userId(_ account: String) async throws -> Int64 {
        try #require(try await ledger.store.read { try $0.user(username: account) }).id
    }

    /// Everything the ledger stores (but sessions), to show that a refused request changed nothing.
    func snapshot() async throws -> LedgerSnapshot {
        try await ledger.store.read { r in
            let organizations = try r.organizations(after: nil, limit: 500)
            var snapshot = LedgerSnapshot(organizations: organizations)
            for organization in organizations {
                snapshot.members[organization.id] = try r.members(organizationId: organization.id, after: nil, limit: 500)
                snapshot.chainHeads[organization.id] = try r.chainHead(organizationId: organization.id)
                snapshot.settings[organization.id] = try r.organizationSettings(organizationId: organization.id)
            }
            snapshot.activities = try r.activities(organizationId: nil, after: nil, limit: 500)
            snapshot.checkIns = try snapshot.activities.flatMap { try r.checkIns(activityId: $0.id, after: nil, limit: 500) }
            snapshot.records = try r.records(RecordFilter(includeVoid: true), after: nil, limit: 500)
            for record in snapshot.records {
                snapshot.revisions[record.id] = try r.revisions(recordId: record.id)
            }
            snapshot.holidays = try r.holidays()
            snapshot.recruitments = try r.recruitments(after: nil, limit: 500)
            snapshot.signUps = try r.signUps(after: nil, limit: 500)
            snapshot.invitations = try r.invitations(after: nil, limit: 500)
            snapshot.claims = try r.claims(organizationId: nil, volunteerId: nil, state: nil, after: nil, limit: 500)
            snapshot.joinRequests = try r.joinRequests(after: nil, limit: 500)
            snapshot.membershipEndings = try r.membershipEndings(after: nil, limit: 500)
            snapshot.organizationApplications = try r.organizationApplications(state: nil, after: nil, limit: 500)
            // Account ids are assigned in sequence and accounts are never deleted.
            while let user = try r.user(id: Int64(snapshot.users.count + 1)) { snapshot.users.append(user) }
            return snapshot
        }
    }
}

/// The stored state of a fixture's ledger, compared before and after a request.
struct LedgerSnapshot: Equatable, Sendable {
    var organizations: [Organization]
    /// Members by organization; every registered volunteer is a member of at least one.
    var members: [Int64: [Volunteer]] = [:]
    var chainHeads: [Int64: ChainHead] = [:]
    var activities: [Activity] = []
    var checkIns: [CheckIn] = []
    /// All records, void ones included, with their revisions.
    var records: [ServiceRecord] = []
    var revisions: [Int64: [RecordRevision]] = [:]
    var holidays: [HolidayEntry] = []
    var recruitments: [Recruitment] = []
    var signUps: [SignUp] = []
    var invitations: [LoginInvitation] = []
    var claims: [HoursClaim] = []
    var joinRequests: [JoinRequest] = []
    var membershipEndings: [MembershipEnding] = []
    var organizationApplications: [OrganizationApplication] = []
    var settings: [Int64: OrganizationSettings] = [:]
    var users: [UserAccount] = []

    /// Distinct registered volunteers.
    var volunteerIds: Set<Int64> { Set(members.values.flatMap { $0.map(\.id) }) }
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] { body.jsonObject }

    /// The `items` of a list body.
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    /// The `type` of a problem body.
    var problemType: String? { json["type"] as? String }

    /// Whether the body is an RFC 9457 problem.
    var isProblem: Bool { headers[.contentType]?.hasPrefix("application/problem+json") == true }
}

extension Dictionary where Key == String, Value == Any {
    /// A JSON number as an id.
    func id(_ key: String) -> Int64? { (self[key] as? NSNumber)?.int64Value }
}

/// Small builders of valid inputs; `n` makes each unique.
enum Factory {
    /// 2026-06-`day` `hour`:00 in China Standard Time.
    static func time(day: Int, hour: Int, minute: Int = 0) -> Date {
        LocalDateTime(date: LocalDate(year: 2026, month: 6, day: day)!, hour: hour, minute: minute)!.instant(in: .ledgerDefault)
    }

    static func creditCode(_ n: Int) -> String {
        let body = "51330106" + String(format: "MA%07d", n)
        return body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!)
    }

    static func residentID(_ n: Int, birth: String = "19900307", female: Bool = false) -> String {
        let sequence = String(format: "%02d", n % 100) + String(female ? (n % 5) * 2 : (n % 5) * 2 + 1)
        let body = "330106" + birth + sequence
        return body + String(ResidentIDNumber.checkCharacter(for: body)!)
    }

    static func organization(_ n: Int) -> OrganizationInput {
        OrganizationInput(creditCode: creditCode(n), name: "测试志愿者协会\(n)", regionCode: "330106",
                          contactName: "联系人\(n)", contactPhone: "1380000\(String(format: "%04d", n))")
    }

    static func volunteer(_ n: Int) -> VolunteerRegistration {
        VolunteerRegistration(name: "志愿者\(n)", documentNumber: residentID(n), residenceArea: "杭州市西湖区",
                              phone: "1390000\(String(format: "%04d", n))", skills: ["急救"], serviceCategories: [.communityService])
    }

    /// A one-day activity, 08:00 to 18:00 on 2026-06-`day`.
    static func activity(day: Int, title: String = "社区服务日") -> ActivityInput {
        activity(from: time(day: day, hour: 8), to: time(day: day, hour: 18), title: title)
    }

    /// An activity over any span, e.g. several days.
    static func activity(from start: Date, to end: Date, title: String = "社区服务日") -> ActivityInput {
        ActivityInput(title: title, content: "社区环境整治与敬老服务", category: .communityService, place: "文三路社区",
                      start: start, end: end, leader: "王队长")
    }

    /// Hours of `volunteer` on `activity`, on 2026-06-`day` from `from` to `to` o'clock.
    static func record(_ volunteer: Volunteer, _ activity: Activity, day: Int, from: Int, to: Int,
                       minutes: Int? = nil) -> RecordInput {
        RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: time(day: day, hour: from),
                    end: time(day: day, hour: to), minutes: minutes)
    }

    /// `value` as a JSON request body, dates as ISO 8601 like the API reads them.
    static func json(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return ByteBuffer(bytes: try! encoder.encode(value))
    }
}

extension ByteBuffer {
    /// The body decoded as a JSON object.
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(readableBytesView))) as? [String: Any] ?? [:]
    }
}
