import Foundation

/// What a platform admin enters to create a spot-check campaign.
public struct SpotCheckInput: Codable, Sendable {
    public var title: String
    public var unit: SpotCheckUnit
    public var scope: SpotCheckScope?
    public var sampleSize: SampleSizeRule
    /// Proportional allocation over organizations, at least one each (records and certificates).
    public var stratified: Bool?
    public var weighting: SpotCheckWeighting?
    /// Organization campaigns: records drawn within each sampled organization (default 5).
    public var recordsPerOrganization: Int?
    /// Inspectors per sampled unit (default 2: on-site checks need at least two).
    public var inspectorsPerUnit: Int?

    public init(title: String, unit: SpotCheckUnit, scope: SpotCheckScope? = nil, sampleSize: SampleSizeRule,
                stratified: Bool? = nil, weighting: SpotCheckWeighting? = nil, recordsPerOrganization: Int? = nil,
                inspectorsPerUnit: Int? = nil) {
        self.title = title
        self.unit = unit
        self.scope = scope
        self.sampleSize = sampleSize
        self.stratified = stratified
        self.weighting = weighting
        self.recordsPerOrganization = recordsPerOrganization
        self.inspectorsPerUnit = inspectorsPerUnit
    }
}

/// What inspectors decide about one item.
public struct FindingInput: Codable, Sendable {
    /// The item's id as listed in the sample (record id or certificate serial).
    public var item: String
    public var outcome: FindingOutcome
    public var discrepancy: DiscrepancyKind?
    /// The minutes the inspectors established (hours over- or understated; optional for `other`).
    public var correctedMinutes: Int?
    public var notes: String?
    public var checklist: InspectionChecklist?

    public init(item: String, outcome: FindingOutcome, discrepancy: DiscrepancyKind? = nil, correctedMinutes: Int? = nil,
                notes: String? = nil, checklist: InspectionChecklist? = nil) {
        self.item = item
        self.outcome = outcome
        self.discrepancy = discrepancy
        self.correctedMinutes = correctedMinutes
        self.notes = notes
        self.checklist = checklist
    }
}

/// An inspector's declaration of an affiliation or a conflict of interest (回避).
public struct ExclusionInput: Codable, Sendable {
    /// Defaults to the signed-in inspector.
    public var inspectorId: Int64?
    public var organizationId: Int64
    public var kind: ExclusionKind
    public var reason: String?

    public init(inspectorId: Int64? = nil, organizationId: Int64, kind: ExclusionKind, reason: String? = nil) {
        self.inspectorId = inspectorId
        self.organizationId = organizationId
        self.kind = kind
        self.reason = reason
    }
}

/// A campaign with its sample, teams and findings, as admins and inspectors see it.
public struct SpotCheckDetail: Sendable {
    public var campaign: SpotCheckCampaign
    public var sample: [SpotCheckSampleEntry]
    public var assignments: [SpotCheckAssignment]
    public var findings: [SpotCheckFinding]

    /// Items still to decide.
    public var openItems: Int {
        let decided = Set(findings.map(\.itemId))
        return sample.filter { $0.unit.stage == (campaign.unit == .organizations ? 2 : 1) && !decided.contains($0.unit.id) }.count
    }
}

/// One item of an inspector's worklist: everything needed to check it.
public struct WorklistItem: Sendable {
    public var campaign: SpotCheckCampaign
    public var itemId: String
    /// The stage-1 unit whose team the inspector is on (the organization, in organization campaigns).
    public var unitId: String
    public var team: [Int64]
    public var organization: Organization
    public var record: ServiceRecord?
    public var history: [RecordRevision]
    public var activity: Activity?
    /// The volunteer with document number and phone masked.
    public var volunteer: Volunteer?
    public var certificate: Certificate?
    public var finding: SpotCheckFinding?
}

/// Rates across campaigns: share of organizations checked (抽查率) and of campaigns published (公示率).
public struct SpotCheckStatistics: Codable, Sendable, Hashable {
    public var year: Int?
    public var organizations: Int
    public var organizationsChecked: Int
    public var checkRate: Double
    /// Campaigns whose sample was drawn.
    public var campaignsDrawn: Int
    public var campaignsPublished: Int
    public var publicationRate: Double
}

