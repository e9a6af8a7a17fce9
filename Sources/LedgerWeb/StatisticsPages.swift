import Foundation
import Hummingbird
import LedgerCore
import LedgerSpreadsheets

/// The bureau's statistics (`/admin/statistics`, `/org/statistics` for an organization's own figures) and the public
/// open data (`/statistics`, `.csv`, `.json`), with bar charts drawn on the server as SVG.
struct StatisticsPages {
    let ledger: Ledger
    let renderer: PageRenderer
    let regions: RegionCodes

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/admin/statistics") { request, context in try await statistics(request, context, format: nil) }
        pages.get("/admin/statistics.csv") { request, context in try await statistics(request, context, format: "csv") }
        pages.get("/admin/statistics.xlsx") { request, context in try await statistics(request, context, format: "xlsx") }
        pages.get("/org/statistics") { request, context in try await statistics(request, context, format: nil) }
        pages.get("/org/statistics.csv") { request, context in try await statistics(request, context, format: "csv") }
        pages.get("/org/statistics.xlsx") { request, context in try await statistics(request, context, format: "xlsx") }
        pages.get("/statistics") { _, context in try await openData(context) }
        pages.get("/statistics.csv") { _, _ in
            let data = try await ledger.openStatistics().naming(regions)
            return Self.download(Array(data.csv), type: "text/csv; charset=utf-8", name: "statistics.csv", cache: "public, max-age=300")
        }
        pages.get("/statistics.json") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = try encoder.encode(try await ledger.openStatistics().naming(regions))
            return Self.download(Array(data), type: "application/json", name: "statistics.json", cache: "public, max-age=300")
        }
    }

    static func download(_ bytes: [UInt8], type: String, name: String, cache: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: cache],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One bar of a chart, laid out for the SVG template.
    struct Bar {
        var label: String
        var value: String
        var y: Int
        var textY: Int
        var width: Int
    }

    struct Chart {
        var id: String
        var title: String
        var height: Int
        var bars: [Bar]
    }

    static func chart(id: String, title: String, _ items: [(label: String, minutes: Int)]) -> Chart {
        let most = max(items.map(\.minutes).max() ?? 0, 1)
        let bars = items.enumerated().map { index, item in
            Bar(label: item.label, value: HoursFormat.hours(fromMinutes: item.minutes), y: 8 + index * 28, textY: 26 + index * 28,
                width: max(1, item.minutes * 360 / most))
        }
        return Chart(id: id, title: title, height: 16 + items.count * 28, bars: bars)
    }

    struct Line {
        var label: String
        /// By district only (nil hides the column).
        var registered: String?
        var volunteers: String
        var hours: String
        var records: String
    }

    struct Figure {
        var label: String
        var value: String
        var before: String
    }

    func categoryName(_ raw: String, _ language: PageLanguage) -> String {
        guard let category = ServiceCategory(rawValue: raw) else { return raw }
        return language == .chinese ? category.chineseLabel : renderer.text("category_\(raw)", language)
    }

    func statistics(_ request: Request, _ context: WebRequestContext, format: String?) async throws -> Response {
        let principal = try context.requirePrincipal()
        let admin = context.path.hasPrefix("/admin")
        guard admin ? principal.role == .platformAdmin : (principal.role == .organizationAdmin || principal.role == .organizationStaff) else {
            throw LedgerError.forbidden("此页面不属于您的角色 / this page is not for your role")
        }
        let q = request.uri.queryParameters
        let language = context.language, english = language == .english
        let t = { (key: String) in renderer.text(key, language) }
        var error: String?
        var report: StatisticsReport?
        do {
            let parsed = try StatisticsRequest.parse(from: q.get("from").map { String($0.prefix(20)) }, to: q.get("to").map { String($0.prefix(20)) },
                                                     region: q.get("region").map { String($0.prefix(20)) }, today: ledger.statisticsToday)
            report = try await ledger.statistics(parsed, by: principal)
        } catch let failure as LedgerError where failure.kind == .invalidInput {
            error = BilingualText.pick(failure.message, language)
        }
        let base = admin ? "/admin/statistics" : "/org/statistics"
        guard let report else {
            struct Failed { var error: String; var base: String; var from: String; var to: String; var region: String; var admin: Bool }
            let page = Failed(error: error ?? "", base: base, from: q.get("from") ?? "", to: q.get("to") ?? "", region: q.get("region") ?? "", admin: admin)
            return renderer.render("statistics-admin", title: t("statistics_title"), page: page, context: context, status: .badRequest)
        }
        let c = report.current, b = report.yearBefore
        func rate(_ f: StatisticsFigures) -> String {
            f.registeredVolunteers == 0 ? "–" : String(format: "%.1f%%", Double(f.servedVolunteers) * 100 / Double(f.registeredVolunteers))
        }
        func perVolunteer(_ f: StatisticsFigures) -> String {
            f.servedVolunteers == 0 ? "0.00" : String(format: "%.2f", Double(f.minutes) / 60 / Double(f.servedVolunteers))
        }
        let figures = [
            Figure(label: t("statistics_registered"), value: String(c.registeredVolunteers), before: String(b.registeredVolunteers)),
            Figure(label: t("statistics_served"), value: String(c.servedVolunteers), before: String(b.servedVolunteers)),
            Figure(label: t("statistics_active_rate"), value: rate(c), before: rate(b)),
            Figure(label: t("statistics_hours"), value: HoursFormat.hours(fromMinutes: c.minutes), before: HoursFormat.hours(fromMinutes: b.minutes)),
            Figure(label: t("statistics_hours_per_volunteer"), value: perVolunteer(c), before: perVolunteer(b)),
            Figure(label: t("statistics_records"), value: String(c.records), before: String(b.records)),
            Figure(label: t("statistics_activities"), value: String(c.activities), before: String(b.activities)),
            Figure(label: t("statistics_organizations"), value: String(c.organizationsRegistered), before: String(b.organizationsRegistered)),
            Figure(label: t("statistics_organizations_active"), value: String(c.organizationsActive), before: String(b.organizationsActive)),
        ]
        func lines(_ rows: [StatisticsRow], name: (String) -> String, registered: Bool = false) -> [Line] {
            rows.map { Line(label: name($0.key), registered: registered ? String($0.registered) : nil, volunteers: String($0.volunteers),
                            hours: HoursFormat.hours(fromMinutes: $0.minutes), records: String($0.records)) }
        }
        let districtName = { (code: String) in regions.label(code, english: english) }
        let categoryName = { (raw: String) in self.categoryName(raw, language) }
        let sourceName = { (raw: String) in t("statistics_source_\(raw)") }
        let tables: [(String, String, [Line], Bool)] = [
            ("district", t("statistics_by_district"), lines(c.byDistrict, name: districtName, registered: true), true),
            ("category", t("statistics_by_category"), lines(c.byCategory, name: categoryName), false),
            ("month", t("statistics_by_month"), lines(c.byMonth, name: { $0 }), false),
            ("source", t("statistics_by_source"), lines(c.bySource, name: sourceName), false),
            ("sex", t("statistics_by_sex"), lines(c.bySex, name: { t("sex_\($0)") }), false),
            ("age", t("statistics_by_age"), lines(c.byAgeBand, name: { t("statistics_age_\($0)") }), false),
        ]
        if let format {
            var writer = CSVWriter()
            writer.writeRow([t("statistics_period"), "\(report.request.from) – \(report.request.to)", t("statistics_region"),
                             report.request.region.map(districtName) ?? t("statistics_whole_city")])
            writer.writeRow([t("statistics_figure"), t("statistics_current"), t("statistics_year_before")])
            for figure in figures { writer.writeRow([figure.label, figure.value, figure.before]) }
            for (_, title, rows, _) in tables {
                writer.writeRow([])
                writer.writeRow([title, t("statistics_registered"), t("statistics_served"), t("statistics_hours"), t("statistics_records")])
                for line in rows { writer.writeRow([line.label, line.registered ?? "", line.volunteers, line.hours, line.records]) }
            }
            if format == "csv" {
                return Self.download(writer.bytes, type: "text/csv; charset=utf-8", name: "statistics.csv", cache: "private, no-store")
            }
            return Self.download(try XLSXWriter.fromCSV(writer.bytes), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 name: "statistics.xlsx", cache: "private, no-store")
        }
        struct Table { var id: String; var title: String; var lines: [Line]; var registered: Bool }
        struct Page {
            var admin: Bool
            var base: String
            var from: String
            var to: String
            var region: String
            var scope: String
            var query: String
            var figures: [Figure]
            var charts: [Chart]
            var tables: [Table]
            var districts: [Choice]
        }
        let query = "from=\(report.request.from)&to=\(report.request.to)" + (report.request.region.map { "&region=\($0)" } ?? "")
        let charts = [
            Self.chart(id: "chart-district", title: t("statistics_chart_district"), c.byDistrict.map { (districtName($0.key), $0.minutes) }),
            Self.chart(id: "chart-category", title: t("statistics_chart_category"), c.byCategory.map { (categoryName($0.key), $0.minutes) }),
            Self.chart(id: "chart-month", title: t("statistics_chart_month"), c.byMonth.map { ($0.key, $0.minutes) }),
        ]
        let city = regions.districts(under: "3301").map { ($0.code, english ? $0.englishName : $0.name) }
        let page = Page(admin: admin, base: base, from: report.request.from.description, to: report.request.to.description,
                        region: report.request.region ?? "",
                        scope: report.organization?.name ?? report.request.region.map(districtName) ?? t("statistics_whole_city"),
                        query: query, figures: figures, charts: charts,
                        tables: tables.map { Table(id: $0.0, title: $0.1, lines: $0.2, registered: $0.3) },
                        districts: Choice.list([("", t("statistics_whole_city"))] + city, selected: report.request.region ?? ""))
        return renderer.render("statistics-admin", title: t("statistics_title"), page: page, context: context)
    }

    func openData(_ context: WebRequestContext) async throws -> Response {
        let language = context.language
        let data = try await ledger.openStatistics().naming(regions, english: language == .english)
        struct Cell { var text: String }
        struct Line { var label: String; var registered: String; var served: String; var hours: String; var records: String }
        struct Year { var year: Int; var from: String; var to: String; var total: Line; var districts: [Line]; var categories: [Line] }
        func line(_ row: OpenStatistics.Row, label: String) -> Line {
            let small = "<5"
            return Line(label: label, registered: row.suppressed.contains("registeredVolunteers") ? small : row.registeredVolunteers.map(String.init) ?? "",
                        served: row.servedVolunteers.map(String.init) ?? small, hours: row.hours ?? small, records: row.records.map(String.init) ?? small)
        }
        let years = data.periods.map { period in
            Year(year: period.year, from: period.from.description, to: period.to.description,
                 total: line(period.total, label: renderer.text("statistics_whole_city", language)),
                 districts: period.byDistrict.map { line($0, label: $0.name) },
                 categories: period.byCategory.map { line($0, label: categoryName($0.key, language)) })
        }
        struct Page { var years: [Year]; var chart: Chart?; var generatedOn: String }
        let chart = data.periods.first.map { period in
            Self.chart(id: "chart-open-district", title: renderer.text("statistics_chart_district", language),
                       period.byDistrict.compactMap { row in row.minutes.map { (row.name, $0) } })
        }
        return renderer.render("statistics", title: renderer.text("open_statistics_title", language),
                               page: Page(years: years, chart: chart, generatedOn: data.generatedOn.description), context: context)
    }
}
