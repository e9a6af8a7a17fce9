import Foundation
import Hummingbird
import LedgerCore

/// Spot checks (双随机、一公开): campaigns for platform admins, worklists and findings for inspectors,
/// and the public results (JSON, CSV and an HTML page) for everyone.
struct SpotCheckRoutes {
    let ledger: Ledger

    struct DrawInput: Decodable {
        var seed: String
    }

    func register(on api: RouterGroup<LedgerRequestContext>, router: Router<LedgerRequestContext>) {
        api.post("spot-checks") { request, context -> EditedResponse<SpotCheckBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: SpotCheckInput.self, context: context)
            return EditedResponse(status: .created, response: SpotCheckBody(try await ledger.createSpotCheck(input, by: principal)))
        }
        api.get("spot-checks") { request, context -> ListBody<SpotCheckBody> in
            let page = try await ledger.spotChecks(after: try request.cursor(), limit: try request.queryInt("limit"),
                                                   by: try context.requirePrincipal())
            return page.body(SpotCheckBody.init)
        }
        api.get("spot-checks/:id") { _, context -> SpotCheckDetailBody in
            SpotCheckDetailBody(try await ledger.spotCheck(id: try context.id(), by: try context.requirePrincipal()))
        }
        api.post("spot-checks/:id/freeze") { _, context -> SpotCheckBody in
            SpotCheckBody(try await ledger.freezeSpotCheck(id: try context.id(), by: try context.requirePrincipal()))
        }
        api.post("spot-checks/:id/draw") { request, context -> SpotCheckDetailBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: DrawInput.self, context: context)
            return SpotCheckDetailBody(try await ledger.drawSpotCheck(id: try context.id(), seed: input.seed, by: principal))
        }
        api.post("spot-checks/:id/assignments") { _, context -> SpotCheckDetailBody in
            SpotCheckDetailBody(try await ledger.assignSpotCheck(id: try context.id(), by: try context.requirePrincipal()))
        }
        api.post("spot-checks/:id/findings") { request, context -> EditedResponse<FindingBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: FindingInput.self, context: context)
            let finding = try await ledger.decideSpotCheckItem(campaignId: try context.id(), input, by: principal)
            return EditedResponse(status: .created, response: FindingBody(finding))
        }
        api.post("spot-checks/:id/publish") { _, context -> SpotCheckBody in
            SpotCheckBody(try await ledger.publishSpotCheck(id: try context.id(), by: try context.requirePrincipal()))
        }
        api.get("worklist") { request, context -> ListBody<WorklistItemBody> in
            let items = try await ledger.spotCheckWorklist(inspectorId: try request.queryInt64("inspector"),
                                                           includeDecided: !(try request.queryBool("open")),
                                                           by: try context.requirePrincipal())
            return ListBody(items: items.map(WorklistItemBody.init), nextCursor: nil)
        }
        api.get("inspector-exclusions") { request, context -> ListBody<ExclusionBody> in
            let exclusions = try await ledger.inspectorExclusions(inspectorId: try request.queryInt64("inspector"),
                                                                 by: try context.requirePrincipal())
            return ListBody(items: exclusions.map(ExclusionBody.init), nextCursor: nil)
        }
        api.post("inspector-exclusions") { request, context -> EditedResponse<ExclusionBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: ExclusionInput.self, context: context)
            return EditedResponse(status: .created, response: ExclusionBody(try await ledger.declareInspectorExclusion(input, by: principal)))
        }
        api.delete("inspector-exclusions") { request, context -> HTTPResponse.Status in
            let principal = try context.requirePrincipal()
            guard let inspector = try request.queryInt64("inspector") else {
                throw LedgerError.invalidField(field: "inspector", reason: "不能为空 / is required")
            }
            guard let organization = try request.queryInt64("organization") else {
                throw LedgerError.invalidField(field: "organization", reason: "不能为空 / is required")
            }
            guard let kind = request.uri.queryParameters.get("kind").flatMap(ExclusionKind.init(rawValue:)) else {
                throw LedgerError.invalidField(field: "kind", reason: "须为 affiliation 或 conflict / must be affiliation or conflict")
            }
            try await ledger.removeInspectorExclusion(inspectorId: inspector, organizationId: organization, kind: kind, by: principal)
            return .noContent
        }

        // Public: no sign-in, no personal data.
        api.get("public/spot-checks") { request, _ -> ListBody<PublicSpotCheckBody> in
            let page = try await ledger.publicSpotChecks(after: try request.cursor(), limit: try request.queryInt("limit"))
            return page.body(PublicSpotCheckBody.init)
        }
        api.get("public/spot-checks/:id") { _, context -> SpotCheckPublication in
            try await ledger.spotCheckPublication(id: try context.id())
        }
        api.get("public/spot-checks/:id/population.txt") { _, context -> Response in
            let text = try await ledger.spotCheckPopulationText(id: try context.id())
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        api.get("public/spot-checks/:id/results.csv") { _, context -> Response in
            let publication = try await ledger.spotCheckPublication(id: try context.id())
            var csv = CSVWriter()
            for row in publication.csvRows { csv.writeRow(row) }
            return Response(status: .ok,
                            headers: [.contentType: "text/csv; charset=utf-8",
                                      .contentDisposition: "attachment; filename=\"spot-check-\(publication.campaign.id).csv\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: csv.bytes)))
        }
        api.get("public/spot-check-statistics") { request, _ -> SpotCheckStatistics in
            try await ledger.spotCheckStatistics(year: try request.queryInt("year"))
        }
        router.get("spot-checks/:id") { _, context -> Response in
            let publication = try await ledger.spotCheckPublication(id: try context.id())
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: SpotCheckPage.html(publication))))
        }
    }
}

