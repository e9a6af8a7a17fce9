import Foundation
import Hummingbird
import LedgerCore

/// Wire representations of the domain. Times are RFC 3339 with the organization's UTC offset
/// (`2026-06-10T09:00:00+08:00`, the form OpenAPI's `date-time` means);
/// hours are strings with two decimals next to the exact minutes.
enum Wire {
    static func time(_ date: Date, _ zone: TimeZone) -> String {
        RFC3339.string(date, in: zone)
    }
}

/// An organization's settings (`getOrganizationSettings`, `updateOrganizationSettings`).
struct OrganizationSettingsBody: ResponseEncodable {
    var organizationId: Int64
    var checkOutGraceMinutes: Int
    var acceptsJoinRequests: Bool

    struct Input: Decodable {
        var checkOutGraceMinutes: Int
        /// Absent: unchanged.
        var acceptsJoinRequests: Bool?
    }

    init(_ s: OrganizationSettings) {
        organizationId = s.organizationId
        checkOutGraceMinutes = s.checkOutGraceMinutes
        acceptsJoinRequests = s.acceptsJoinRequests
    }
}

struct OrganizationBody: ResponseEncodable {
    var id: Int64
    var creditCode: String
    var name: String
    var regionCode: String
    var contactName: String
    var contactPhone: String
    var timeZone: String
    var createdAt: String

    init(_ o: Organization) {
        id = o.id
        creditCode = o.creditCode
        name = o.name
        regionCode = o.regionCode
        contactName = o.contactName
        contactPhone = o.contactPhone
        timeZone = o.timeZoneIdentifier
        createdAt = Wire.time(o.createdAt, o.timeZone)
    }
}

struct VolunteerBody: ResponseEncodable {
    var id: Int64
    var number: String
    var name: String
    var sex: Sex
    var birthDate: LocalDate
    var documentType: DocumentType
    var documentNumber: String
    var residenceArea: String
    var phone: String
    var skills: [String]
    var serviceCategories: [ServiceCategory]
    var registeredAt: String

    init(_ v: Volunteer) {
        id = v.id
        number = v.number
        name = v.name
        sex = v.sex
        birthDate = v.birthDate
        documentType = v.documentType
        documentNumber = v.documentNumber
        residenceArea = v.residenceArea
        phone = v.phone
        skills = v.skills
        serviceCategories = v.serviceCategories
        registeredAt = Wire.time(v.registeredAt, .ledgerDefault)
    }
}

struct RegistrationBody: ResponseEncodable {
    var volunteer: VolunteerBody
    var joinedExisting: Bool
    var addedMembership: Bool
}

struct MembershipBody: ResponseEncodable {
    var organizationId: Int64
    var volunteerId: Int64
    var joinedAt: String
}

struct ActivityBody: ResponseEncodable {
    var id: Int64
    var organizationId: Int64
    var title: String
    var content: String
    var category: ServiceCategory
    var categoryLabel: String
    var place: String
    var start: String
    var end: String
    var leader: String
    var site: ActivitySite?

    init(_ a: Activity, _ zone: TimeZone) {
        id = a.id
        organizationId = a.organizationId
        title = a.title
        content = a.content
        category = a.category
        categoryLabel = a.category.chineseLabel
        place = a.place
        start = Wire.time(a.startAt, zone)
        end = Wire.time(a.endAt, zone)
        leader = a.leader
        site = a.site
    }
}

struct RecordBody: ResponseEncodable {
    var id: Int64
    var volunteerId: Int64
    var activityId: Int64
    var organizationId: Int64
    var start: String
    var end: String
    var minutes: Int
    var hours: String
    var source: RecordSource
    var note: String
    var recordedBy: Int64?
    var recordedAt: String
    var late: Bool
    var void: Bool
    var revision: Int

    init(_ r: ServiceRecord, _ zone: TimeZone) {
        id = r.id
        volunteerId = r.volunteerId
        activityId = r.activityId
        organizationId = r.organizationId
        start = Wire.time(r.startAt, zone)
        end = Wire.time(r.endAt, zone)
        minutes = r.minutes
        hours = HoursFormat.hours(fromMinutes: r.minutes)
        source = r.source
        note = r.note
        recordedBy = r.recordedBy
        recordedAt = Wire.time(r.recordedAt, zone)
        late = r.isLate
        void = r.isVoid
        revision = r.revision
    }
}