extension Ledger {
    // MARK: Campaign life cycle

    /// Creates a campaign in draft (platform admins).
    public func createSpotCheck(_ input: SpotCheckInput, by principal: Principal) async throws -> SpotCheckCampaign {
        try Self.requirePlatform(principal, "只有平台管理员可以组织抽查 / only platform admins run spot checks")
        let title = try InputCheck.required(input.title, field: "title", maxLength: 200)
        let scope = input.scope ?? SpotCheckScope()
        try LedgerDates.checkPeriod(from: scope.from, to: scope.to, prefix: "scope.")
        for code in scope.regionCodes {
            do { _ = try RegionCode(code) } catch {
                throw LedgerError.invalidField(field: "scope.regionCodes", reason: "\(code): \(error)")
            }
        }
        if let minimum = scope.minimumMinutes, minimum < 0 {
            throw LedgerError.invalidField(field: "scope.minimumMinutes", reason: "不能为负数 / cannot be negative")
        }
        let rule = try input.sampleSize.validated(for: input.unit)
        let stratified = input.stratified ?? false
        if stratified, input.unit == .organizations {
            throw LedgerError.invalidField(field: "stratified", reason: "抽查组织时不分层 / organization campaigns are not stratified")
        }
        let weighting = input.weighting ?? .none
        let perUnit = input.inspectorsPerUnit ?? 2
        guard (2...5).contains(perUnit) else {
            throw LedgerError.invalidField(field: "inspectorsPerUnit",
                                           reason: "现场检查至少两人，最多五人 / on-site checks need 2 to 5 inspectors")
        }
        let perOrganization = input.recordsPerOrganization ?? 5
        guard (1...1000).contains(perOrganization) else {
            throw LedgerError.invalidField(field: "recordsPerOrganization", reason: "须在 1 到 1000 之间 / must be between 1 and 1000")
        }
        let campaign = SpotCheckCampaign(
            id: 0, title: title, unit: input.unit, scope: scope, sizeRule: rule, stratified: stratified, weighting: weighting,
            recordsPerOrganization: perOrganization, inspectorsPerUnit: perUnit, status: .draft, createdBy: principal.userId,
            createdAt: now)
        return try await store.write { w in
            for id in scope.organizationIds where try w.organization(id: id) == nil {
                throw LedgerError.notFound(entity: "organization", key: String(id))
            }
            return try w.insert(campaign)
        }
    }

    /// Freezes the population: stores the exact list of ids in scope and its SHA-256 digest, and fixes
    /// the sample size. Only after this may a seed be entered.
    public func freezeSpotCheck(id: Int64, by principal: Principal) async throws -> SpotCheckCampaign {
        try Self.requirePlatform(principal, "只有平台管理员可以组织抽查 / only platform admins run spot checks")
        let now = self.now
        return try await store.write { w in
            var campaign = try Self.lockedCampaign(id, in: w)
            try Self.require(campaign, .draft, "已冻结 / the population is already frozen")
            let entries = try SpotCheckPopulation.build(campaign, in: w)
            let first = entries.filter { $0.member.stage == 1 }
            guard !first.isEmpty else {
                throw LedgerError.invalidField(field: "scope", reason: "范围内没有可抽查的对象 / nothing in scope to sample")
            }
            let (size, plan) = campaign.sizeRule.resolve(population: first.count)
            campaign.populationSize = first.count
            campaign.secondStageSize = campaign.unit == .organizations ? entries.count - first.count : nil
            campaign.populationDigest = PopulationText.digest(entries.map(\.member))
            campaign.sampleSize = size
            campaign.sizeMethod = plan?.method
            campaign.status = .frozen
            campaign.frozenAt = now
            try w.insertPopulation(entries, campaignId: campaign.id)
            try w.update(campaign)
            try w.enqueueLogEntries([LogEntry.frozen(campaign).bytes])
            return campaign
        }
    }