extension SpotCheckPublication: ResponseEncodable {}
extension SpotCheckStatistics: ResponseEncodable {}

struct SpotCheckScopeBody: Codable, Sendable {
    var from: LocalDate?
    var to: LocalDate?
    var organizationIds: [Int64]
    var regionCodes: [String]
    var minimumMinutes: Int?
}

struct SpotCheckBody: ResponseEncodable {
    var id: Int64
    var title: String
    var unit: SpotCheckUnit
    var status: SpotCheckStatus
    var scope: SpotCheckScopeBody
    var sampleSizeRule: SampleSizeRule
    var stratified: Bool
    var weighting: SpotCheckWeighting
    var recordsPerOrganization: Int
    var inspectorsPerUnit: Int
    var populationSize: Int?
    var secondStageSize: Int?
    var populationDigest: String?
    var sampleSize: Int?
    var sizeMethod: SampleSizeMethod?
    var seed: String?
    var createdAt: String
    var frozenAt: String?
    var drawnAt: String?
    var assignedAt: String?
    var publishedAt: String?

    init(_ c: SpotCheckCampaign) {
        id = c.id
        title = c.title
        unit = c.unit
        status = c.status
        scope = SpotCheckScopeBody(from: c.scope.from, to: c.scope.to, organizationIds: c.scope.organizationIds,
                                   regionCodes: c.scope.regionCodes, minimumMinutes: c.scope.minimumMinutes)
        sampleSizeRule = c.sizeRule
        stratified = c.stratified
        weighting = c.weighting
        recordsPerOrganization = c.recordsPerOrganization
        inspectorsPerUnit = c.inspectorsPerUnit
        populationSize = c.populationSize
        secondStageSize = c.secondStageSize
        populationDigest = c.populationDigest
        sampleSize = c.sampleSize
        sizeMethod = c.sizeMethod
        seed = c.seed
        createdAt = Wire.time(c.createdAt, .ledgerDefault)
        frozenAt = c.frozenAt.map { Wire.time($0, .ledgerDefault) }
        drawnAt = c.drawnAt.map { Wire.time($0, .ledgerDefault) }
        assignedAt = c.assignedAt.map { Wire.time($0, .ledgerDefault) }
        publishedAt = c.publishedAt.map { Wire.time($0, .ledgerDefault) }
    }
}

/// What anyone may see of a campaign once its population is frozen.
struct PublicSpotCheckBody: ResponseEncodable {
    var id: Int64
    var title: String
    var unit: SpotCheckUnit
    var status: SpotCheckStatus
    var populationSize: Int?
    var populationDigest: String?
    var sampleSize: Int?
    var seed: String?
    var frozenAt: String?
    var drawnAt: String?
    var publishedAt: String?

    init(_ c: SpotCheckCampaign) {
        id = c.id
        title = c.title
        unit = c.unit
        status = c.status
        populationSize = c.populationSize
        populationDigest = c.populationDigest
        sampleSize = c.sampleSize
        seed = c.seed
        frozenAt = c.frozenAt.map { Wire.time($0, .ledgerDefault) }
        drawnAt = c.drawnAt.map { Wire.time($0, .ledgerDefault) }
        publishedAt = c.publishedAt.map { Wire.time($0, .ledgerDefault) }
    }
}

struct SampledUnitBody: Codable, Sendable {
    var stage: Int
    var order: Int
    var id: String
    var organization: String
    var organizationId: Int64?
    var entityId: Int64
    var ticket: String
    var weightedKey: Double?
    /// Inspector account ids of the unit's team (stage 1).
    var team: [Int64]
    var decided: Bool
}

