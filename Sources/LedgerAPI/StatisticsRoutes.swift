import Foundation
import Hummingbird
import LedgerCore

/// The bureau's statistics (`getStatistics`: platform admins and inspectors any region; organization staff their own
/// organization) and the public open data (`getOpenStatistics`, no sign-in; small counts suppressed).
struct StatisticsRoutes {
    let ledger: Ledger
    let regions: RegionCodes

    /// A report as the API shows it: codes with their names, the figures and those of the year before.
    struct ReportBody: ResponseEncodable {
        var from: LocalDate
        var to: LocalDate
        /// The region code prefix asked for; null for the whole platform.
        var region: String?
        /// Set for an organization's staff: the figures are that organization's.
        var organizationId: Int64?
        var current: StatisticsFigures
        var yearBefore: StatisticsFigures
        /// The names of the district codes in `byDistrict`.
        var districtNames: [String: String]
    }

    struct OpenBody: ResponseEncodable {
        var data: OpenStatistics

        func encode(to encoder: any Encoder) throws { try data.encode(to: encoder) }
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.get("statistics") { request, context -> ReportBody in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let parsed = try StatisticsRequest.parse(from: q.get("from").map { String($0.prefix(20)) }, to: q.get("to").map { String($0.prefix(20)) },
                                                     region: q.get("region").map { String($0.prefix(20)) }, today: ledger.statisticsToday)
            let report = try await ledger.statistics(parsed, by: principal)
            let codes = Set((report.current.byDistrict + report.yearBefore.byDistrict).map(\.key))
            return ReportBody(from: parsed.from, to: parsed.to, region: parsed.region, organizationId: report.organization?.id,
                              current: report.current, yearBefore: report.yearBefore,
                              districtNames: Dictionary(uniqueKeysWithValues: codes.map { ($0, regions.name($0)) }))
        }
        api.get("public/statistics") { _, _ -> OpenBody in
            OpenBody(data: try await ledger.openStatistics().naming(regions))
        }
    }
}
