import Foundation

/// Builds a campaign's population from the ledger when it is frozen: the records, certificates or
/// organizations in scope, each under its canonical id (record id in decimal, certificate serial,
/// organization credit code), ordered by ledger id.
enum SpotCheckPopulation {
    /// The stratum of certificates the platform issued for all organizations.
    static let platformStratum = "platform"

    static func build(_ campaign: SpotCheckCampaign, in r: any LedgerReader) throws -> [SpotCheckPopulationEntry] {
        let organizations = try organizationsInScope(campaign.scope, in: r)
        switch campaign.unit {
        case .records:
            return try records(of: organizations, campaign, stage: 1, in: r)
        case .certificates:
            return try certificates(campaign, organizations: organizations, in: r)
        case .organizations:
            let first = organizations.map {
                SpotCheckPopulationEntry(member: PopulationMember(id: $0.creditCode, stratum: $0.creditCode, weight: 1, stage: 1),
                                         entityId: $0.id, organizationId: $0.id)
            }
            return first + (try records(of: organizations, campaign, stage: 2, in: r))
        }
    }

    /// Organizations named in the scope (all when none), narrowed to its regions, by id.
    static func organizationsInScope(_ scope: SpotCheckScope, in r: any LedgerReader) throws -> [Organization] {
        var organizations: [Organization] = []
        if scope.organizationIds.isEmpty {
            var after: Int64?
            while true {
                let page = try r.organizations(after: after, limit: 500)
                organizations += page
                guard page.count == 500, let last = page.last else { break }
                after = last.id
            }
        } else {
            for id in Set(scope.organizationIds).sorted() {
                guard let organization = try r.organization(id: id) else {
                    throw LedgerError.notFound(entity: "organization", key: String(id))
                }
                organizations.append(organization)
            }
        }
        return organizations.filter { scope.covers(regionCode: $0.regionCode) }
    }

    private static func records(of organizations: [Organization], _ campaign: SpotCheckCampaign, stage: Int,
                                in r: any LedgerReader) throws -> [SpotCheckPopulationEntry] {
        var entries: [SpotCheckPopulationEntry] = []
        let period = DayRange(from: campaign.scope.from, to: campaign.scope.to)
        for organization in organizations {
            let filter = try period.apply(to: RecordFilter(organizationId: organization.id), in: .ledgerDefault)
            var after: Int64?
            while true {
                let page = try r.records(filter, after: after, limit: 1000)
                let offSite = campaign.weighting.usesRisk ? try r.offSiteRecordIds(among: page.map(\.id)) : []
                for record in page where record.minutes >= (campaign.scope.minimumMinutes ?? 0) {
                    entries.append(SpotCheckPopulationEntry(
                        member: PopulationMember(id: String(record.id), stratum: organization.creditCode,
                                                 weight: RecordRisk.weight(record, campaign.weighting, offSite: offSite.contains(record.id)),
                                                 stage: stage),
                        entityId: record.id, organizationId: organization.id))
                }
                guard page.count == 1000, let last = page.last else { break }
                after = last.id
            }
        }
        return entries.sorted { $0.entityId < $1.entityId }
    }

    /// Unrevoked certificates issued in the period by organizations in scope (platform certificates too
    /// when the scope names no organization or region).
    private static func certificates(_ campaign: SpotCheckCampaign, organizations: [Organization],
                                     in r: any LedgerReader) throws -> [SpotCheckPopulationEntry] {
        let scope = campaign.scope
        let restricted = !scope.organizationIds.isEmpty || !scope.regionCodes.isEmpty
        let codes = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id, $0.creditCode) })
        var entries: [SpotCheckPopulationEntry] = []
        var after: Int64?
        while true {
            let page = try r.certificates(volunteerId: nil, organizationId: nil, after: after, limit: 500)
            for certificate in page where certificate.revocation == nil && certificate.minutes >= (scope.minimumMinutes ?? 0) {
                let day = LocalDate(certificate.issuedAt, in: .ledgerDefault)
                if let from = scope.from, day < from { continue }
                if let to = scope.to, day > to { continue }
                let stratum: String
                if let organizationId = certificate.organizationId {
                    guard let code = codes[organizationId] else { continue }
                    stratum = code
                } else {
                    guard !restricted else { continue }
                    stratum = platformStratum
                }
                let weight = campaign.weighting.usesHours ? certificate.minutes : 1
                entries.append(SpotCheckPopulationEntry(
                    member: PopulationMember(id: certificate.serial, stratum: stratum, weight: weight, stage: 1),
                    entityId: certificate.id, organizationId: certificate.organizationId))
            }
            guard page.count == 500, let last = page.last else { break }
            after = last.id
        }
        return entries
    }
}

