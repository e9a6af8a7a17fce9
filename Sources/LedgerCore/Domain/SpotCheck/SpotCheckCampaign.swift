import Foundation

/// Where a campaign stands: created, population frozen (digest shown), seed entered and sample drawn,
/// inspectors assigned, results published.
public enum SpotCheckStatus: String, Codable, Sendable, CaseIterable {
    case draft, frozen, drawn, assigned, published
}

/// Which records, certificates or organizations a campaign covers. Empty lists do not filter.
public struct SpotCheckScope: Codable, Sendable, Hashable {
    /// Records starting (certificates issued) on these days, China Standard Time; nil ends are open.
    public var from: LocalDate?
    public var to: LocalDate?
    public var organizationIds: [Int64]
    /// 行政区划代码: `330106` a county, `330100` a city, `330000` a province.
    public var regionCodes: [String]
    /// Only records (certificates) of at least this many minutes.
    public var minimumMinutes: Int?

    public init(from: LocalDate? = nil, to: LocalDate? = nil, organizationIds: [Int64] = [], regionCodes: [String] = [],
                minimumMinutes: Int? = nil) {
        self.from = from
        self.to = to
        self.organizationIds = organizationIds
        self.regionCodes = regionCodes
        self.minimumMinutes = minimumMinutes
    }

    /// Reads a scope in which every member may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decodeIfPresent(LocalDate.self, forKey: .from)
        to = try container.decodeIfPresent(LocalDate.self, forKey: .to)
        organizationIds = try container.decodeIfPresent([Int64].self, forKey: .organizationIds) ?? []
        regionCodes = try container.decodeIfPresent([String].self, forKey: .regionCodes) ?? []
        minimumMinutes = try container.decodeIfPresent(Int.self, forKey: .minimumMinutes)
    }

    /// Whether an organization in `regionCode` lies in one of the scope's regions (all, when none).
    public func covers(regionCode: String) -> Bool {
        regionCodes.isEmpty || regionCodes.contains { Self.region($0, contains: regionCode) }
    }

    /// Province codes end in 0000 and contain their first two digits; city codes end in 00 and contain
    /// their first four; county codes contain only themselves.
    static func region(_ code: String, contains other: String) -> Bool {
        if code.hasSuffix("0000") { return other.hasPrefix(code.prefix(2)) }
        if code.hasSuffix("00") { return other.hasPrefix(code.prefix(4)) }
        return other == code
    }
}

/// A spot-check campaign (双随机、一公开 抽查).
public struct SpotCheckCampaign: Codable, Sendable, Hashable {
    public var id: Int64
    public var title: String
    public var unit: SpotCheckUnit
    public var scope: SpotCheckScope
    public var sizeRule: SampleSizeRule
    public var stratified: Bool
    public var weighting: SpotCheckWeighting
    public var recordsPerOrganization: Int
    public var inspectorsPerUnit: Int
    public var status: SpotCheckStatus
    /// Stage-1 members (records, certificates or organizations), fixed at freezing.
    public var populationSize: Int?
    /// Organization campaigns: records of the organizations in scope, fixed at freezing.
    public var secondStageSize: Int?
    /// SHA-256 of the population text (`PopulationText`), shown before any seed exists.
    public var populationDigest: String?
    /// Stage-1 sample size, fixed at freezing.
    public var sampleSize: Int?
    /// Attribute-sampling campaigns: the distribution the size came from.
    public var sizeMethod: SampleSizeMethod?
    /// Entered after freezing, e.g. 20 digits from public dice rolls.
    public var seed: String?
    /// The inspector pool as it stood when inspectors were assigned, with each one's exclusions.
    public var inspectorPool: [SpotCheckPoolMember]?
    public var createdBy: Int64?
    public var createdAt: Date
    public var frozenAt: Date?
    public var drawnAt: Date?
    public var assignedAt: Date?
    public var publishedAt: Date?

    public init(id: Int64, title: String, unit: SpotCheckUnit, scope: SpotCheckScope, sizeRule: SampleSizeRule,
                stratified: Bool, weighting: SpotCheckWeighting, recordsPerOrganization: Int, inspectorsPerUnit: Int,
                status: SpotCheckStatus, populationSize: Int? = nil, secondStageSize: Int? = nil,
                populationDigest: String? = nil, sampleSize: Int? = nil, sizeMethod: SampleSizeMethod? = nil,
                seed: String? = nil, inspectorPool: [SpotCheckPoolMember]? = nil, createdBy: Int64?, createdAt: Date, frozenAt: Date? = nil, drawnAt: Date? = nil,
                assignedAt: Date? = nil, publishedAt: Date? = nil) {
        self.id = id
        self.title = title
        self.unit = unit
        self.scope = scope
        self.sizeRule = sizeRule
        self.stratified = stratified
        self.weighting = weighting
        self.recordsPerOrganization = recordsPerOrganization
        self.inspectorsPerUnit = inspectorsPerUnit
        self.status = status
        self.populationSize = populationSize
        self.secondStageSize = secondStageSize
        self.populationDigest = populationDigest
        self.sampleSize = sampleSize
        self.sizeMethod = sizeMethod
        self.seed = seed
        self.inspectorPool = inspectorPool
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.frozenAt = frozenAt
        self.drawnAt = drawnAt
        self.assignedAt = assignedAt
        self.publishedAt = publishedAt
    }