    /// Enters the seed and draws the sample from the frozen population (platform admins).
    public func drawSpotCheck(id: Int64, seed rawSeed: String, by principal: Principal) async throws -> SpotCheckDetail {
        try Self.requirePlatform(principal, "只有平台管理员可以组织抽查 / only platform admins run spot checks")
        let seed = try Self.checkedSeed(rawSeed)
        let now = self.now
        return try await store.write { w in
            var campaign = try Self.lockedCampaign(id, in: w)
            guard campaign.status != .draft else {
                throw LedgerError.spotCheckState(id: id, status: campaign.status,
                                                 expected: "请先冻结抽查范围，再输入随机种子 / freeze the population before entering the seed")
            }
            try Self.require(campaign, .frozen, "已抽样 / the sample is already drawn")
            let population = try w.spotCheckPopulation(campaignId: campaign.id)
            let draw: SpotCheckDraw
            do {
                draw = try SpotCheckDrawing.draw(population: population.map(\.member), seed: seed, design: campaign.design)
            } catch {
                throw LedgerError.invalidField(field: "seed", reason: "\(error)")
            }
            // The entries of the drawn units only (a population may hold millions; the sample thousands).
            struct UnitKey: Hashable { var stage: Int; var id: String }
            let drawn = Set(draw.units.map { UnitKey(stage: $0.stage, id: $0.id) })
            var entities: [UnitKey: SpotCheckPopulationEntry] = [:]
            entities.reserveCapacity(drawn.count)
            for entry in population {
                let key = UnitKey(stage: entry.member.stage, id: entry.member.id)
                if drawn.contains(key) { entities[key] = entry }
            }
            let sample = draw.units.map { unit -> SpotCheckSampleEntry in
                let entry = entities[UnitKey(stage: unit.stage, id: unit.id)]!
                return SpotCheckSampleEntry(unit: unit, entityId: entry.entityId, organizationId: entry.organizationId)
            }
            campaign.seed = seed
            campaign.status = .drawn
            campaign.drawnAt = now
            try w.insertSample(sample, campaignId: campaign.id)
            try w.update(campaign)
            try w.enqueueLogEntries([LogEntry.drawn(campaign).bytes])
            return SpotCheckDetail(campaign: campaign, sample: sample, assignments: [], findings: [])
        }
    }

    /// Assigns inspectors to every sampled unit from the active inspector pool (platform admins).
    public func assignSpotCheck(id: Int64, by principal: Principal) async throws -> SpotCheckDetail {
        try Self.requirePlatform(principal, "只有平台管理员可以组织抽查 / only platform admins run spot checks")
        let now = self.now
        return try await store.write { w in
            var campaign = try Self.lockedCampaign(id, in: w)
            try Self.require(campaign, .drawn, campaign.status.isBefore(.drawn)
                             ? "请先抽样 / draw the sample first" : "已分配检查人员 / inspectors are already assigned")
            let pool = try Self.inspectorPool(in: w)
            let sample = try w.spotCheckSample(campaignId: campaign.id)
            let units = sample.filter { $0.unit.stage == 1 }
            let result: InspectorAssignment.Result
            do {
                result = try InspectorAssignment.assign(
                    units: units.map { InspectorAssignment.Unit(id: $0.unit.id, organization: $0.unit.stratum) },
                    pool: pool.map(\.assignee), perUnit: campaign.inspectorsPerUnit, seed: campaign.seed ?? "")
            } catch {
                throw LedgerError.spotCheckState(id: id, status: campaign.status, expected: "\(error)")
            }
            let assignments = zip(units, result.teams).flatMap { unit, team in
                team.enumerated().map { offset, key in
                    SpotCheckAssignment(campaignId: campaign.id, unitId: unit.unit.id, inspectorId: Int64(key)!, position: offset + 1)
                }
            }
            campaign.inspectorPool = pool
            campaign.status = .assigned
            campaign.assignedAt = now
            try w.insert(assignments)
            try w.update(campaign)
            try w.enqueueLogEntries([LogEntry.assigned(campaign, assignments).bytes])
            return SpotCheckDetail(campaign: campaign, sample: sample, assignments: assignments, findings: [])
        }
    }

