import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// At city scale (20 M records) the statistics read the records of a period through an index range, never the
/// records table whole: every statement over `service_records` searches `records_by_start` (the bureau) or
/// `records_by_organization` (an organization's staff).
@Suite("Statistics query plans")
struct StatisticsQueryPlanTests {
    @Test(arguments: [false, true])
    func recordsAreReadThroughAnIndexRange(_ organization: Bool) async throws {
        try await withStore(.sqlite) { t in
            let sqlite = try #require(t.store as? SQLiteLedgerStore)
            let f = try await t.store.write { try StatisticsStoreTests.make($0) }
            let log = RosterImportTests.StatementLog()
            try await sqlite.unsafeWrite { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { log.texts.withLock { $0[statement.sql, default: 0] += 1 } }
                }
            }
            let scope = with(StatisticsStoreTests.june2026) { $0.region = "3301" }
                .scope(organizationId: organization ? f.organizations[0].id : nil, zone: Ledger.statisticsZone)
            _ = try await t.store.write { try $0.statistics(scope) }
            try await sqlite.unsafeWrite { db in db.trace(options: .statement, nil) }
            let overRecords = log.texts.withLock { $0.keys.filter { $0.contains("FROM service_records") } }
            #expect(overRecords.count == 7)  // totals, district, category, month, source, sex, age band
            for sql in overRecords {
                let plan = try await sqlite.queryPlan(sql)
                let index = organization ? "records_by_organization" : "records_by_start"
                #expect(plan.contains { $0.contains("SEARCH r USING INDEX \(index)") }, "\(sql): \(plan)")
                #expect(!plan.contains { $0.hasPrefix("SCAN r") }, "\(sql): \(plan)")
            }
        }
    }
}