struct SpotCheckDetailBody: ResponseEncodable {
    var campaign: SpotCheckBody
    var sample: [SampledUnitBody]
    var findings: [FindingBody]
    var openItems: Int

    init(_ detail: SpotCheckDetail) {
        campaign = SpotCheckBody(detail.campaign)
        let teams = Dictionary(grouping: detail.assignments, by: \.unitId)
        let decided = Set(detail.findings.map(\.itemId))
        sample = detail.sample.map { entry in
            SampledUnitBody(stage: entry.unit.stage, order: entry.unit.order, id: entry.unit.id, organization: entry.unit.stratum,
                            organizationId: entry.organizationId, entityId: entry.entityId,
                            ticket: ConsistentSampler.trim(entry.unit.ticket), weightedKey: entry.unit.weightedKey,
                            // Records within a sampled organization are checked by the organization's team.
                            team: (teams[entry.unit.stage == 2 ? entry.unit.stratum : entry.unit.id] ?? [])
                                .sorted { $0.position < $1.position }.map(\.inspectorId),
                            decided: decided.contains(entry.unit.id))
        }
        findings = detail.findings.map(FindingBody.init)
        openItems = detail.openItems
    }
}

struct FindingBody: ResponseEncodable {
    var item: String
    var outcome: FindingOutcome
    var outcomeLabel: String
    var discrepancy: DiscrepancyKind?
    var correctedMinutes: Int?
    var notes: String
    var checklist: InspectionChecklist
    var decidedBy: Int64?
    var decidedAt: String
    var correctionRevision: Int?
    var correctionNote: String

    init(_ f: SpotCheckFinding) {
        item = f.itemId
        outcome = f.outcome
        outcomeLabel = f.outcome.chineseLabel
        discrepancy = f.discrepancy
        correctedMinutes = f.correctedMinutes
        notes = f.notes
        checklist = f.checklist
        decidedBy = f.decidedBy
        decidedAt = Wire.time(f.decidedAt, .ledgerDefault)
        correctionRevision = f.correctionRevision
        correctionNote = f.correctionNote
    }
}

struct ExclusionBody: ResponseEncodable {
    var inspectorId: Int64
    var organizationId: Int64
    var kind: ExclusionKind
    var reason: String
    var declaredAt: String
    var declaredBy: Int64?

    init(_ e: InspectorExclusion) {
        inspectorId = e.inspectorId
        organizationId = e.organizationId
        kind = e.kind
        reason = e.reason
        declaredAt = Wire.time(e.declaredAt, .ledgerDefault)
        declaredBy = e.declaredBy
    }
}

struct WorklistItemBody: Encodable, Sendable {
    struct OrganizationContact: Encodable, Sendable {
        var id: Int64
        var name: String
        var creditCode: String
        var contactName: String
        var contactPhone: String
    }
    struct VolunteerContact: Encodable, Sendable {
        var id: Int64
        var number: String
        var name: String
        /// Masked, e.g. 138****5678.
        var phone: String
    }
    struct CertificateSummary: Encodable, Sendable {
        var serial: String
        var minutes: Int
        var hours: String
        var recordCount: Int
        var issuerName: String
        var revoked: Bool
    }

    var campaignId: Int64
    var campaignTitle: String
    var item: String
    var unit: String
    var team: [Int64]
    var organization: OrganizationContact
    var record: RecordBody?
    var history: [RevisionBody]
    var activity: ActivityBody?
    var volunteer: VolunteerContact?
    var certificate: CertificateSummary?
    var finding: FindingBody?

    init(_ item: WorklistItem) {
        let zone = item.organization.timeZone
        campaignId = item.campaign.id
        campaignTitle = item.campaign.title
        self.item = item.itemId
        unit = item.unitId
        team = item.team
        organization = OrganizationContact(id: item.organization.id, name: item.organization.name,
                                           creditCode: item.organization.creditCode, contactName: item.organization.contactName,
                                           contactPhone: item.organization.contactPhone)
        record = item.record.map { RecordBody($0, zone) }
        history = item.history.map { RevisionBody($0, zone) }
        activity = item.activity.map { ActivityBody($0, zone) }
        volunteer = item.volunteer.map { VolunteerContact(id: $0.id, number: $0.number, name: $0.name, phone: $0.phone) }
        certificate = item.certificate.map {
            CertificateSummary(serial: $0.groupedSerial, minutes: $0.minutes, hours: HoursFormat.hours(fromMinutes: $0.minutes),
                               recordCount: $0.recordCount, issuerName: $0.issuerName, revoked: $0.revocation != nil)
        }
        finding = item.finding.map(FindingBody.init)
    }
}
