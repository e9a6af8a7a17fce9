import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// The public activity search on both stores: only activities open to every volunteer, before their deadline and not
/// ended; filters by category, district, dates, keyword and places left; pages by deadline through a cursor.
@Suite("Public activity search")
struct PublicActivitySearchTests {
    static let op = Principal.localOperator

    struct Setting {
        var elderly: Activity
        var other: Activity
        var membersOnly: Activity
        var closed: Activity
        var unpublished: Activity
        var organization: Organization
    }

    static func setting(_ ledger: Ledger) async throws -> Setting {
        let west = try await ledger.createOrganization(Make.organizationInput(1), by: op)
        var input = Make.organizationInput(2)
        input.regionCode = "330105"
        let north = try await ledger.createOrganization(input, by: op)
        func activity(_ organization: Organization, _ title: String, day: Int, category: ServiceCategory,
                      audience: RecruitmentAudience?, deadline: Date? = nil, capacity: Int = 2) async throws -> Activity {
            var input = Make.activityInput(day: day, title: title)
            input.category = category
            input.place = "\(title)现场"
            let created = try await ledger.createActivity(input, organizationId: organization.id, by: op)
            if let audience {
                _ = try await ledger.openForSignUp(activityId: created.id, RecruitmentInput(
                    audience: audience, capacity: capacity, deadline: deadline ?? Make.june(day - 1, 18)), by: op)
            }
            return created
        }
        let elderly = try await activity(west, "敬老院陪伴 50%", day: 20, category: .elderlyAndChildren, audience: .everyone, capacity: 1)
        let other = try await activity(north, "河道清洁", day: 22, category: .environmentalProtection, audience: .everyone)
        let membersOnly = try await activity(west, "内部培训", day: 21, category: .skillsTraining, audience: .members)
        // Its deadline (June 15 11:00) passed an hour before the tests' now.
        let closed = try await activity(west, "已截止的活动", day: 16, category: .communityService, audience: .everyone,
                                        deadline: Make.june(15, 11))
        let unpublished = try await activity(west, "未招募的活动", day: 23, category: .communityService, audience: nil)
        return Setting(elderly: elderly, other: other, membersOnly: membersOnly, closed: closed, unpublished: unpublished, organization: west)
    }

    @Test(arguments: Backend.all)
    func strangersFindOpenActivitiesByEveryFilter(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await Self.setting(ledger)
            func ids(_ filter: PublicActivityFilter) async throws -> [Int64] {
                try await ledger.publicActivities(filter, after: nil, limit: nil).items.map(\.activity.id)
            }
            let now = Make.now
            #expect(try await ids(PublicActivityFilter(now: now)) == [s.elderly.id, s.other.id])
            #expect(try await ids(PublicActivityFilter(now: now, category: .environmentalProtection)) == [s.other.id])
            #expect(try await ids(PublicActivityFilter(now: now, regionPrefix: "330105")) == [s.other.id])
            #expect(try await ids(PublicActivityFilter(now: now, regionPrefix: "3301")) == [s.elderly.id, s.other.id])
            #expect(try await ids(PublicActivityFilter(now: now, startsFrom: Make.june(21, 0), startsBefore: Make.june(23, 0))) == [s.other.id])
            #expect(try await ids(PublicActivityFilter(now: now, keyword: "敬老")) == [s.elderly.id])
            #expect(try await ids(PublicActivityFilter(now: now, keyword: "河道清洁现场")) == [s.other.id])
            // The keyword is literal: % matches only a percent sign.
            #expect(try await ids(PublicActivityFilter(now: now, keyword: "50%")) == [s.elderly.id])
            #expect(try await ids(PublicActivityFilter(now: now, keyword: "%")) == [s.elderly.id])
            #expect(try await ids(PublicActivityFilter(now: now, keyword: "_")) == [])

            // The one place of the first is taken: it still shows, with none left, but not when only places left are asked.
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: s.organization.id, by: Self.op).volunteer
            _ = try await ledger.signUp(activityId: s.elderly.id, by: Principal(userId: nil, role: .volunteer, volunteerId: volunteer.id))
            let first = try await ledger.publicActivities(PublicActivityFilter(now: now), after: nil, limit: nil).items.first
            #expect(first?.placesLeft == 0 && first?.placesTaken == 1 && first?.organizationName == "测试志愿者协会1")
            #expect(try await ids(PublicActivityFilter(now: now, onlyWithPlacesLeft: true)) == [s.other.id])

