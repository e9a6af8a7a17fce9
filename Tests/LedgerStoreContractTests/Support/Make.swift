import Foundation
import LedgerCore
import Testing

/// Builders of valid domain values and use-case inputs; `n` makes each unique. Stored values are
/// built with id 0 and times in whole seconds, as the ledger stores them.
enum Make {
    /// "Now" of the tests: 2026-06-15 12:00 China Standard Time.
    static let now = june(15, 12)

    /// 2026-06-`day` `hour`:`minute` in China Standard Time.
    static func june(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        LocalDateTime(date: LocalDate(year: 2026, month: 6, day: day)!, hour: hour, minute: minute)!.instant(in: .ledgerDefault)
    }

    static func creditCode(_ n: Int) -> String {
        let body = "51330106" + String(format: "MA%07d", n)
        return body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!)
    }

    static func residentID(_ n: Int) -> String {
        let body = "330106" + "19900307" + String(format: "%02d", n % 100) + String((n / 100 % 5) * 2 + 1)
        return body + String(ResidentIDNumber.checkCharacter(for: body)!)
    }

    // MARK: Stored values

    static func organization(_ n: Int, timeZone: String = "Asia/Shanghai") -> Organization {
        Organization(id: 0, creditCode: creditCode(n), name: "测试志愿者协会\(n)", regionCode: "330106",
                     contactName: "联系人\(n)", contactPhone: "1380000\(String(format: "%04d", n))",
                     timeZoneIdentifier: timeZone, createdAt: june(1, 9).addingTimeInterval(Double(n)))
    }

    static func volunteer(_ n: Int) -> Volunteer {
        Volunteer(id: 0, number: String(format: "V%011d", n), name: "志愿者\(n)", sex: n % 2 == 0 ? .female : .male,
                  birthDate: LocalDate(year: 1990, month: 3, day: 7)!, documentType: .residentID,
                  documentNumber: residentID(n), residenceArea: "杭州市西湖区", phone: "1390000\(String(format: "%04d", n))",
                  skills: ["急救", "手语 \"进阶\""], serviceCategories: [.communityService, .elderlyAndChildren],
                  registeredAt: june(2, 10).addingTimeInterval(Double(n)))
    }

    /// An activity of `organizationId` from 08:00 on June `day` to 18:00 on June `lastDay`.
    static func activity(organizationId: Int64, day: Int = 10, lastDay: Int? = nil, title: String = "社区服务日") -> Activity {
        Activity(id: 0, organizationId: organizationId, title: title, content: "社区环境整治与敬老服务",
                 category: .communityService, place: "文三路社区", startAt: june(day, 8), endAt: june(lastDay ?? day, 18),
                 leader: "王队长", createdAt: june(1, 12))
    }

    static func record(volunteerId: Int64, activity: Activity, from start: Date, to end: Date, minutes: Int? = nil,
                       isVoid: Bool = false, isLate: Bool = false, note: String = "") -> ServiceRecord {
        ServiceRecord(id: 0, volunteerId: volunteerId, activityId: activity.id, organizationId: activity.organizationId,
                      startAt: start, endAt: end, minutes: minutes ?? Int(end.timeIntervalSince(start) / 60),
                      source: .manual, note: note, recordedBy: nil, recordedAt: june(12, 9), isLate: isLate,
                      isVoid: isVoid, revision: 1)
    }

    static func user(_ n: Int, role: Role = .organizationStaff, organizationId: Int64? = nil, volunteerId: Int64? = nil) -> UserAccount {
        UserAccount(id: 0, username: "user\(n)", displayName: "用户\(n)", role: role, organizationId: organizationId,
                    volunteerId: volunteerId, passwordHash: "$2b$04$" + String(repeating: "a", count: 53),
                    createdAt: june(3, 8), isDisabled: n % 3 == 0)
    }

    static func session(_ n: Int, userId: Int64) -> AccessSession {
        AccessSession(tokenHash: String(format: "%064x", n * 7919), userId: userId, createdAt: june(14, 8),
                      expiresAt: june(14, 20), revokedAt: nil)
    }

    // MARK: Use-case inputs

    static func organizationInput(_ n: Int) -> OrganizationInput {
        OrganizationInput(creditCode: creditCode(n), name: "测试志愿者协会\(n)", regionCode: "330106", contactName: "联系人",
                          contactPhone: "13800000000")
    }

    static func registration(_ n: Int, name: String? = nil) -> VolunteerRegistration {
        VolunteerRegistration(name: name ?? "志愿者\(n)", documentNumber: residentID(n), phone: "1390000\(String(format: "%04d", n))",
                              skills: ["急救"], serviceCategories: [.communityService])
    }

    static func activityInput(day: Int = 10, lastDay: Int? = nil, title: String = "社区服务日") -> ActivityInput {
        ActivityInput(title: title, content: "社区服务", category: .communityService, place: "社区",
                      start: june(day, 8), end: june(lastDay ?? day, 18), leader: "王队长")
    }
}

/// An organization with a member volunteer and an activity, stored directly through a writer.
struct Seed: Sendable {
    var organization: Organization
    var volunteer: Volunteer
    var activity: Activity

    /// Seeds organization `n` with volunteer `n` and an activity from June `day` to `lastDay`.
    static func make(_ w: any LedgerWriter, _ n: Int = 1, day: Int = 10, lastDay: Int? = nil) throws -> Seed {
        let organization = try w.insert(Make.organization(n))
        let volunteer = try w.insert(Make.volunteer(n))
        try w.insert(Membership(volunteerId: volunteer.id, organizationId: organization.id, joinedAt: Make.june(2, 11)))
        let activity = try w.insert(Make.activity(organizationId: organization.id, day: day, lastDay: lastDay))
        return Seed(organization: organization, volunteer: volunteer, activity: activity)
    }

    /// Stores a record of the seeded volunteer with its first revision in the audit chain.
    @discardableResult
    func record(_ w: any LedgerWriter, from start: Date, to end: Date, minutes: Int? = nil, isVoid: Bool = false,
                isLate: Bool = false) throws -> ServiceRecord {
        try Seed.record(w, volunteerId: volunteer.id, activity: activity, from: start, to: end, minutes: minutes,
                        isVoid: isVoid, isLate: isLate)
    }

    @discardableResult
    static func record(_ w: any LedgerWriter, volunteerId: Int64, activity: Activity, from start: Date, to end: Date,
                       minutes: Int? = nil, isVoid: Bool = false, isLate: Bool = false) throws -> ServiceRecord {
        let record = try w.insert(Make.record(volunteerId: volunteerId, activity: activity, from: start, to: end,
                                              minutes: minutes, isVoid: isVoid, isLate: isLate))
        var head = try w.lockChain(organizationId: activity.organizationId)
        var revision = RecordRevision(recordId: record.id, revision: 1, kind: .created, startAt: start, endAt: end,
                                      minutes: record.minutes, note: "", reason: "", actorId: nil, at: record.recordedAt,
                                      chainSequence: 0, digest: "")
        head = AuditChain.link(&revision, after: head, organizationId: activity.organizationId, volunteerId: volunteerId,
                               activityId: activity.id)
        try w.append(revision, organizationId: activity.organizationId)
        try w.advanceChain(organizationId: activity.organizationId, to: head)
        return record
    }
}

/// `value` after `change`, for building variants of factory values as constants.
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}

/// Expects `body` to throw exactly `expected`.
func expectLedgerError(_ expected: LedgerError, _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(expected.code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        #expect(error == expected, comment, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected.code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to fail with a `LedgerError` of stable code `code`, whatever its message.
func expectLedgerErrorCode(_ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