    /// The design the draw and the assignment follow (after freezing).
    public var design: SpotCheckDesign {
        SpotCheckDesign(unit: unit, sampleSize: sampleSize ?? 0, stratified: stratified, weighting: weighting,
                        recordsPerOrganization: recordsPerOrganization, inspectorsPerUnit: inspectorsPerUnit)
    }

    /// The attribute-sampling plan, for campaigns sized by a tolerable rate.
    public var attributePlan: AttributeSamplingPlan? {
        guard let tolerableRate = sizeRule.tolerableRate, let sizeMethod, let sampleSize, let populationSize else { return nil }
        return AttributeSamplingPlan(tolerableRate: tolerableRate, confidence: sizeRule.confidence ?? 0.95,
                                     expectedDeviations: sizeRule.expectedDeviations ?? 0, population: populationSize,
                                     method: sizeMethod, size: sampleSize)
    }
}

/// An inspector in a campaign's pool and the organizations (credit codes) they may not check.
public struct SpotCheckPoolMember: Codable, Sendable, Hashable {
    public var inspectorId: Int64
    public var excludedOrganizations: [String]

    public init(inspectorId: Int64, excludedOrganizations: [String]) {
        self.inspectorId = inspectorId
        self.excludedOrganizations = excludedOrganizations
    }

    /// The inspector as the assignment sees them: key = account id.
    public var assignee: InspectorAssignment.Inspector {
        InspectorAssignment.Inspector(key: String(inspectorId), excluded: Set(excludedOrganizations))
    }
}

/// A frozen population member with the ledger entity it stands for.
public struct SpotCheckPopulationEntry: Sendable, Hashable {
    public var member: PopulationMember
    /// Record, certificate or organization id.
    public var entityId: Int64
    /// The member's organization (nil for certificates the platform issued).
    public var organizationId: Int64?

    public init(member: PopulationMember, entityId: Int64, organizationId: Int64?) {
        self.member = member
        self.entityId = entityId
        self.organizationId = organizationId
    }
}

/// A drawn unit as stored, with its ledger entity.
public struct SpotCheckSampleEntry: Sendable, Hashable {
    public var unit: DrawnUnit
    public var entityId: Int64
    public var organizationId: Int64?

    public init(unit: DrawnUnit, entityId: Int64, organizationId: Int64?) {
        self.unit = unit
        self.entityId = entityId
        self.organizationId = organizationId
    }
}

/// An inspector on a sampled unit's team.
public struct SpotCheckAssignment: Sendable, Hashable, Codable {
    public var campaignId: Int64
    /// The stage-1 unit (record, certificate or organization) the team checks.
    public var unitId: String
    public var inspectorId: Int64
    /// 1-based place on the team, in pick order.
    public var position: Int

    public init(campaignId: Int64, unitId: String, inspectorId: Int64, position: Int) {
        self.campaignId = campaignId
        self.unitId = unitId
        self.inspectorId = inspectorId
        self.position = position
    }
}

/// What inspectors found about one item.
public enum FindingOutcome: String, Codable, Sendable, CaseIterable {
    /// 属实.
    case confirmed
    /// 不属实.
    case discrepancy
    /// 无法核实.
    case unverifiable

    public var chineseLabel: String {
        switch self {
        case .confirmed: "属实"
        case .discrepancy: "不属实"
        case .unverifiable: "无法核实"
        }
    }
}

/// The kind of a discrepancy.
public enum DiscrepancyKind: String, Codable, Sendable, CaseIterable {
    case hoursOverstated = "hours_overstated"
    case hoursUnderstated = "hours_understated"
    case didNotServe = "did_not_serve"
    case activityNotHeld = "activity_not_held"
    case other

    public var chineseLabel: String {
        switch self {
        case .hoursOverstated: "时长虚报"
        case .hoursUnderstated: "时长少记"
        case .didNotServe: "本人未参加服务"
        case .activityNotHeld: "活动未举办"
        case .other: "其他"
        }
    }
}

