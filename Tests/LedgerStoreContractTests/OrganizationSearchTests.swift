import Foundation
import LedgerCore
import Testing

/// The platform's organization list: paged by id, narrowed by part of a name, the start of a credit code or of a region
/// code, on both stores.
@Suite("Organization search")
struct OrganizationSearchTests {
    static let admin = Principal(userId: 1, role: .platformAdmin)

    @Test(arguments: Backend.all)
    func theListIsPagedAndSearchable(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            try await t.store.write { w in
                for n in 1...30 {
                    var organization = Make.organization(n)
                    organization.regionCode = n <= 20 ? "320214" : "320281"
                    if n == 7 { organization.name = "无锡市梁溪区50%助老服务队" }
                    _ = try w.insert(organization)
                }
            }
            let ledger = t.ledger()
            func names(_ search: OrganizationSearch, after: Int64? = nil, limit: Int = 50) async throws -> Page<Organization> {
                try await ledger.organizations(matching: search, after: after, limit: limit, by: Self.admin)
            }
            // Pages of 12, by id, each continuing after the last.
            var seen: [Int64] = [], after: Int64?
            repeat {
                let page = try await names(OrganizationSearch(), after: after, limit: 12)
                #expect(page.items.count <= 12)
                seen += page.items.map(\.id)
                after = page.nextAfter
            } while after != nil
            #expect(seen.count == 30 && seen == seen.sorted())

            // Part of a name; LIKE's wildcards are taken literally.
            #expect(try await names(OrganizationSearch(text: "助老")).items.map(\.name) == ["无锡市梁溪区50%助老服务队"])
            #expect(try await names(OrganizationSearch(text: "50%")).items.count == 1)
            #expect(try await names(OrganizationSearch(text: "%")).items.count == 1)
            #expect(try await names(OrganizationSearch(text: "_")).items.isEmpty)
            #expect(try await names(OrganizationSearch(text: "协会2")).items.count == 11, "协会2 and 协会20-29")
            // The start of a credit code (any case), not a part of it.
            let code = Make.creditCode(12)
            #expect(try await names(OrganizationSearch(text: code.lowercased())).items.map(\.creditCode) == [code])
            #expect(try await names(OrganizationSearch(text: String(code.prefix(16)))).items.count == 10, "MA00000{10-19}")
            #expect(try await names(OrganizationSearch(text: String(code.suffix(5)))).items.isEmpty)
            // The start of a region code, alone or with a name, paged.
            #expect(try await names(OrganizationSearch(regionPrefix: "320281")).items.count == 10)
            #expect(try await names(OrganizationSearch(regionPrefix: "3202")).items.count == 30)
            #expect(try await names(OrganizationSearch(regionPrefix: "3203")).items.isEmpty)
            #expect(try await names(OrganizationSearch(regionPrefix: "32029")).items.isEmpty)
            let both = try await names(OrganizationSearch(text: "协会2", regionPrefix: "320281"))
            #expect(both.items.count == 9, "协会21-29")
            let firstTwo = try await names(OrganizationSearch(regionPrefix: "320281"), limit: 2)
            #expect(firstTwo.items.count == 2 && firstTwo.nextAfter == firstTwo.items.last?.id)
            let rest = try await names(OrganizationSearch(regionPrefix: "320281"), after: firstTwo.nextAfter)
            #expect(rest.items.count == 8 && rest.nextAfter == nil)

            // Only the platform and inspectors list every organization.
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.organizations(matching: OrganizationSearch(), after: nil, limit: 10,
                                                   by: Principal(userId: 2, role: .organizationAdmin, organizationId: seen[0]))
            }
        }
    }

    @Test func whatWasTypedIsCheckedAndBounded() throws {
        #expect(try OrganizationSearch.checked(text: "  助老 ", region: " 3202 ") == OrganizationSearch(text: "助老", regionPrefix: "3202"))
        #expect(try OrganizationSearch.checked(text: "", region: nil) == OrganizationSearch())
        #expect(throws: LedgerError.self) { try OrganizationSearch.checked(text: nil, region: "32a") }
        #expect(throws: LedgerError.self) { try OrganizationSearch.checked(text: nil, region: "3202141") }
        #expect(throws: LedgerError.self) { try OrganizationSearch.checked(text: String(repeating: "会", count: 51), region: nil) }
        #expect(OrganizationSearch(text: "91320214").creditCodePrefix == "91320214")
        #expect(OrganizationSearch(text: "助老").creditCodePrefix == nil)
        #expect(OrganizationSearch.rangeEnd(ofPrefix: "3209") == "320:")
    }
}