    /// Records the finding on one item. A discrepancy corrects (or, when the service did not happen,
    /// voids) the record through the normal revision path with the campaign as reason, and marks every
    /// certificate covering it for review.
    public func decideSpotCheckItem(campaignId: Int64, _ input: FindingInput, by principal: Principal) async throws -> SpotCheckFinding {
        guard principal.role == .inspector || principal.role == .platformAdmin else {
            throw LedgerError.forbidden("只有检查人员可以登记检查结果 / only inspectors record findings")
        }
        let notes = try InputCheck.optional(input.notes, field: "notes", maxLength: 2000)
        try Self.checkFindingShape(input)
        let now = self.now
        return try await store.write { w in
            let campaign = try Self.lockedCampaign(campaignId, in: w)
            try Self.require(campaign, .assigned, campaign.status == .published
                             ? "已公示，不能再登记 / the campaign is published" : "尚未分配检查人员 / inspectors are not assigned yet")
            let itemStage = campaign.unit == .organizations ? 2 : 1
            let sample = try w.spotCheckSample(campaignId: campaignId)
            guard let item = sample.first(where: { $0.unit.stage == itemStage && $0.unit.id == input.item }) else {
                throw LedgerError.notFound(entity: "spot-check item", key: input.item)
            }
            let unitId = campaign.unit == .organizations ? item.unit.stratum : item.unit.id
            let team = try w.spotCheckAssignments(campaignId: campaignId).filter { $0.unitId == unitId }.map(\.inspectorId)
            if principal.role == .inspector {
                guard let userId = principal.userId, team.contains(userId) else {
                    throw LedgerError.forbidden("只能登记分配给自己的抽查对象 / you can only decide items assigned to you")
                }
            }
            if try w.spotCheckFindings(campaignId: campaignId).contains(where: { $0.itemId == input.item }) {
                throw LedgerError.findingExists(item: input.item)
            }
            var finding = SpotCheckFinding(
                campaignId: campaignId, itemId: input.item, outcome: input.outcome, discrepancy: input.discrepancy,
                correctedMinutes: input.correctedMinutes, notes: notes, checklist: input.checklist ?? InspectionChecklist(),
                decidedBy: principal.userId, decidedAt: now)
            if input.outcome == .discrepancy {
                let reason = Self.correctionReason(campaign, input)
                switch campaign.unit {
                case .records, .organizations:
                    try Self.applyDiscrepancy(to: item.entityId, input, reason: reason, finding: &finding, by: principal, now: now, in: w)
                    for certificateId in try w.certificateIds(coveringRecord: item.entityId) {
                        try w.insert(CertificateReview(certificateId: certificateId, campaignId: campaignId, itemId: input.item,
                                                       reason: reason, flaggedAt: now))
                    }
                case .certificates:
                    try w.insert(CertificateReview(certificateId: item.entityId, campaignId: campaignId, itemId: input.item,
                                                   reason: reason, flaggedAt: now))
                }
            }
            try w.insert(finding)
            return finding
        }
    }

    /// Publishes a campaign whose every item is decided (platform admins).
    public func publishSpotCheck(id: Int64, by principal: Principal) async throws -> SpotCheckCampaign {
        try Self.requirePlatform(principal, "只有平台管理员可以组织抽查 / only platform admins run spot checks")
        let now = self.now
        return try await store.write { w in
            var campaign = try Self.lockedCampaign(id, in: w)
            try Self.require(campaign, .assigned, campaign.status == .published
                             ? "已公示 / already published" : "尚未分配检查人员 / inspectors are not assigned yet")
            let detail = SpotCheckDetail(campaign: campaign, sample: try w.spotCheckSample(campaignId: id), assignments: [],
                                         findings: try w.spotCheckFindings(campaignId: id))
            guard detail.openItems == 0 else { throw LedgerError.itemsUndecided(count: detail.openItems) }
            campaign.status = .published
            campaign.publishedAt = now
            try w.update(campaign)
            try w.enqueueLogEntries([LogEntry.published(campaign, detail.findings).bytes])
            return campaign
        }
    }

