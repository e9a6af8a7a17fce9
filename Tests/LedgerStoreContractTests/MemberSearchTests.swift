import Foundation
import LedgerCore
import Testing

/// Finding an organization's members by name, volunteer number or the last digits of a phone.
@Suite("Member search in the store")
struct MemberSearchTests {
    @Test(arguments: Backend.all)
    func findsByNameNumberAndPhoneWithinTheOrganizationOnly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (own, other, members) = try await t.store.write { w -> (Organization, Organization, [Volunteer]) in
                let own = try w.insert(Make.organization(1)), other = try w.insert(Make.organization(2))
                var members: [Volunteer] = []
                for (n, name, phone) in [(1, "张晓明", "13800001234"), (2, "李明", "13900005678"), (3, "王_%芳", "13700001234")] {
                    let volunteer = try w.insert(with(Make.volunteer(n)) { $0.name = name; $0.phone = phone })
                    try w.insert(Membership(volunteerId: volunteer.id, organizationId: own.id, joinedAt: Make.now))
                    members.append(volunteer)
                }
                let stranger = try w.insert(with(Make.volunteer(4)) { $0.name = "张明远"; $0.phone = "13600001234" })
                try w.insert(Membership(volunteerId: stranger.id, organizationId: other.id, joinedAt: Make.now))
                return (own, other, members)
            }
            func search(_ text: String, in organization: Organization = own) async throws -> [String] {
                try await t.store.read { try $0.searchMembers(organizationId: organization.id, text: text, limit: 10) }.map(\.name)
            }
            #expect(try await search("明") == ["张晓明", "李明"])
            #expect(try await search(members[1].number) == ["李明"])
            #expect(try await search(members[1].number.lowercased()) == ["李明"])
            #expect(try await search("1234") == ["张晓明", "王_%芳"])
            #expect(try await search("123") == [], "phones need four digits")
            #expect(try await search("_%") == ["王_%芳"], "wildcards are matched literally")
            #expect(try await search("%") == ["王_%芳"])
            #expect(try await search("张明远") == [], "another organization's volunteer")
            #expect(try await search("张明远", in: other) == ["张明远"])
        }
    }

    @Test(arguments: Backend.all)
    func volunteersAreFoundByTheirIds(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ids = try await t.store.write { w in try (1...3).map { try w.insert(Make.volunteer($0)).id } }
            let found = try await t.store.read { try $0.volunteers(ids: [ids[2], ids[0], 999_999]) }
            #expect(Set(found.map(\.id)) == [ids[0], ids[2]])
            #expect(found.first { $0.id == ids[2] }?.name == "志愿者3")
            #expect(try await t.store.read { try $0.volunteers(ids: []) }.isEmpty)
        }
    }
}
