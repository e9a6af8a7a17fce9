import Foundation
import LedgerCore
import Testing

@Suite("Organizations in the store")
struct OrganizationStoreTests {
    @Test(arguments: Backend.all)
    func insertedOrganizationReadsBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let original = Make.organization(1, timeZone: "Asia/Urumqi")
            let (stored, byId, byCode, unknown) = try await t.store.write { w in
                let stored = try w.insert(original)
                return (stored, try w.organization(id: stored.id), try w.organization(creditCode: original.creditCode),
                        try w.organization(creditCode: Make.creditCode(99)))
            }
            var expected = original
            expected.id = stored.id
            #expect(stored.id > 0)
            #expect(stored == expected)
            #expect(byId == expected)
            #expect(byCode == expected)
            #expect(unknown == nil)
            #expect(try await t.store.read { try $0.organization(id: stored.id) } == expected)
            #expect(try await t.store.read { try $0.organization(id: stored.id + 1000) } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func timesAreStoredInWholeSeconds(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let organization = with(Make.organization(1)) { $0.createdAt = Date(timeIntervalSince1970: 1_781_000_000.75) }
            let id = try await t.store.write { try $0.insert(organization).id }
            let read = try await t.store.read { try $0.organization(id: id) }
            #expect(read?.createdAt == Date(timeIntervalSince1970: 1_781_000_000))
        }
    }

    @Test(arguments: Backend.all)
    func organizationsArePagedById(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ids = try await t.store.write { w in try (1...5).map { try w.insert(Make.organization($0)).id } }
            #expect(ids == ids.sorted())
            let pages = try await t.store.read { r in
                [try r.organizations(after: nil, limit: 2), try r.organizations(after: ids[1], limit: 2),
                 try r.organizations(after: ids[3], limit: 2), try r.organizations(after: ids[4], limit: 2)]
            }
            #expect(pages.map { $0.map(\.id) } == [Array(ids[0...1]), Array(ids[2...3]), [ids[4]], []])
            #expect(pages[0].map(\.creditCode) == [Make.creditCode(1), Make.creditCode(2)])
        }
    }

    @Test(arguments: Backend.all)
    func storeRefusesASecondOrganizationWithTheSameCreditCode(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            _ = try await t.store.write { try $0.insert(Make.organization(1)) }
            await #expect(throws: (any Error).self) {
                _ = try await t.store.write { w in
                    var twin = Make.organization(2)
                    twin.creditCode = Make.creditCode(1)
                    return try w.insert(twin)
                }
            }
            #expect(try await t.store.read { try $0.rowCounts().organizations } == 1)
            // Through the use case, the rule error.
            await expectLedgerError(.duplicateCreditCode(Make.creditCode(1))) {
                _ = try await t.ledger().createOrganization(Make.organizationInput(1), by: .localOperator)
            }
        }
    }
}