/// What an inspector needs for each assigned item.
enum SpotCheckWorklist {
    static func items(inspectorId: Int64, includeDecided: Bool, in r: any LedgerReader) throws -> [WorklistItem] {
        var items: [WorklistItem] = []
        let assignments = try r.spotCheckAssignments(inspectorId: inspectorId)
        var campaignIds: [Int64] = []
        for assignment in assignments where campaignIds.last != assignment.campaignId { campaignIds.append(assignment.campaignId) }
        for campaignId in campaignIds {
            guard let campaign = try r.spotCheckCampaign(id: campaignId), campaign.status == .assigned else { continue }
            let sample = try r.spotCheckSample(campaignId: campaignId)
            let teams = Dictionary(grouping: try r.spotCheckAssignments(campaignId: campaignId), by: \.unitId)
            let findings = Dictionary(uniqueKeysWithValues: try r.spotCheckFindings(campaignId: campaignId).map { ($0.itemId, $0) })
            let mine = assignments.filter { $0.campaignId == campaignId }.map(\.unitId)
            for unitId in mine {
                let entries = campaign.unit == .organizations
                    ? sample.filter { $0.unit.stage == 2 && $0.unit.stratum == unitId }
                    : sample.filter { $0.unit.stage == 1 && $0.unit.id == unitId }
                for entry in entries {
                    let finding = findings[entry.unit.id]
                    if finding != nil, !includeDecided { continue }
                    items.append(try item(entry, unitId: unitId, campaign: campaign,
                                          team: (teams[unitId] ?? []).sorted { $0.position < $1.position }.map(\.inspectorId),
                                          finding: finding, in: r))
                }
            }
        }
        return items
    }

    private static func item(_ entry: SpotCheckSampleEntry, unitId: String, campaign: SpotCheckCampaign, team: [Int64],
                             finding: SpotCheckFinding?, in r: any LedgerReader) throws -> WorklistItem {
        var record: ServiceRecord?
        var history: [RecordRevision] = []
        var activity: Activity?
        var volunteer: Volunteer?
        var certificate: Certificate?
        var organizationId = entry.organizationId
        if campaign.unit == .certificates {
            certificate = try r.certificate(serial: entry.unit.id)
            if let certificate { volunteer = try r.volunteer(id: certificate.volunteerId) }
        } else {
            record = try r.record(id: entry.entityId)
            if let record {
                history = try r.revisions(recordId: record.id)
                activity = try r.activity(id: record.activityId)
                volunteer = try r.volunteer(id: record.volunteerId)
                organizationId = record.organizationId
            }
        }
        if var shown = volunteer {
            shown.documentNumber = Masking.documentNumber(shown.documentNumber)
            shown.phone = Masking.phone(shown.phone)
            volunteer = shown
        }
        let organization = try organizationId.flatMap { try r.organization(id: $0) }
            ?? Organization(id: 0, creditCode: SpotCheckPopulation.platformStratum, name: "志愿服务信息平台", regionCode: "",
                            contactName: "", contactPhone: "", timeZoneIdentifier: TimeZone.ledgerDefault.identifier,
                            createdAt: campaign.createdAt)
        return WorklistItem(campaign: campaign, itemId: entry.unit.id, unitId: unitId, team: team, organization: organization,
                            record: record, history: history, activity: activity, volunteer: volunteer,
                            certificate: certificate, finding: finding)
    }
}
