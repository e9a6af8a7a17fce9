import Foundation

extension SpotCheckPublication {
    /// The publication of a campaign as stored (normally a published one).
    static func build(campaign c: SpotCheckCampaign, in r: any LedgerReader) throws -> SpotCheckPublication {
        let population = try r.spotCheckPopulation(campaignId: c.id)
        let sample = try r.spotCheckSample(campaignId: c.id)
        let assignments = try r.spotCheckAssignments(campaignId: c.id)
        let findings = try r.spotCheckFindings(campaignId: c.id)
        var codes: [Int64: String] = [:]
        for id in c.scope.organizationIds { codes[id] = try r.organization(id: id)?.creditCode ?? String(id) }

        let units = sample.map { SampledUnit($0.unit) }
        let itemStage = c.unit == .organizations ? 2 : 1
        let items = sample.filter { $0.unit.stage == itemStage }
        let stratumOfItem = Dictionary(uniqueKeysWithValues: items.map { ($0.unit.id, $0.unit.stratum) })

        var allocation: [Allocation] = []
        if c.stratified {
            var sizes: [String: Int] = [:], order: [String] = []
            for entry in population where entry.member.stage == 1 {
                if sizes[entry.member.stratum] == nil { order.append(entry.member.stratum) }
                sizes[entry.member.stratum, default: 0] += 1
            }
            var drawn: [String: Int] = [:]
            for entry in sample where entry.unit.stage == 1 { drawn[entry.unit.stratum, default: 0] += 1 }
            allocation = order.map { Allocation(organization: $0, population: sizes[$0]!, sample: drawn[$0] ?? 0) }
        }

        var teams: [Team] = []
        for assignment in assignments {
            if teams.last?.unit == assignment.unitId {
                teams[teams.count - 1].inspectors.append(String(assignment.inspectorId))
            } else {
                teams.append(Team(unit: assignment.unitId, inspectors: [String(assignment.inspectorId)]))
            }
        }

        let published = findings.sorted { a, b in
            (items.firstIndex { $0.unit.id == a.itemId } ?? 0) < (items.firstIndex { $0.unit.id == b.itemId } ?? 0)
        }.map { f in
            Finding(item: f.itemId, organization: stratumOfItem[f.itemId] ?? "", outcome: f.outcome,
                    outcomeLabel: f.outcome.chineseLabel, discrepancy: f.discrepancy,
                    discrepancyLabel: f.discrepancy?.chineseLabel,
                    correctedHours: f.correctedMinutes.map(HoursFormat.hours(fromMinutes:)), checklist: f.checklist,
                    decided: Self.time(f.decidedAt))
        }

        var byOrganization: [String: OrganizationResult] = [:]
        var organizationOrder: [String] = []
        for item in items where byOrganization[item.unit.stratum] == nil {
            let name = try r.organization(creditCode: item.unit.stratum)?.name ?? "志愿服务信息平台"
            byOrganization[item.unit.stratum] = OrganizationResult(organization: item.unit.stratum, name: name, items: 0,
                                                                   confirmed: 0, discrepancies: 0, unverifiable: 0)
            organizationOrder.append(item.unit.stratum)
        }
        if c.unit == .organizations {
            // Sampled organizations without records in the period still show.
            for unit in sample where unit.unit.stage == 1 && byOrganization[unit.unit.id] == nil {
                let name = try r.organization(creditCode: unit.unit.id)?.name ?? ""
                byOrganization[unit.unit.id] = OrganizationResult(organization: unit.unit.id, name: name, items: 0,
                                                                  confirmed: 0, discrepancies: 0, unverifiable: 0)
                organizationOrder.append(unit.unit.id)
            }
        }
        for item in items { byOrganization[item.unit.stratum]!.items += 1 }
        for finding in findings {
            guard let stratum = stratumOfItem[finding.itemId] else { continue }
            switch finding.outcome {
            case .confirmed: byOrganization[stratum]!.confirmed += 1
            case .discrepancy: byOrganization[stratum]!.discrepancies += 1
            case .unverifiable: byOrganization[stratum]!.unverifiable += 1
            }
        }

        let confirmed = findings.filter { $0.outcome == .confirmed }.count
        let discrepancies = findings.filter { $0.outcome == .discrepancy }.count
        let unverifiable = findings.filter { $0.outcome == .unverifiable }.count
        let verified = confirmed + discrepancies
        var attribute: AttributeResult?
        if let plan = c.attributePlan, c.unit != .organizations, !items.isEmpty {
            let deviations = discrepancies + unverifiable
            attribute = AttributeResult(
                tolerableRate: plan.tolerableRate, confidence: plan.confidence, expectedDeviations: plan.expectedDeviations,
                method: plan.method, deviations: deviations, sampleSize: items.count,
                upperBound: AttributeSampling.upperBound(deviations: deviations, sampleSize: items.count,
                                                         confidence: plan.confidence, method: plan.method,
                                                         population: plan.population),
                tolerableRateExceeded: AttributeSampling.tolerableRateExceeded(deviations: deviations, sampleSize: items.count,
                                                                              plan: plan))
        }
        let results = Results(
            items: items.count, confirmed: confirmed, discrepancies: discrepancies, unverifiable: unverifiable,
            discrepancyRate: verified == 0 ? nil : Double(discrepancies) / Double(verified), confidence: 0.95,
            wilson: verified == 0 ? nil : ProportionInterval.wilson(discrepancies, of: verified),
            clopperPearson: verified == 0 ? nil : ProportionInterval.clopperPearson(discrepancies, of: verified),
            attribute: attribute)

        return SpotCheckPublication(
            format: formatName,
            campaign: Campaign(id: c.id, title: c.title, unit: c.unit,
                               scope: Scope(from: c.scope.from, to: c.scope.to,
                                            organizations: c.scope.organizationIds.map { codes[$0] ?? String($0) },
                                            regionCodes: c.scope.regionCodes, minimumMinutes: c.scope.minimumMinutes),
                               sampleSizeRule: c.sizeRule, sampleSize: c.sampleSize ?? 0, sizeMethod: c.sizeMethod,
                               stratified: c.stratified, weighting: c.weighting,
                               recordsPerOrganization: c.recordsPerOrganization, inspectorsPerUnit: c.inspectorsPerUnit),
            dates: Dates(created: time(c.createdAt), frozen: c.frozenAt.map(time), drawn: c.drawnAt.map(time),
                         assigned: c.assignedAt.map(time), published: c.publishedAt.map(time)),
            population: Population(size: c.populationSize ?? 0, secondStageSize: c.secondStageSize,
                                   digest: c.populationDigest ?? "", lines: population.map(\.member.line)),
            seed: c.seed ?? "", algorithm: algorithm, sample: units, allocation: allocation,
            inspectorPool: (c.inspectorPool ?? []).map {
                PoolMember(inspector: String($0.inspectorId), excludedOrganizations: $0.excludedOrganizations)
            },
            assignments: teams, findings: published, byOrganization: organizationOrder.map { byOrganization[$0]! },
            results: results,
            transparencyLog: LogIndexes(populationFrozen: try r.logIndex(of: "spot-check/\(c.id)/frozen"),
                                        seedDrawn: try r.logIndex(of: "spot-check/\(c.id)/drawn"),
                                        inspectorsAssigned: try r.logIndex(of: "spot-check/\(c.id)/assigned"),
                                        findingsPublished: try r.logIndex(of: "spot-check/\(c.id)/published")))
    }

    static func time(_ date: Date) -> String {
        RFC3339.string(date, in: .ledgerDefault)
    }
}
