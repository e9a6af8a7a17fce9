import Foundation
import GRDB
import LedgerCore
@testable import LedgerSQLite
import Testing

/// A file written by an earlier release opens with the current schema and keeps its rows.
@Suite("SQLite upgrade")
struct SQLiteUpgradeTests {
    @Test func checkInsOfAnEarlierFileSurviveTheRebuildThatAddsTheAutomaticClose() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let end = Int64(Make.june(10, 18).timeIntervalSince1970)
        // The schema of the release before hour claims, with an organization, a member, an activity and two check-ins.
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v8-login-invitations")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO organizations VALUES (1, '\(Make.creditCode(1))', '社区服务中心', '330106', '王', '13800000000', 'Asia/Shanghai', 0);
                    INSERT INTO volunteers VALUES (1, 'V00000000001', '李四', 'female', '1990-01-01', 'resident_id', '110101199001011234',
                                                   '330106', '13900000000', '[]', '[]', 0);
                    INSERT INTO memberships VALUES (1, 1, 0);
                    INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at)
                        VALUES (1, 1, '社区清扫', '清扫', 'community_service', '街道', \(end - 36000), \(end), '王', 0);
                    INSERT INTO check_ins (id, activity_id, organization_id, volunteer_id, checked_in_at, state, closed_at, cancel_reason)
                        VALUES (1, 1, 1, 1, \(end - 30000), 'canceled', \(end), '签错');
                    INSERT INTO check_ins (id, activity_id, organization_id, volunteer_id, checked_in_at, state, method, off_site)
                        VALUES (2, 1, 1, 1, \(end - 20000), 'open', 'self', 1);
                    """)
            }
        }
        let store = try SQLiteLedgerStore(path: path)
        try await store.migrate()
        let ledger = Ledger(store: store, clock: { Make.june(10, 21) })
        #expect(try await store.read { try $0.checkIn(id: 1) }?.cancelReason == "签错")
        let open = try #require(try await store.read { try $0.checkIn(id: 2) })
        #expect(open.state == .open && open.method == .selfService && open.offSite)
        // The widened table takes the new state, keeps its one-open-per-volunteer index and goes on numbering after 2.
        #expect(try await ledger.closeForgottenCheckIns() == 1)
        #expect(try await store.read { try $0.checkIn(id: 2) }?.state == .autoClosed)
        let claims = try await store.read { try $0.claims(organizationId: 1, volunteerId: nil, state: .pending, after: nil, limit: 10) }
        #expect(claims.map(\.checkInId) == [2])
        let next = try await store.write { try $0.insert(CheckIn(id: 0, activityId: 1, organizationId: 1, volunteerId: 1,
                                                                 checkedInAt: Make.june(10, 21), checkedInBy: nil)) }
        #expect(next.id == 3)
        await #expect(throws: (any Error).self) {
            _ = try await store.write { try $0.insert(CheckIn(id: 0, activityId: 1, organizationId: 1, volunteerId: 1,
                                                              checkedInAt: Make.june(10, 21), checkedInBy: nil)) }
        }
    }
}