struct RevisionBody: ResponseEncodable {
    var revision: Int
    var kind: RevisionKind
    var start: String
    var end: String
    var minutes: Int
    var hours: String
    var note: String
    var reason: String
    var actorId: Int64?
    var at: String
    var digest: String

    init(_ r: RecordRevision, _ zone: TimeZone) {
        revision = r.revision
        kind = r.kind
        start = Wire.time(r.startAt, zone)
        end = Wire.time(r.endAt, zone)
        minutes = r.minutes
        hours = HoursFormat.hours(fromMinutes: r.minutes)
        note = r.note
        reason = r.reason
        actorId = r.actorId
        at = Wire.time(r.at, zone)
        digest = r.digest
    }
}

struct HistoryBody: ResponseEncodable {
    var record: RecordBody
    var revisions: [RevisionBody]
}

struct ListBody<Item: Encodable & Sendable>: ResponseEncodable {
    var items: [Item]
    /// Pass as `after` to fetch the next page; absent on the last page.
    var nextCursor: String?
}

struct VolunteerSummaryBody: ResponseEncodable {
    struct PerOrganization: Codable, Sendable {
        var organizationId: Int64
        var organizationName: String
        var minutes: Int
        var hours: String
        var records: Int
    }
    var volunteerId: Int64
    var volunteerNumber: String
    var name: String
    var from: LocalDate?
    var to: LocalDate?
    var minutes: Int
    var hours: String
    var records: Int
    var allTimeHours: String
    var starLevel: Int
    var starLabel: String
    var hoursToNextStar: String?
    var byOrganization: [PerOrganization]

    init(_ s: VolunteerSummary) {
        volunteerId = s.volunteerId
        volunteerNumber = s.volunteerNumber
        name = s.name
        from = s.from
        to = s.to
        minutes = s.minutes
        hours = HoursFormat.hours(fromMinutes: s.minutes)
        records = s.records
        allTimeHours = HoursFormat.hours(fromMinutes: s.allTimeMinutes)
        starLevel = s.starLevel.rawValue
        starLabel = s.starLevel.chineseLabel
        hoursToNextStar = s.minutesToNextStar.map(HoursFormat.hours(fromMinutes:))
        byOrganization = s.byOrganization.map {
            PerOrganization(organizationId: $0.organizationId, organizationName: $0.organizationName, minutes: $0.minutes,
                            hours: HoursFormat.hours(fromMinutes: $0.minutes), records: $0.records)
        }
    }
}

struct HoursSummaryBody: ResponseEncodable {
    struct PerActivity: Codable, Sendable {
        var activityId: Int64
        var title: String
        var minutes: Int
        var hours: String
        var records: Int
    }
    var organizationId: Int64
    var from: LocalDate?
    var to: LocalDate?
    var minutes: Int
    var hours: String
    var records: Int
    var byActivity: [PerActivity]

    init(_ s: HoursSummary) {
        organizationId = s.organizationId
        from = s.from
        to = s.to
        minutes = s.minutes
        hours = HoursFormat.hours(fromMinutes: s.minutes)
        records = s.records
        byActivity = s.byActivity.map {
            PerActivity(activityId: $0.activityId, title: $0.title, minutes: $0.minutes,
                        hours: HoursFormat.hours(fromMinutes: $0.minutes), records: $0.records)
        }
    }
}

struct AccountBody: ResponseEncodable {
    var id: Int64
    var username: String
    var displayName: String
    var role: Role
    var organizationId: Int64?
    var volunteerId: Int64?

    init(_ a: UserAccount) {
        id = a.id
        username = a.username
        displayName = a.displayName
        role = a.role
        organizationId = a.organizationId
        volunteerId = a.volunteerId
    }
}

struct LoginBody: ResponseEncodable {
    var token: String
    var tokenType = "Bearer"
    var expiresAt: String
    var account: AccountBody
}

extension ImportReport: ResponseEncodable {}
extension AuditReport: ResponseEncodable {}
