import Foundation

/// What a spot-check campaign samples.
public enum SpotCheckUnit: String, Codable, Sendable, CaseIterable {
    /// Hour records.
    case records
    /// Certificates of hours (issue 3).
    case certificates
    /// Organizations, then records within each sampled organization (the bureau's yearly check).
    case organizations
}

/// How items are weighted when drawn: not at all (every id equally likely, compatible with
/// `consistent-sampler`), by hours, by risk (late and anomaly flags) or both.
public enum SpotCheckWeighting: String, Codable, Sendable, CaseIterable {
    case none, hours, risk
    case hoursAndRisk = "hours_and_risk"

    public var usesHours: Bool { self == .hours || self == .hoursAndRisk }
    public var usesRisk: Bool { self == .risk || self == .hoursAndRisk }
}

/// The administrative level of a yearly organization check and the share it must cover:
/// at least 3 % (county), 4 % (city) or 5 % (province) of organizations.
public enum SpotCheckLevel: String, Codable, Sendable, CaseIterable {
    case county, city, province

    public var minimumRate: Double {
        switch self {
        case .county: 0.03
        case .city: 0.04
        case .province: 0.05
        }
    }
}

/// How the sample size is set: exactly one of a size, a rate, an attribute-sampling target or a level.
public struct SampleSizeRule: Codable, Sendable, Hashable {
    public var size: Int?
    /// Share of the population, rounded up.
    public var rate: Double?
    /// Tolerable deviation rate, with `confidence` (default 0.95) and `expectedDeviations` (default 0).
    public var tolerableRate: Double?
    public var confidence: Double?
    public var expectedDeviations: Int?
    /// Organization campaigns: the level's minimum rate.
    public var level: SpotCheckLevel?

    public init(size: Int? = nil, rate: Double? = nil, tolerableRate: Double? = nil, confidence: Double? = nil,
                expectedDeviations: Int? = nil, level: SpotCheckLevel? = nil) {
        self.size = size
        self.rate = rate
        self.tolerableRate = tolerableRate
        self.confidence = confidence
        self.expectedDeviations = expectedDeviations
        self.level = level
    }

    /// The checked rule, or the error naming the field at fault.
    func validated(for unit: SpotCheckUnit) throws(LedgerError) -> SampleSizeRule {
        let given = [size != nil, rate != nil, tolerableRate != nil, level != nil].filter { $0 }.count
        guard given == 1 else {
            throw .invalidField(field: "sampleSize",
                                reason: "须且只能给出 size、rate、tolerableRate 或 level 之一 / give exactly one of size, rate, tolerableRate or level")
        }
        if let size, !(1...100_000).contains(size) {
            throw .invalidField(field: "sampleSize.size", reason: "须在 1 到 100000 之间 / must be between 1 and 100000")
        }
        if let rate, !(rate > 0 && rate <= 1) {
            throw .invalidField(field: "sampleSize.rate", reason: "须在 0 到 1 之间 / must be above 0 and at most 1")
        }
        if let tolerableRate {
            guard tolerableRate > 0, tolerableRate < 0.5 else {
                throw .invalidField(field: "sampleSize.tolerableRate", reason: "须在 0 到 0.5 之间 / must be above 0 and below 0.5")
            }
            guard (0.5..<1).contains(confidence ?? 0.95) else {
                throw .invalidField(field: "sampleSize.confidence", reason: "须在 0.5 到 1 之间 / must be at least 0.5 and below 1")
            }
            guard (0...20).contains(expectedDeviations ?? 0) else {
                throw .invalidField(field: "sampleSize.expectedDeviations", reason: "须在 0 到 20 之间 / must be between 0 and 20")
            }
        } else if confidence != nil || expectedDeviations != nil {
            throw .invalidField(field: "sampleSize.confidence", reason: "仅与 tolerableRate 一起使用 / only with tolerableRate")
        }
        if level != nil, unit != .organizations {
            throw .invalidField(field: "sampleSize.level", reason: "仅用于抽查组织 / only for campaigns that sample organizations")
        }
        return self
    }

    /// The sample size for a population of `population` units, and the attribute plan when there is one.
    public func resolve(population: Int) -> (size: Int, plan: AttributeSamplingPlan?) {
        guard population > 0 else { return (0, nil) }
        if let size { return (min(size, population), nil) }
        if let rate { return (min(population, max(1, Self.ceilShare(rate, of: population))), nil) }
        if let level { return (min(population, max(1, Self.ceilShare(level.minimumRate, of: population))), nil) }
        let plan = AttributeSampling.plan(tolerableRate: tolerableRate ?? 0.05, confidence: confidence ?? 0.95,
                                          expectedDeviations: expectedDeviations ?? 0, population: population)
        return (min(plan.size, population), plan)
    }

    /// ceil(rate * n), with a tolerance of 1e-9 for decimal input such as 0.03 x 100.
    static func ceilShare(_ rate: Double, of n: Int) -> Int {
        Int((rate * Double(n) - 1e-9).rounded(.up))
    }
}

/// Everything that, with the frozen population and the seed, determines the sample and the assignment.
public struct SpotCheckDesign: Codable, Sendable, Hashable {
    public var unit: SpotCheckUnit
    /// Stage-1 sample size, fixed when the population is frozen.
    public var sampleSize: Int
    /// Proportional allocation over organizations, at least one each (record and certificate campaigns).
    public var stratified: Bool
    public var weighting: SpotCheckWeighting
    /// Organization campaigns: records drawn within each sampled organization.
    public var recordsPerOrganization: Int
    public var inspectorsPerUnit: Int

    public init(unit: SpotCheckUnit, sampleSize: Int, stratified: Bool, weighting: SpotCheckWeighting,
                recordsPerOrganization: Int, inspectorsPerUnit: Int) {
        self.unit = unit
        self.sampleSize = sampleSize
        self.stratified = stratified
        self.weighting = weighting
        self.recordsPerOrganization = recordsPerOrganization
        self.inspectorsPerUnit = inspectorsPerUnit
    }
}

/// The risk factor of a record in risk-weighted campaigns: 2 if entered late, times 2 if anomalous.
public enum RecordRisk {
    /// More than this many minutes in a single record is unusual.
    public static let longRecordMinutes = 8 * 60

    /// A record is anomalous when it claims more than 8 hours at once, or was corrected after entry.
    public static func isAnomalous(_ record: ServiceRecord) -> Bool {
        record.minutes > longRecordMinutes || record.revision > 1
    }

    /// Twice for a late entry, twice for an anomaly, twice for a self check-in away from the activity's site.
    public static func factor(_ record: ServiceRecord, offSite: Bool = false) -> Int {
        (record.isLate ? 2 : 1) * (isAnomalous(record) ? 2 : 1) * (offSite ? 2 : 1)
    }

    /// The sampling weight of a record under `weighting`: minutes and/or the risk factor.
    public static func weight(_ record: ServiceRecord, _ weighting: SpotCheckWeighting, offSite: Bool = false) -> Int {
        (weighting.usesHours ? record.minutes : 1) * (weighting.usesRisk ? factor(record, offSite: offSite) : 1)
    }
}
