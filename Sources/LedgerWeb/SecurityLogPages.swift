import Foundation
import Hummingbird
import LedgerCore

/// The platform admins' security log page: account events newest first, filtered by kind, account and days, a
/// page of 50 at a time, and the same selection as CSV.
struct SecurityLogPages {
    let ledger: Ledger
    let renderer: PageRenderer

    static let eventsPerPage = 50

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/admin/security-log") { request, context in try await log(request, context) }
        pages.get("/admin/security-log.csv") { request, context in try await export(request, context) }
    }

    /// The filter fields as typed (each cut short), and the page's cursor.
    struct Query {
        var kind: String
        var account: String
        var from: String
        var to: String
        var before: String

        init(_ request: Request) {
            func field(_ name: String, _ length: Int) -> String {
                String((request.uri.queryParameters.get(name).map { String($0) } ?? "").trimmingCharacters(in: .whitespaces).prefix(length))
            }
            kind = field("kind", 30)
            account = field("account", 64)
            from = field("from", 10)
            to = field("to", 10)
            before = field("before", 19)
        }

        var items: [URLQueryItem] {
            [("kind", kind), ("account", account), ("from", from), ("to", to)].filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        }

        func link(_ path: String, before: Int64? = nil) -> String {
            var components = URLComponents()
            components.path = path
            let items = self.items + (before.map { [URLQueryItem(name: "before", value: String($0))] } ?? [])
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? path
        }

        /// The filter, or the field at fault.
        func filter() throws -> (SecurityEventFilter, beforeId: Int64?) {
            func day(_ text: String, _ field: String) throws -> LocalDate? {
                guard !text.isEmpty else { return nil }
                guard let day = LocalDate(iso: text) else {
                    throw LedgerError.invalidField(field: field, reason: "日期格式应为 YYYY-MM-DD / must be a date as YYYY-MM-DD")
                }
                return day
            }
            var beforeId: Int64?
            if !before.isEmpty {
                guard let number = Int64(before), number > 0 else {
                    throw LedgerError.invalidField(field: "before", reason: "必须是正整数 / must be a positive number")
                }
                beforeId = number
            }
            return (try SecurityEventFilter.days(kind: kind, fromDay: try day(from, "from"), toDay: try day(to, "to")), beforeId)
        }
    }

    struct Row {
        var id: Int64
        var time: String
        var kind: String
        var kindLabel: String
        var username: String
        /// Absent (nil) hides the cell's "#": an empty string is truthy in a template section.
        var accountId: String?
        var actorId: String?
        var address: String
        var userAgent: String
        var detail: String
    }

    func log(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let query = Query(request)
        var errors = FieldErrors()
        var rows: [Row] = []
        var next: String?
        do {
            let (filter, beforeId) = try query.filter()
            let found = try await ledger.securityEvents(filter, username: query.account, beforeId: beforeId, limit: Self.eventsPerPage,
                                                        by: principal)
            rows = found.items.map { event in
                Row(id: event.id, time: PageFormat.moment(event.at, .ledgerDefault), kind: event.kind.rawValue,
                    kindLabel: BilingualText.pick(event.kind.label, context.language), username: event.username,
                    accountId: event.accountId.map(String.init), actorId: event.actorId.map(String.init),
                    address: event.clientAddress ?? "", userAgent: event.userAgent ?? "", detail: event.detail ?? "")
            }
            next = found.nextAfter.map { query.link("/admin/security-log", before: $0) }
        } catch let error as LedgerError where error.kind == .invalidInput {
            errors.add(error, context.language, defaultField: "kind")
        }
        struct Page {
            var events: [Row]
            var kinds: [Choice]
            var account: String
            var from: String
            var to: String
            var next: String?
            var first: String?
            var csv: String
            var errors: [String: String]
        }
        let kinds = [("", renderer.text("security_log_all_kinds", context.language))]
            + SecurityEventKind.allCases.map { ($0.rawValue, BilingualText.pick($0.label, context.language)) }
        let page = Page(events: rows, kinds: Choice.list(kinds, selected: query.kind), account: query.account, from: query.from,
                        to: query.to, next: next, first: query.before.isEmpty ? nil : query.link("/admin/security-log"),
                        csv: query.link("/admin/security-log.csv"), errors: errors.dictionary)
        return renderer.render("admin/security-log", title: renderer.text("nav_security_log", context.language), page: page,
                               context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func export(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try AdminPages.admin(context)
        let query = Query(request)
        let (filter, _) = try query.filter()
        // Refusals and unknown accounts answer before the stream starts.
        _ = try await ledger.securityEvents(filter, username: query.account, beforeId: nil, limit: 1, by: principal)
        let ledger = self.ledger
        let username = query.account
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"security-log.csv\""],
            body: ResponseBody { writer in
                try await ledger.exportSecurityEvents(filter, username: username, by: principal) { bytes in
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
                try await writer.finish(nil)
            })
    }
}