    // MARK: Reading

    /// A campaign with its sample, teams and findings (platform admins and inspectors).
    public func spotCheck(id: Int64, by principal: Principal) async throws -> SpotCheckDetail {
        try Self.requireOverseer(principal)
        let detail = try await store.read { r -> SpotCheckDetail? in
            guard let campaign = try r.spotCheckCampaign(id: id) else { return nil }
            return SpotCheckDetail(campaign: campaign, sample: try r.spotCheckSample(campaignId: id),
                                   assignments: try r.spotCheckAssignments(campaignId: id),
                                   findings: try r.spotCheckFindings(campaignId: id))
        }
        guard let detail else { throw LedgerError.notFound(entity: "spot check", key: String(id)) }
        return detail
    }

    public func spotChecks(after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<SpotCheckCampaign> {
        try Self.requireOverseer(principal)
        let limit = try InputCheck.limit(limit)
        let fetched = try await store.readAllowingLag { try $0.spotCheckCampaigns(after: after, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// Campaigns anyone may see once frozen: title, status, population size and digest, seed when drawn.
    public func publicSpotChecks(after: Int64?, limit: Int?) async throws -> Page<SpotCheckCampaign> {
        let limit = try InputCheck.limit(limit)
        var collected: [SpotCheckCampaign] = []
        var cursor = after
        while collected.count <= limit {
            let from = cursor
            let page = try await store.readAllowingLag { try $0.spotCheckCampaigns(after: from, limit: 200) }
            collected += page.filter { $0.status != .draft }
            guard page.count == 200, let last = page.last else { break }
            cursor = last.id
        }
        return Page(fetched: Array(collected.prefix(limit + 1)), limit: limit, id: \.id)
    }

    /// The frozen population text of a campaign (public once frozen): `sha256sum` gives its digest.
    public func spotCheckPopulationText(id: Int64) async throws -> String {
        let found = try await store.read { r -> (SpotCheckCampaign, [SpotCheckPopulationEntry])? in
            guard let campaign = try r.spotCheckCampaign(id: id), campaign.status != .draft else { return nil }
            return (campaign, try r.spotCheckPopulation(campaignId: id))
        }
        guard let (_, population) = found else { throw LedgerError.notFound(entity: "spot check", key: String(id)) }
        return PopulationText.text(population.map(\.member))
    }

    /// The published results (public, no personal data); not found until the campaign is published.
    public func spotCheckPublication(id: Int64) async throws -> SpotCheckPublication {
        let publication = try await store.readAllowingLag { r -> SpotCheckPublication? in
            guard let campaign = try r.spotCheckCampaign(id: id), campaign.status == .published else { return nil }
            return try SpotCheckPublication.build(campaign: campaign, in: r)
        }
        guard let publication else { throw LedgerError.notFound(entity: "spot check", key: String(id)) }
        return publication
    }

    /// The items assigned to an inspector, with what they need to check each (own worklist; platform
    /// admins may read anyone's).
    public func spotCheckWorklist(inspectorId: Int64? = nil, includeDecided: Bool = true,
                                  by principal: Principal) async throws -> [WorklistItem] {
        let target: Int64
        switch principal.role {
        case .inspector:
            guard let own = principal.userId, inspectorId == nil || inspectorId == own else {
                throw LedgerError.forbidden("只能查看自己的检查任务 / you can only read your own worklist")
            }
            target = own
        case .platformAdmin:
            guard let inspectorId else {
                throw LedgerError.invalidField(field: "inspector", reason: "不能为空 / is required")
            }
            target = inspectorId
        default:
            throw LedgerError.forbidden("只有检查人员有检查任务 / only inspectors have worklists")
        }
        return try await store.read { r in
            try SpotCheckWorklist.items(inspectorId: target, includeDecided: includeDecided, in: r)
        }
    }

    /// Rates across campaigns, for the year campaigns were drawn (China Standard Time) or all years.
    public func spotCheckStatistics(year: Int? = nil) async throws -> SpotCheckStatistics {
        try await store.readAllowingLag { r in
            var organizations = 0
            var after: Int64?
            while true {
                let page = try r.organizations(after: after, limit: 500)
                organizations += page.count
                guard page.count == 500, let last = page.last else { break }
                after = last.id
            }
            var drawn = 0, published = 0
            var checked = Set<String>()
            var campaignCursor: Int64?
            while true {
                let page = try r.spotCheckCampaigns(after: campaignCursor, limit: 200)
                for campaign in page {
                    guard let drawnAt = campaign.drawnAt else { continue }
                    if let year, LocalDate(drawnAt, in: .ledgerDefault).year != year { continue }
                    drawn += 1
                    if campaign.status == .published { published += 1 }
                    for entry in try r.spotCheckSample(campaignId: campaign.id) where entry.unit.stage == 1 && entry.organizationId != nil {
                        checked.insert(entry.unit.stratum)
                    }
                }
                guard page.count == 200, let last = page.last else { break }
                campaignCursor = last.id
            }
            return SpotCheckStatistics(
                year: year, organizations: organizations, organizationsChecked: checked.count,
                checkRate: organizations == 0 ? 0 : Double(checked.count) / Double(organizations),
                campaignsDrawn: drawn, campaignsPublished: published,
                publicationRate: drawn == 0 ? 0 : Double(published) / Double(drawn))
        }
    }

    // MARK: Inspectors' affiliations and conflicts (回避)

    /// Records an affiliation or a declared conflict: inspectors for themselves, platform admins for anyone.
    public func declareInspectorExclusion(_ input: ExclusionInput, by principal: Principal) async throws -> InspectorExclusion {
        let inspectorId = try Self.exclusionSubject(input.inspectorId, by: principal)
        let reason = try InputCheck.optional(input.reason, field: "reason", maxLength: 500)
        let exclusion = InspectorExclusion(inspectorId: inspectorId, organizationId: input.organizationId, kind: input.kind,
                                           reason: reason, declaredAt: now, declaredBy: principal.userId)
        return try await store.write { w in
            guard let account = try w.user(id: inspectorId), account.role == .inspector else {
                throw LedgerError.notFound(entity: "inspector", key: String(inspectorId))
            }
            guard try w.organization(id: input.organizationId) != nil else {
                throw LedgerError.notFound(entity: "organization", key: String(input.organizationId))
            }
            try w.insert(exclusion)
            return try w.inspectorExclusions(inspectorId: inspectorId).first {
                $0.organizationId == exclusion.organizationId && $0.kind == exclusion.kind
            } ?? exclusion
        }
    }

    /// Affiliations and conflicts: an inspector's own, or (platform admins) anyone's or everyone's.
    public func inspectorExclusions(inspectorId: Int64?, by principal: Principal) async throws -> [InspectorExclusion] {
        let target: Int64?
        switch principal.role {
        case .platformAdmin: target = inspectorId
        case .inspector: target = try Self.exclusionSubject(inspectorId, by: principal)
        default: throw LedgerError.forbidden("只有检查人员和平台管理员可以查看回避信息 / only inspectors and platform admins read exclusions")
        }
        return try await store.read { try $0.inspectorExclusions(inspectorId: target) }
    }

    /// Withdraws an affiliation or conflict (platform admins; campaigns already assigned keep their pool).
    public func removeInspectorExclusion(inspectorId: Int64, organizationId: Int64, kind: ExclusionKind,
                                         by principal: Principal) async throws {
        try Self.requirePlatform(principal, "只有平台管理员可以撤销回避 / only platform admins withdraw exclusions")
        let removed = try await store.write { try $0.removeInspectorExclusion(inspectorId: inspectorId, organizationId: organizationId, kind: kind) }
        guard removed else {
            throw LedgerError.notFound(entity: "exclusion", key: "\(inspectorId)/\(organizationId)/\(kind.rawValue)")
        }
    }

    // MARK: Helpers

    static func requirePlatform(_ principal: Principal, _ message: String) throws {
        guard principal.role == .platformAdmin else { throw LedgerError.forbidden(message) }
    }

    static func requireOverseer(_ principal: Principal) throws {
        guard principal.role == .platformAdmin || principal.role == .inspector else {
            throw LedgerError.forbidden("只有平台管理员和检查人员可以查看抽查 / only platform admins and inspectors read spot checks")
        }
    }

    private static func exclusionSubject(_ requested: Int64?, by principal: Principal) throws -> Int64 {
        switch principal.role {
        case .platformAdmin:
            guard let requested else {
                throw LedgerError.invalidField(field: "inspectorId", reason: "不能为空 / is required")
            }
            return requested
        case .inspector:
            guard let own = principal.userId, requested == nil || requested == own else {
                throw LedgerError.forbidden("只能为自己申报回避 / you can only declare your own exclusions")
            }
            return own
        default:
            throw LedgerError.forbidden("只有检查人员可以申报回避 / only inspectors declare exclusions")
        }
    }

    private static func lockedCampaign(_ id: Int64, in w: any LedgerWriter) throws -> SpotCheckCampaign {
        guard let campaign = try w.lockSpotCheckCampaign(id: id) else {
            throw LedgerError.notFound(entity: "spot check", key: String(id))
        }
        return campaign
    }

    private static func require(_ campaign: SpotCheckCampaign, _ status: SpotCheckStatus, _ message: String) throws {
        guard campaign.status == status else {
            throw LedgerError.spotCheckState(id: campaign.id, status: campaign.status, expected: message)
        }
    }

    /// A seed as entered: 20 to 64 decimal digits (dice rolls), spaces and hyphens between groups dropped.
    static func checkedSeed(_ text: String) throws -> String {
        let seed = text.filter { $0 != " " && $0 != "-" }
        guard (20...64).contains(seed.count), seed.allSatisfy(IdentifierText.isASCIIDigit) else {
            throw LedgerError.invalidField(field: "seed",
                                           reason: "随机种子须为 20 到 64 位数字（如公开掷骰结果）/ the seed must be 20 to 64 decimal digits, e.g. from public dice rolls")
        }
        return seed
    }

    /// Active inspector accounts by id, each with the organizations they may not check.
    static func inspectorPool(in r: any LedgerReader) throws -> [SpotCheckPoolMember] {
        var inspectors: [UserAccount] = []
        var after: Int64?
        while true {
            let page = try r.users(after: after, limit: 500)
            inspectors += page.filter { $0.role == .inspector && !$0.isDisabled }
            guard page.count == 500, let last = page.last else { break }
            after = last.id
        }
        var codes: [Int64: String] = [:]
        var excluded: [Int64: Set<String>] = [:]
        for exclusion in try r.inspectorExclusions(inspectorId: nil) {
            if codes[exclusion.organizationId] == nil {
                codes[exclusion.organizationId] = try r.organization(id: exclusion.organizationId)?.creditCode
            }
            if let code = codes[exclusion.organizationId] { excluded[exclusion.inspectorId, default: []].insert(code) }
        }
        return inspectors.map { SpotCheckPoolMember(inspectorId: $0.id, excludedOrganizations: (excluded[$0.id] ?? []).sorted()) }
    }

    private static func checkFindingShape(_ input: FindingInput) throws {
        switch input.outcome {
        case .confirmed, .unverifiable:
            guard input.discrepancy == nil, input.correctedMinutes == nil else {
                throw LedgerError.invalidField(field: "discrepancy",
                                               reason: "只有“不属实”才填写问题类型和核实时长 / only a discrepancy has a kind and a corrected figure")
            }
        case .discrepancy:
            guard let kind = input.discrepancy else {
                throw LedgerError.invalidField(field: "discrepancy", reason: "请选择问题类型 / the kind of discrepancy is required")
            }
            switch kind {
            case .hoursOverstated, .hoursUnderstated:
                guard let minutes = input.correctedMinutes, minutes > 0 else {
                    throw LedgerError.invalidField(field: "correctedMinutes",
                                                   reason: "请填写核实的时长（分钟，大于零）/ the corrected minutes are required and must be positive")
                }
            case .didNotServe, .activityNotHeld:
                guard input.correctedMinutes == nil || input.correctedMinutes == 0 else {
                    throw LedgerError.invalidField(field: "correctedMinutes",
                                                   reason: "未参加或未举办时核实时长为零 / nothing was served, so the corrected figure is 0")
                }
            case .other:
                if let minutes = input.correctedMinutes, minutes < 0 {
                    throw LedgerError.invalidField(field: "correctedMinutes", reason: "不能为负数 / cannot be negative")
                }
            }
        }
    }

    private static func correctionReason(_ campaign: SpotCheckCampaign, _ input: FindingInput) -> String {
        let kind = input.discrepancy ?? .other
        var reason = "抽查 #\(campaign.id)「\(campaign.title)」核实不属实（\(kind.chineseLabel)）"
        if let minutes = input.correctedMinutes { reason += "，核实时长 \(HoursFormat.hours(fromMinutes: minutes)) 小时" }
        reason += " / spot check #\(campaign.id): \(kind.rawValue)"
        return String(reason.prefix(500))
    }

    /// Corrects or voids the record as the finding says, through the normal revision path. When the
    /// ledger's rules refuse the corrected figure (e.g. more minutes than the recorded span), the finding
    /// keeps the reason and the organization corrects the times.
    private static func applyDiscrepancy(to recordId: Int64, _ input: FindingInput, reason: String,
                                         finding: inout SpotCheckFinding, by principal: Principal, now: Date,
                                         in w: any LedgerWriter) throws {
        guard var record = try w.record(id: recordId) else {
            throw LedgerError.notFound(entity: "record", key: String(recordId))
        }
        guard !record.isVoid else {
            finding.correctionNote = "记录已作废 / the record is already void"
            return
        }
        let kind = input.discrepancy ?? .other
        let voids = kind == .didNotServe || kind == .activityNotHeld || input.correctedMinutes == 0
        if voids {
            record.isVoid = true
            let stored = try appendRevision(.voided, to: record, reason: reason, actorId: principal.userId, at: now, in: w)
            finding.correctionRevision = stored.revision
            return
        }
        guard let minutes = input.correctedMinutes else { return }
        guard minutes != record.minutes else {
            finding.correctionNote = "核实时长与记录一致 / the corrected figure equals the recorded one"
            return
        }
        if kind == .hoursOverstated, minutes > record.minutes {
            throw LedgerError.invalidField(field: "correctedMinutes", reason: "虚报时核实时长应少于记录时长 / overstated hours are corrected downwards")
        }
        if kind == .hoursUnderstated, minutes < record.minutes {
            throw LedgerError.invalidField(field: "correctedMinutes", reason: "少记时核实时长应多于记录时长 / understated hours are corrected upwards")
        }
        guard let activity = try w.activity(id: record.activityId),
              let organization = try w.organization(id: record.organizationId) else {
            throw LedgerError.notFound(entity: "activity", key: String(record.activityId))
        }
        do {
            try ServiceTimeRules.check(start: record.startAt, end: record.endAt, minutes: minutes, activity: activity,
                                       timeZone: organization.timeZone, now: now)
            try checkAgainstLedger(in: w, volunteerId: record.volunteerId, start: record.startAt, end: record.endAt,
                                   minutes: minutes, timeZone: organization.timeZone, excluding: record.id)
        } catch let error as LedgerError {
            finding.correctionNote = "待组织更正：\(error.message)"
            return
        }
        record.minutes = minutes
        let stored = try appendRevision(.corrected, to: record, reason: reason, actorId: principal.userId, at: now, in: w)
        finding.correctionRevision = stored.revision
    }
}

extension SpotCheckStatus {
    /// Whether this status comes before `other` in the life cycle.
    public func isBefore(_ other: SpotCheckStatus) -> Bool {
        let order = SpotCheckStatus.allCases
        return order.firstIndex(of: self)! < order.firstIndex(of: other)!
    }
}
