import Foundation
import Hummingbird
import LedgerCore

/// An inspector's pages, made for a phone at the site: the spot-check items assigned to them, and each
/// item with what must be checked, the checklist and the finding form.
struct InspectorPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/inspect") { _, context in try await worklist(context) }
        pages.get("/inspect/:id/items/:item") { _, context in try await item(context, errors: FieldErrors()) }
        pages.post("/inspect/:id/items/:item") { _, context in try await decide(context) }
    }

    func inspector(_ context: WebRequestContext) throws -> Principal {
        try context.require(.inspector, "此页面仅供检查人员使用 / this page is for inspectors")
    }

    struct WorkRow {
        var href: String
        var campaign: String
        var item: String
        var organization: String
        var decided: String?
    }

    func worklist(_ context: WebRequestContext) async throws -> Response {
        let principal = try inspector(context)
        let items = try await ledger.spotCheckWorklist(by: principal)
        let rows = items.map { item in
            WorkRow(href: "/inspect/\(item.campaign.id)/items/\(item.itemId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? item.itemId)",
                    campaign: item.campaign.title, item: item.itemId, organization: item.organization.name,
                    decided: item.finding.map { renderer.text("outcome_\($0.outcome.rawValue)", context.language) })
        }
        struct Page { var open: [WorkRow]; var decided: [WorkRow] }
        return renderer.render("inspect/worklist", title: renderer.text("nav_worklist", context.language),
                               page: Page(open: rows.filter { $0.decided == nil }, decided: rows.filter { $0.decided != nil }), context: context)
    }

    struct CheckItem {
        var key: String
        var label: String
    }

    /// The checklist's questions: form field and the answer's place in `InspectionChecklist`.
    static var checklist: [(key: String, path: WritableKeyPath<InspectionChecklist, Bool?>)] { [
        ("fieldsComplete", \.fieldsComplete), ("recordedInTime", \.recordedInTime), ("hoursMatch", \.hoursMatch),
        ("notPaidOrDuty", \.notPaidOrDuty), ("certificateVerifiable", \.certificateVerifiable), ("noFeeCharged", \.noFeeCharged),
    ] }

    func item(_ context: WebRequestContext, errors: FieldErrors) async throws -> Response {
        let principal = try inspector(context)
        let campaignId = try context.pathID()
        let itemId = context.parameters.get("item")?.removingPercentEncoding ?? ""
        guard let work = try await ledger.spotCheckWorklist(by: principal).first(where: { $0.campaign.id == campaignId && $0.itemId == itemId }) else {
            throw LedgerError.notFound(entity: "spot-check item", key: String(itemId.prefix(40)))
        }
        let zone = work.organization.timeZone
        let record = work.record.map {
            RecordRow($0, volunteer: work.volunteer, activity: work.activity, href: "", zone: zone, renderer: renderer, language: context.language)
        }
        let history = RevisionRow.rows(work.history, zone: zone, renderer: renderer, language: context.language)
        let f = context.form
        struct Page {
            var campaign: String
            var item: String
            var organization: String
            var creditCode: String
            var record: RecordRow?
            var history: [RevisionRow]
            var certificate: String?
            var certificateLink: String?
            var checks: [CheckItem]
            var outcomes: [Choice]
            var discrepancies: [Choice]
            var correctedHours: String
            var notes: String
            var decided: String?
            var errors: [String: String]
            var action: String
        }
        let page = Page(
            campaign: work.campaign.title, item: work.itemId, organization: work.organization.name, creditCode: work.organization.creditCode,
            record: record, history: history, certificate: work.certificate?.groupedSerial,
            certificateLink: work.certificate.map { "/v/\($0.serial)" },
            checks: Self.checklist.map { CheckItem(key: $0.key, label: renderer.text("checklist_\($0.key)", context.language)) },
            outcomes: Choice.list(FindingOutcome.allCases.map { ($0.rawValue, renderer.text("outcome_\($0.rawValue)", context.language)) },
                                  selected: f["outcome"] ?? "confirmed"),
            discrepancies: Choice.list([("", "—")] + DiscrepancyKind.allCases.map { ($0.rawValue, renderer.text("discrepancy_\($0.rawValue)", context.language)) },
                                       selected: f["discrepancy"] ?? ""),
            correctedHours: f["correctedHours"] ?? "", notes: f["notes"] ?? "",
            decided: work.finding.map { renderer.text("outcome_\($0.outcome.rawValue)", context.language) }, errors: errors.dictionary,
            action: "/inspect/\(campaignId)/items/\(itemId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? itemId)")
        return renderer.render("inspect/item", title: work.itemId, page: page, context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func decide(_ context: WebRequestContext) async throws -> Response {
        let principal = try inspector(context)
        let campaignId = try context.pathID()
        let itemId = context.parameters.get("item")?.removingPercentEncoding ?? ""
        let f = context.form
        var errors = FieldErrors()
        guard let outcome = FindingOutcome(rawValue: f["outcome"] ?? "") else {
            errors.add("outcome", renderer.text("error_choice", context.language))
            return try await item(context, errors: errors)
        }
        let minutes = PageFormat.parseHours(f["correctedHours"])
        if minutes == nil { errors.add("correctedHours", renderer.text("error_hours", context.language)) }
        guard errors.isEmpty else { return try await item(context, errors: errors) }
        var checklist = InspectionChecklist()
        for check in Self.checklist {
            switch f[check.key] {
            case "yes": checklist[keyPath: check.path] = true
            case "no": checklist[keyPath: check.path] = false
            default: break
            }
        }
        do {
            _ = try await ledger.decideSpotCheckItem(
                campaignId: campaignId,
                FindingInput(item: itemId, outcome: outcome, discrepancy: f["discrepancy"].flatMap(DiscrepancyKind.init(rawValue:)),
                             correctedMinutes: minutes ?? nil, notes: f["notes"], checklist: checklist),
                by: principal)
            return WebRedirect.to("/inspect?decided=1")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language)
            return try await item(context, errors: errors)
        }
    }
}
