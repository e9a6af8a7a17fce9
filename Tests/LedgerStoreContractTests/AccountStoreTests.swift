import Foundation
import LedgerCore
import Testing

@Suite("Accounts, sessions and holidays in the store")
struct AccountStoreTests {
    @Test(arguments: Backend.all)
    func insertedUsersReadBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (expected, byId, byName, unknown) = try await t.store.write { w in
                let seed = try Seed.make(w)
                let users = [
                    try w.insert(Make.user(1, role: .platformAdmin)),
                    try w.insert(Make.user(2, role: .organizationAdmin, organizationId: seed.organization.id)),
                    try w.insert(Make.user(3, role: .volunteer, volunteerId: seed.volunteer.id)),
                ]
                return (users, try users.map { try w.user(id: $0.id) }, try users.map { try w.user(username: $0.username) },
                        try w.user(username: "nobody"))
            }
            #expect(expected.map(\.username) == ["user1", "user2", "user3"])
            #expect(expected[2].isDisabled)
            #expect(expected[1].organizationId != nil && expected[2].volunteerId != nil)
            #expect(byId == expected)
            #expect(byName == expected)
            #expect(unknown == nil)
            let paged = try await t.store.read { r in
                (try r.users(after: nil, limit: 2), try r.users(after: expected[1].id, limit: 2))
            }
            #expect(paged.0 == Array(expected[0...1]))
            #expect(paged.1 == [expected[2]])
        }
    }

    @Test(arguments: Backend.all)
    func usernamesAreUnique(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            _ = try await t.store.write { try $0.insert(Make.user(1, role: .platformAdmin)) }
            await #expect(throws: (any Error).self) {
                _ = try await t.store.write { try $0.insert(Make.user(1, role: .inspector)) }
            }
            await expectLedgerError(.duplicateUsername("user1")) {
                _ = try await t.ledger().createAccount(AccountInput(username: "user1", password: "long-enough-1", role: .inspector),
                                                       by: .localOperator)
            }
            #expect(try await t.store.read { try $0.rowCounts().users } == 1)
        }
    }

    @Test(arguments: Backend.all)
    func sessionsAreStoredRevokedOnceAndListedByHash(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let user = try await t.store.write { try $0.insert(Make.user(1, role: .platformAdmin)) }
            let sessions = (1...3).map { Make.session($0, userId: user.id) }
            try await t.store.write { w in for session in sessions.reversed() { try w.insert(session) } }
            try await t.store.write { w in
                try w.revokeSession(tokenHash: sessions[0].tokenHash, at: Make.june(14, 9))
                // A second revocation keeps the first time.
                try w.revokeSession(tokenHash: sessions[0].tokenHash, at: Make.june(14, 10))
            }
            let (first, second, unknown, listed, afterFirst) = try await t.store.read { r in
                (try r.session(tokenHash: sessions[0].tokenHash), try r.session(tokenHash: sessions[1].tokenHash),
                 try r.session(tokenHash: "00"), try r.sessions(after: nil, limit: 10), try r.sessions(after: sessions[0].tokenHash, limit: 1))
            }
            var revoked = sessions[0]
            revoked.revokedAt = Make.june(14, 9)
            #expect(first == revoked)
            #expect(second == sessions[1])
            #expect(unknown == nil)
            #expect(listed.map(\.tokenHash) == sessions.map(\.tokenHash).sorted())
            // Hashes grow with n here, so the one after the first is the second.
            #expect(afterFirst.map(\.tokenHash) == [sessions[1].tokenHash])
        }
    }

    @Test(arguments: Backend.all)
    func holidaysAreUpsertedAndListedByDate(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let national = LocalDate(year: 2026, month: 10, day: 1)!
            let makeUp = LocalDate(year: 2026, month: 9, day: 27)!
            try await t.store.write { w in
                try w.setHoliday(HolidayEntry(date: national, isWorkday: true))
                try w.setHoliday(HolidayEntry(date: makeUp, isWorkday: true))
                try w.setHoliday(HolidayEntry(date: national, isWorkday: false))
            }
            let holidays = try await t.store.read { try $0.holidays() }
            #expect(holidays == [HolidayEntry(date: makeUp, isWorkday: true), HolidayEntry(date: national, isWorkday: false)])
        }
    }
}
