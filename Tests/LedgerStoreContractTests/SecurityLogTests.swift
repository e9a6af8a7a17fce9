import Foundation
import LedgerCore
import Testing

@Suite("The security log on both stores: appended with the change, filtered, paged, exported, kept 180 days")
struct SecurityLogTests {
    static let browser = RequestOrigin(clientAddress: "203.0.113.7", userAgent: "Mozilla/5.0 " + String(repeating: "x", count: 400))

    @Test(arguments: Backend.all)
    func accountEventsAreLoggedWithWhoWhenAndWhere(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let admin = try await ledger.createAccount(AccountInput(username: "root", password: "long-enough-1", role: .platformAdmin),
                                                       by: .localOperator)
            let inspector = try await ledger.createAccount(
                AccountInput(username: "insp", password: "long-enough-2", role: .inspector), by: Principal(admin), origin: Self.browser)
            await expectLedgerError(.invalidCredentials) {
                _ = try await ledger.login(username: "insp", password: "wrong-password", clientAddress: "198.51.100.1", userAgent: "curl/8")
            }
            await expectLedgerError(.invalidCredentials) {
                _ = try await ledger.login(username: "ghost", password: "whatever-123", clientAddress: "198.51.100.1")
            }
            let grant = try await ledger.login(username: "insp", password: "long-enough-2", clientAddress: "198.51.100.2",
                                               userAgent: Self.browser.userAgent)
            try await ledger.revoke(token: grant.token, origin: Self.browser)
            // A second sign-out of the same token ends nothing and logs nothing.
            try await ledger.revoke(token: grant.token, origin: Self.browser)

            let page = try await ledger.securityEvents(SecurityEventFilter(), beforeId: nil, limit: 50, by: Principal(admin))
            #expect(page.items.map(\.kind) == [.sessionEnded, .signInSucceeded, .signInFailed, .signInFailed, .accountCreated, .accountCreated])
            #expect(page.nextAfter == nil)
            let created = page.items[4]
            #expect(created.accountId == inspector.id && created.username == "insp" && created.actorId == admin.id)
            #expect(created.clientAddress == "203.0.113.7" && created.userAgent?.count == RequestOrigin.maxUserAgentLength)
            #expect(created.detail == "inspector" && created.at == Make.now.wholeSeconds)
            #expect(page.items[5].actorId == nil && page.items[5].clientAddress == nil)
            #expect(page.items[3].accountId == inspector.id && page.items[3].detail == "wrong-password"
                && page.items[3].userAgent == "curl/8")
            #expect(page.items[2].accountId == nil && page.items[2].username == "ghost" && page.items[2].detail == "unknown-username")
            #expect(page.items[1].clientAddress == "198.51.100.2" && page.items[1].accountId == inspector.id)
            #expect(page.items[0].detail == "sign-out")
            #expect(Set(page.items.map(\.id)).count == 6)
        }
    }

    @Test(arguments: Backend.all)
    func filtersPagesAndRefusesOthersThanPlatformAdmins(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let admin = try await ledger.createAccount(AccountInput(username: "root", password: "long-enough-1", role: .platformAdmin),
                                                       by: .localOperator)
            // 30 events over three days, alternating between two accounts and two kinds.
            try await t.store.write { w in
                for n in 0..<30 {
                    try w.append(SecurityEvent(kind: n % 2 == 0 ? .signInFailed : .signInSucceeded, at: Make.june(10 + n / 10, 9, n),
                                               accountId: n % 3 == 0 ? admin.id : 999, username: n % 3 == 0 ? "root" : "other"))
                }
            }
            let principal = Principal(admin)
            var seen: [SecurityEvent] = []
            var cursor: Int64?
            repeat {
                let page = try await ledger.securityEvents(SecurityEventFilter(kind: .signInFailed), beforeId: cursor, limit: 4, by: principal)
                seen += page.items
                cursor = page.nextAfter
            } while cursor != nil
            #expect(seen.count == 15 && seen.allSatisfy { $0.kind == .signInFailed })
            #expect(seen.map(\.id) == seen.map(\.id).sorted(by: >))
            let byAccount = try await ledger.securityEvents(SecurityEventFilter(), username: "root", beforeId: nil, limit: 500, by: principal)
            #expect(byAccount.items.count == 10 + 1)  // ten appended and the account's creation
            #expect(byAccount.items.allSatisfy { $0.accountId == admin.id })
            let unknown = try await ledger.securityEvents(SecurityEventFilter(), username: "nobody", beforeId: nil, limit: 500, by: principal)
            #expect(unknown.items.isEmpty)
            let day = try SecurityEventFilter.days(kind: nil, fromDay: LocalDate(year: 2026, month: 6, day: 11),
                                                   toDay: LocalDate(year: 2026, month: 6, day: 11))
            let oneDay = try await ledger.securityEvents(day, beforeId: nil, limit: 500, by: principal)
            #expect(oneDay.items.count == 10)
            #expect(oneDay.items.allSatisfy { LocalDate($0.at, in: .ledgerDefault) == LocalDate(year: 2026, month: 6, day: 11) })
            #expect(throws: LedgerError.self) { try SecurityEventFilter.days(kind: "sign-in-maybe", fromDay: nil, toDay: nil) }

            for role in [Role.inspector, .organizationAdmin, .organizationStaff, .volunteer] {
                await #expect(throws: LedgerError.self) {
                    _ = try await ledger.securityEvents(SecurityEventFilter(), beforeId: nil, limit: 5,
                                                        by: Principal(userId: 77, role: role, organizationId: 1, volunteerId: 1))
                }
            }
        }
    }

    @Test(arguments: Backend.all)
    func exportStreamsEveryMatchingEventAsCSV(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let count = Ledger.securityLogExportPageSize + 5
            try await t.store.write { w in
                for n in 0..<count {
                    try w.append(SecurityEvent(kind: .signInFailed, at: Make.june(12, 9), accountId: nil, username: "guess,\(n)",
                                               origin: RequestOrigin(clientAddress: "192.0.2.1", userAgent: "agent \"q\"")))
                }
            }
            var chunks: [[UInt8]] = []
            try await ledger.exportSecurityEvents(SecurityEventFilter(kind: .signInFailed), by: .localOperator) { chunks.append($0) }
            #expect(chunks.count >= 2)
            let text = String(decoding: chunks.joined(), as: UTF8.self)
            let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
            #expect(lines.count == count + 1)
            #expect(lines.first?.contains("用户名 username") == true)
            #expect(lines[1].contains("\"guess,\(count - 1)\"") && lines[1].contains("\"agent \"\"q\"\"\""))
            #expect(lines[1].contains("2026-06-12T09:00:00+08:00"))
        }
    }

    @Test(arguments: Backend.all)
    func onlyEventsOlderThanTheRetentionArePrunedAndNoneIsChanged(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let old = Make.now.addingTimeInterval(-200 * 86_400)
            let (kept, recent) = try await t.store.write { w in
                try w.append(SecurityEvent(kind: .signInFailed, at: old, accountId: nil, username: "old"))
                let kept = try w.append(SecurityEvent(kind: .signInFailed, at: Make.now.addingTimeInterval(-100 * 86_400), accountId: nil,
                                                      username: "kept"))
                let recent = try w.append(SecurityEvent(kind: .signInSucceeded, at: Date().wholeSeconds, accountId: 1, username: "today"))
                return (kept, recent)
            }
            await expectLedgerError(.invalidField(field: "retentionDays", reason: "须在 180 到 36500 天之间 / must be between 180 and 36500 days")) {
                _ = try await ledger.pruneSecurityLog(retentionDays: 30, by: .localOperator)
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.pruneSecurityLog(by: Principal(userId: 5, role: .inspector))
            }
            #expect(try await ledger.pruneSecurityLog(by: .localOperator) == 1)
            let left = try await t.store.read { try $0.securityEvents(afterId: nil, limit: 10) }
            #expect(left == [kept, recent])
            // The schema itself refuses to delete a young event.
            await #expect(throws: (any Error).self) {
                _ = try await t.store.write { try $0.pruneSecurityEvents(olderThan: Date().addingTimeInterval(86_400), limit: 10) }
            }
            #expect(try await t.store.read { try $0.securityEvents(afterId: nil, limit: 10) } == [kept, recent])
        }
    }
}
