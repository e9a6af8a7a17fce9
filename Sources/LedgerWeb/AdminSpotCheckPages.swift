import Foundation
import Hummingbird
import LedgerCore

/// Spot-check campaigns (双随机、一公开) step by step for platform admins: create, freeze (the population's
/// digest shown), draw with the public seed, assign inspectors, follow the decisions, publish.
struct AdminSpotCheckPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/admin/spot-checks") { _, context in try await list(context, errors: FieldErrors()) }
        pages.post("/admin/spot-checks") { _, context in try await create(context) }
        pages.get("/admin/spot-checks/:id") { _, context in try await campaign(context, error: nil) }
        pages.post("/admin/spot-checks/:id/freeze") { _, context in try await step(context) { _ = try await ledger.freezeSpotCheck(id: $0, by: $1) } }
        pages.post("/admin/spot-checks/:id/draw") { _, context in
            let seed = context.form["seed"] ?? ""
            return try await step(context) { _ = try await ledger.drawSpotCheck(id: $0, seed: seed, by: $1) }
        }
        pages.post("/admin/spot-checks/:id/assign") { _, context in try await step(context) { _ = try await ledger.assignSpotCheck(id: $0, by: $1) } }
        pages.post("/admin/spot-checks/:id/publish") { _, context in try await step(context) { _ = try await ledger.publishSpotCheck(id: $0, by: $1) } }
    }

    struct CampaignRow {
        var href: String
        var title: String
        var unit: String
        var status: String
    }

    func list(_ context: WebRequestContext, errors: FieldErrors) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let campaigns = try await ledger.spotChecks(after: nil, limit: 200, by: principal).items
        let rows = campaigns.map {
            CampaignRow(href: "/admin/spot-checks/\($0.id)", title: $0.title, unit: renderer.text("unit_\($0.unit.rawValue)", context.language),
                        status: renderer.text("spot_status_\($0.status.rawValue)", context.language))
        }
        let f = context.form
        struct Page {
            var campaigns: [CampaignRow]
            var units: [Choice]
            var title: String
            var from: String
            var to: String
            var size: String
            var tolerable: String
            var errors: [String: String]
        }
        let units = SpotCheckUnit.allCases.map { ($0.rawValue, renderer.text("unit_\($0.rawValue)", context.language)) }
        let page = Page(campaigns: rows, units: Choice.list(units, selected: f["unit"] ?? "records"), title: f["title"] ?? "",
                        from: f["from"] ?? "", to: f["to"] ?? "", size: f["size"] ?? "", tolerable: f["tolerable"] ?? "0.05",
                        errors: errors.dictionary)
        return renderer.render("admin/spot-checks", title: renderer.text("spot_checks_title", context.language), page: page, context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func create(_ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let f = context.form
        var errors = FieldErrors()
        let from = f["from"].map { LocalDate(iso: $0) }, to = f["to"].map { LocalDate(iso: $0) }
        if case .some(.none) = from { errors.add("from", renderer.text("error_date", context.language)) }
        if case .some(.none) = to { errors.add("to", renderer.text("error_date", context.language)) }
        let size = f["size"].map { Int($0) }, tolerable = f["tolerable"].map { Double($0) }
        if case .some(.none) = size { errors.add("size", renderer.text("error_number", context.language)) }
        if case .some(.none) = tolerable { errors.add("tolerable", renderer.text("error_number", context.language)) }
        let unit = SpotCheckUnit(rawValue: f["unit"] ?? "") ?? .records
        guard errors.isEmpty else { return try await list(context, errors: errors) }
        let rule = (size ?? nil) != nil
            ? SampleSizeRule(size: size ?? nil)
            : SampleSizeRule(tolerableRate: tolerable ?? nil, level: unit == .organizations ? .county : nil)
        do {
            let campaign = try await ledger.createSpotCheck(SpotCheckInput(
                title: f["title"] ?? "", unit: unit, scope: SpotCheckScope(from: from ?? nil, to: to ?? nil), sampleSize: rule,
                stratified: f["stratified"] == "1"), by: principal)
            return WebRedirect.to("/admin/spot-checks/\(campaign.id)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language, defaultField: "title")
            return try await list(context, errors: errors)
        }
    }

    func campaign(_ context: WebRequestContext, error: String?) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let detail = try await ledger.spotCheck(id: try context.pathID(), by: principal)
        let c = detail.campaign
        struct SampleRow { var order: Int; var id: String; var inspectors: String; var finding: String? }
        let findings = Dictionary(detail.findings.map { ($0.itemId, $0) }, uniquingKeysWith: { a, _ in a })
        let teams = Dictionary(grouping: detail.assignments, by: \.unitId)
        let rows = detail.sample.map { entry in
            SampleRow(order: entry.unit.order, id: entry.unit.id,
                      inspectors: (teams[entry.unit.id] ?? []).map { "#\($0.inspectorId)" }.joined(separator: ", "),
                      finding: findings[entry.unit.id].map { renderer.text("outcome_\($0.outcome.rawValue)", context.language) })
        }
        struct Page {
            var id: Int64
            var title: String
            var unit: String
            var status: String
            var populationSize: Int?
            var populationDigest: String?
            var sampleSize: Int?
            var seed: String?
            var canFreeze: Bool
            var canDraw: Bool
            var canAssign: Bool
            var canPublish: Bool
            var isPublished: Bool
            var openItems: Int
            var decided: Int
            var sample: [SampleRow]
            var error: String?
        }
        let page = Page(
            id: c.id, title: c.title, unit: renderer.text("unit_\(c.unit.rawValue)", context.language),
            status: renderer.text("spot_status_\(c.status.rawValue)", context.language), populationSize: c.populationSize,
            populationDigest: c.populationDigest, sampleSize: c.sampleSize, seed: c.seed,
            canFreeze: c.status == .draft, canDraw: c.status == .frozen, canAssign: c.status == .drawn,
            canPublish: c.status == .assigned, isPublished: c.status == .published, openItems: detail.openItems,
            decided: detail.findings.count, sample: rows, error: error)
        return renderer.render("admin/spot-check", title: c.title, page: page, context: context,
                               status: error == nil ? .ok : .unprocessableContent)
    }

    /// One step of the campaign's life; a refusal is shown on the campaign's page.
    func step(_ context: WebRequestContext, _ action: (Int64, Principal) async throws -> Void) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let id = try context.pathID()
        do {
            try await action(id, principal)
            return WebRedirect.to("/admin/spot-checks/\(id)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            return try await campaign(context, error: BilingualText.pick(error.message, context.language))
        }
    }
}
