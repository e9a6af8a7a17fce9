import Foundation

/// A volunteer service organization (志愿服务组织).
public struct Organization: Sendable, Hashable, Codable {
    public var id: Int64
    public var creditCode: String
    public var name: String
    public var regionCode: String
    public var contactName: String
    public var contactPhone: String
    public var timeZoneIdentifier: String
    public var createdAt: Date

    public init(id: Int64, creditCode: String, name: String, regionCode: String, contactName: String,
                contactPhone: String, timeZoneIdentifier: String, createdAt: Date) {
        self.id = id
        self.creditCode = creditCode
        self.name = name
        self.regionCode = regionCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.timeZoneIdentifier = timeZoneIdentifier
        self.createdAt = createdAt
    }

    /// The zone in which this organization's times are shown and its calendar days counted.
    public var timeZone: TimeZone { TimeZone(identifier: timeZoneIdentifier) ?? .ledgerDefault }
}

/// One person, platform-wide, deduplicated by identity document.
public struct Volunteer: Sendable, Hashable, Codable {
    public var id: Int64
    /// The public volunteer number (志愿者编号), shown wherever the person is identified.
    public var number: String
    public var name: String
    public var sex: Sex
    public var birthDate: LocalDate
    public var documentType: DocumentType
    /// Stored in full for deduplication; shown only masked except to platform admins.
    public var documentNumber: String
    public var residenceArea: String
    public var phone: String
    public var skills: [String]
    public var serviceCategories: [ServiceCategory]
    public var registeredAt: Date

    public init(id: Int64, number: String, name: String, sex: Sex, birthDate: LocalDate, documentType: DocumentType,
                documentNumber: String, residenceArea: String, phone: String, skills: [String],
                serviceCategories: [ServiceCategory], registeredAt: Date) {
        self.id = id
        self.number = number
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.documentType = documentType
        self.documentNumber = documentNumber
        self.residenceArea = residenceArea
        self.phone = phone
        self.skills = skills
        self.serviceCategories = serviceCategories
        self.registeredAt = registeredAt
    }
}

/// A volunteer's membership of an organization.
public struct Membership: Sendable, Hashable, Codable {
    public var volunteerId: Int64
    public var organizationId: Int64
    public var joinedAt: Date

    public init(volunteerId: Int64, organizationId: Int64, joinedAt: Date) {
        self.volunteerId = volunteerId
        self.organizationId = organizationId
        self.joinedAt = joinedAt
    }
}

/// A volunteer activity published by an organization.
public struct Activity: Sendable, Hashable, Codable {
    public var id: Int64
    public var organizationId: Int64
    public var title: String
    public var content: String
    public var category: ServiceCategory
    public var place: String
    public var startAt: Date
    public var endAt: Date
    /// 活动负责人.
    public var leader: String
    public var createdAt: Date
    /// Where self check-ins are expected, if staff set it.
    public var site: ActivitySite?

    public init(id: Int64, organizationId: Int64, title: String, content: String, category: ServiceCategory,
                place: String, startAt: Date, endAt: Date, leader: String, createdAt: Date, site: ActivitySite? = nil) {
        self.id = id
        self.organizationId = organizationId
        self.title = title
        self.content = content
        self.category = category
        self.place = place
        self.startAt = startAt
        self.endAt = endAt
        self.leader = leader
        self.createdAt = createdAt
        self.site = site
    }
}

/// How a service record entered the ledger.
public enum RecordSource: String, Codable, Sendable, CaseIterable {
    case manual, `import`, checkIn = "check_in", selfCheckIn = "self_check_in", claim
}

/// What a revision did to its record.
public enum RevisionKind: String, Codable, Sendable {
    case created, corrected, voided
}

/// The current state of a service record: the latest of its revisions.
public struct ServiceRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var volunteerId: Int64
    public var activityId: Int64
    public var organizationId: Int64
    public var startAt: Date
    public var endAt: Date
    /// Actual service time in whole minutes, excluding travel.
    public var minutes: Int
    public var source: RecordSource
    public var note: String
    public var recordedBy: Int64?
    public var recordedAt: Date
    /// Entered more than 10 working days after the activity ended.
    public var isLate: Bool
    public var isVoid: Bool
    /// The number of the current revision, 1 for an uncorrected record.
    public var revision: Int

    public init(id: Int64, volunteerId: Int64, activityId: Int64, organizationId: Int64, startAt: Date, endAt: Date,
                minutes: Int, source: RecordSource, note: String, recordedBy: Int64?, recordedAt: Date,
                isLate: Bool, isVoid: Bool, revision: Int) {
        self.id = id
        self.volunteerId = volunteerId
        self.activityId = activityId
        self.organizationId = organizationId
        self.startAt = startAt
        self.endAt = endAt
        self.minutes = minutes
        self.source = source
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.isLate = isLate
        self.isVoid = isVoid
        self.revision = revision
    }
}

/// One immutable entry in a record's history.
public struct RecordRevision: Sendable, Hashable, Codable {
    public var recordId: Int64
    public var revision: Int
    public var kind: RevisionKind
    public var startAt: Date
    public var endAt: Date
    public var minutes: Int
    public var note: String
    /// Why the record was corrected or voided; empty for the first revision.
    public var reason: String
    public var actorId: Int64?
    public var at: Date
    /// Position in the organization's audit chain and the chained SHA-256 digest (hex).
    public var chainSequence: Int64
    public var digest: String

    public init(recordId: Int64, revision: Int, kind: RevisionKind, startAt: Date, endAt: Date, minutes: Int,
                note: String, reason: String, actorId: Int64?, at: Date, chainSequence: Int64, digest: String) {
        self.recordId = recordId
        self.revision = revision
        self.kind = kind
        self.startAt = startAt
        self.endAt = endAt
        self.minutes = minutes
        self.note = note
        self.reason = reason
        self.actorId = actorId
        self.at = at
        self.chainSequence = chainSequence
        self.digest = digest
    }
}

/// Roles of user accounts.
public enum Role: String, Codable, Sendable, CaseIterable {
    case platformAdmin = "platform_admin"
    case organizationAdmin = "org_admin"
    case organizationStaff = "org_staff"
    case inspector
    case volunteer
}

/// A login account.
public struct UserAccount: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: Role
    public var organizationId: Int64?
    public var volunteerId: Int64?
    public var passwordHash: String
    public var createdAt: Date
    public var isDisabled: Bool

    public init(id: Int64, username: String, displayName: String, role: Role, organizationId: Int64?,
                volunteerId: Int64?, passwordHash: String, createdAt: Date, isDisabled: Bool) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.isDisabled = isDisabled
    }
}

/// A bearer-token session; only the SHA-256 of the token is stored.
public struct AccessSession: Sendable, Hashable {
    public var tokenHash: String
    public var userId: Int64
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(tokenHash: String, userId: Int64, createdAt: Date, expiresAt: Date, revokedAt: Date?) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

extension TimeZone {
    /// Asia/Shanghai, the default zone of organizations.
    public static let ledgerDefault = TimeZone(identifier: "Asia/Shanghai")!
}