            // One at a time: the cursor carries on after the first; the last page has none.
            let page1 = try await ledger.publicActivities(PublicActivityFilter(now: now), after: nil, limit: 1)
            let cursor = try #require(page1.next)
            #expect(PublicActivityCursor(text: cursor.text) == cursor)
            let page2 = try await ledger.publicActivities(PublicActivityFilter(now: now), after: cursor, limit: 1)
            #expect(page1.items.map(\.activity.id) == [s.elderly.id] && page2.items.map(\.activity.id) == [s.other.id] && page2.next == nil)

            // One activity's public view: any recruitment (members-only, closed), not an activity nobody opened.
            let membersOnly = try await ledger.publicActivity(id: s.membersOnly.id)
            #expect(membersOnly.recruitment.audience == .members && membersOnly.isOpen(at: now))
            #expect(try await ledger.publicActivity(id: s.closed.id).isOpen(at: now) == false)
            await expectLedgerErrorCode("not-found") { _ = try await ledger.publicActivity(id: s.unpublished.id) }
        }
    }

    @Test(arguments: Backend.all)
    func badFiltersAreRefusedByName(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            for (filter, field) in [
                (PublicActivityFilter(now: Make.now, regionPrefix: "33a"), "region"),
                (PublicActivityFilter(now: Make.now, regionPrefix: "3301021234567"), "region"),
                (PublicActivityFilter(now: Make.now, keyword: String(repeating: "字", count: 51)), "q"),
                (PublicActivityFilter(now: Make.now, startsFrom: Make.june(20, 0), startsBefore: Make.june(19, 0)), "to"),
            ] {
                await #expect(throws: LedgerError.self) { _ = try await ledger.publicActivities(filter, after: nil, limit: nil) }
                do {
                    _ = try await ledger.publicActivities(filter, after: nil, limit: nil)
                } catch let error as LedgerError {
                    #expect(error.field == field, "\(error)")
                }
            }
            #expect(PublicActivityCursor(text: "d-1-5") == nil && PublicActivityCursor(text: "d99999999999-5") == nil
                    && PublicActivityCursor(text: "d100-0") == nil && PublicActivityCursor(text: "x") == nil)
        }
    }
}

/// The search at scale on SQLite: a page is two statements whatever it holds (the listing with its counts, then the
/// activities by id), and neither reads a table whole (the query plans search indexes only).
@Suite("Public activity search statements")
struct PublicActivitySearchStatementTests {
    @Test func aPageIsTwoIndexedStatements() async throws {
        try await withStore(.sqlite) { t in
            let sqlite = try #require(t.store as? SQLiteLedgerStore)
            let ledger = t.ledger()
            _ = try await PublicActivitySearchTests.setting(ledger)
            let log = RosterImportTests.StatementLog()
            try await sqlite.unsafeWrite { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { log.texts.withLock { $0[statement.sql, default: 0] += 1 } }
                }
            }
            // Through a writer, which runs on the traced connection.
            let filter = PublicActivityFilter(now: Make.now, category: .elderlyAndChildren, regionPrefix: "3301", keyword: "敬老",
                                              onlyWithPlacesLeft: true)
            let found = try await t.store.write { try $0.publicActivities(filter, after: nil, limit: 21) }
            try await sqlite.unsafeWrite { db in db.trace(options: .statement, nil) }
            #expect(found.count == 1)
            let selects = log.texts.withLock { $0.filter { $0.key.hasPrefix("SELECT") } }
            #expect(selects.count == 2 && selects.values.allSatisfy { $0 == 1 }, "\(selects)")
            // Each plan searches an index (or the rowid); none scans a table.
            let plans = try await sqlite.unsafeWrite { db -> [String] in
                var details: [String] = []
                for sql in selects.keys {
                    let numbered = sql.matches(of: #/\?(\d+)/#).compactMap { Int($0.output.1) }.max()
                    let count = numbered ?? sql.filter { $0 == "?" }.count
                    let arguments = StatementArguments(Array(repeating: DatabaseValue.null, count: count))
                    details += try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                }
                return details
            }
            #expect(plans.contains { $0.contains("USING INDEX recruitments_public") }, "\(plans)")
            #expect(!plans.contains { $0.hasPrefix("SCAN") }, "\(plans)")
        }
    }
}