/// The inspectors' checklist (检查要点); nil: not checked or not applicable.
public struct InspectionChecklist: Codable, Sendable, Hashable {
    /// Record fields complete.
    public var fieldsComplete: Bool?
    /// Recorded within 10 working days of the activity.
    public var recordedInTime: Bool?
    /// Hours match the real activity.
    public var hoursMatch: Bool?
    /// Not paid work or official duty recorded as volunteering.
    public var notPaidOrDuty: Bool?
    /// The certificate verifies.
    public var certificateVerifiable: Bool?
    /// No fee charged for recording or certificates.
    public var noFeeCharged: Bool?

    public init(fieldsComplete: Bool? = nil, recordedInTime: Bool? = nil, hoursMatch: Bool? = nil,
                notPaidOrDuty: Bool? = nil, certificateVerifiable: Bool? = nil, noFeeCharged: Bool? = nil) {
        self.fieldsComplete = fieldsComplete
        self.recordedInTime = recordedInTime
        self.hoursMatch = hoursMatch
        self.notPaidOrDuty = notPaidOrDuty
        self.certificateVerifiable = certificateVerifiable
        self.noFeeCharged = noFeeCharged
    }
}

/// The decision on one inspected item.
public struct SpotCheckFinding: Codable, Sendable, Hashable {
    public var campaignId: Int64
    /// The inspected item's canonical id (record id or certificate serial).
    public var itemId: String
    public var outcome: FindingOutcome
    public var discrepancy: DiscrepancyKind?
    /// The minutes the inspectors found (discrepancies about hours).
    public var correctedMinutes: Int?
    public var notes: String
    public var checklist: InspectionChecklist
    public var decidedBy: Int64?
    public var decidedAt: Date
    /// The record revision the discrepancy appended, if one was.
    public var correctionRevision: Int?
    /// Why no revision was appended though the figure differs (e.g. the rules refused it).
    public var correctionNote: String

    public init(campaignId: Int64, itemId: String, outcome: FindingOutcome, discrepancy: DiscrepancyKind?,
                correctedMinutes: Int?, notes: String, checklist: InspectionChecklist, decidedBy: Int64?,
                decidedAt: Date, correctionRevision: Int? = nil, correctionNote: String = "") {
        self.campaignId = campaignId
        self.itemId = itemId
        self.outcome = outcome
        self.discrepancy = discrepancy
        self.correctedMinutes = correctedMinutes
        self.notes = notes
        self.checklist = checklist
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.correctionRevision = correctionRevision
        self.correctionNote = correctionNote
    }
}

/// Why an inspector may not check an organization (回避).
public enum ExclusionKind: String, Codable, Sendable, CaseIterable {
    /// Works for, or belongs to, the organization.
    case affiliation
    /// Declared conflict of interest.
    case conflict
}

/// An inspector's affiliation with, or declared conflict with, an organization.
public struct InspectorExclusion: Codable, Sendable, Hashable {
    public var inspectorId: Int64
    public var organizationId: Int64
    public var kind: ExclusionKind
    public var reason: String
    public var declaredAt: Date
    public var declaredBy: Int64?

    public init(inspectorId: Int64, organizationId: Int64, kind: ExclusionKind, reason: String, declaredAt: Date,
                declaredBy: Int64?) {
        self.inspectorId = inspectorId
        self.organizationId = organizationId
        self.kind = kind
        self.reason = reason
        self.declaredAt = declaredAt
        self.declaredBy = declaredBy
    }
}

/// A certificate marked for review because a record it covers was found untrue; revoking it stays a
/// human decision.
public struct CertificateReview: Codable, Sendable, Hashable {
    public var certificateId: Int64
    public var campaignId: Int64
    public var itemId: String
    public var reason: String
    public var flaggedAt: Date

    public init(certificateId: Int64, campaignId: Int64, itemId: String, reason: String, flaggedAt: Date) {
        self.certificateId = certificateId
        self.campaignId = campaignId
        self.itemId = itemId
        self.reason = reason
        self.flaggedAt = flaggedAt
    }
}

/// A certificate as a spot check sees it: its public serial, issuer and hours.
public struct SpotCheckCertificate: Sendable, Hashable {
    public var id: Int64
    public var serial: String
    /// The issuing organization; nil when the platform issued it.
    public var organizationId: Int64?
    public var minutes: Int
    public var issuedAt: Date
    public var isRevoked: Bool

    public init(id: Int64, serial: String, organizationId: Int64?, minutes: Int, issuedAt: Date, isRevoked: Bool) {
        self.id = id
        self.serial = serial
        self.organizationId = organizationId
        self.minutes = minutes
        self.issuedAt = issuedAt
        self.isRevoked = isRevoked
    }
}
