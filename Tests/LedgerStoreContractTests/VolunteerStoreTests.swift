import Foundation
import LedgerCore
import Testing

@Suite("Volunteers and memberships in the store")
struct VolunteerStoreTests {
    @Test(arguments: Backend.all)
    func insertedVolunteerReadsBackExactlyByEveryKey(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let original = with(Make.volunteer(7)) {
                $0.documentType = .passport
                $0.documentNumber = "E12345678"
                $0.skills = ["急救", "手语 \"进阶\"", "a,b;c"]
                $0.serviceCategories = []
            }
            let (stored, byId, byNumber, byDocument, otherType) = try await t.store.write { w in
                let stored = try w.insert(original)
                return (stored, try w.volunteer(id: stored.id), try w.volunteer(number: original.number),
                        try w.volunteer(documentType: .passport, documentNumber: "E12345678"),
                        try w.volunteer(documentType: .other, documentNumber: "E12345678"))
            }
            var expected = original
            expected.id = stored.id
            #expect(stored == expected)
            #expect(byId == expected)
            #expect(byNumber == expected)
            #expect(byDocument == expected)
            #expect(otherType == nil)
            #expect(try await t.store.read { try $0.volunteer(number: "V99999999999") } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func birthDatesAndCategoriesRoundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let old = with(Make.volunteer(1)) {
                $0.birthDate = LocalDate(year: 1931, month: 12, day: 31)!
                $0.serviceCategories = ServiceCategory.allCases
            }
            let id = try await t.store.write { try $0.insert(old).id }
            let read = try await t.store.read { try $0.volunteer(id: id) }
            #expect(read?.birthDate == LocalDate(year: 1931, month: 12, day: 31))
            #expect(read?.serviceCategories == ServiceCategory.allCases)
        }
    }

    @Test(arguments: Backend.all)
    func storeRefusesDuplicateNumbersAndDocuments(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            _ = try await t.store.write { try $0.insert(Make.volunteer(1)) }
            await #expect(throws: (any Error).self, "same volunteer number") {
                _ = try await t.store.write { w in
                    var twin = Make.volunteer(2)
                    twin.number = Make.volunteer(1).number
                    return try w.insert(twin)
                }
            }
            await #expect(throws: (any Error).self, "same document") {
                _ = try await t.store.write { w in
                    var twin = Make.volunteer(3)
                    twin.documentNumber = Make.volunteer(1).documentNumber
                    return try w.insert(twin)
                }
            }
            #expect(try await t.store.read { try $0.rowCounts().volunteers } == 1)
        }
    }

    @Test(arguments: Backend.all)
    func volunteersArePagedById(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ids = try await t.store.write { w in try (1...5).map { try w.insert(Make.volunteer($0)).id } }
            let (first, second, rest) = try await t.store.read { r in
                (try r.volunteers(after: nil, limit: 3), try r.volunteers(after: ids[2], limit: 3), try r.volunteers(after: ids[4], limit: 3))
            }
            #expect(first.map(\.id) == Array(ids[0...2]))
            #expect(second.map(\.id) == Array(ids[3...4]))
            #expect(rest.isEmpty)
            #expect(first.first?.name == "志愿者1")
        }
    }

    @Test(arguments: Backend.all)
    func membershipIsAddedOnceAndListedBothWays(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (organizations, volunteers, added) = try await t.store.write { w in
                let organizations = try (1...2).map { try w.insert(Make.organization($0)) }
                let volunteers = try (1...3).map { try w.insert(Make.volunteer($0)) }
                var added: [Bool] = []
                for volunteer in volunteers {
                    added.append(try w.insert(Membership(volunteerId: volunteer.id, organizationId: organizations[0].id,
                                                         joinedAt: Make.june(3, 9))))
                }
                added.append(try w.insert(Membership(volunteerId: volunteers[0].id, organizationId: organizations[1].id,
                                                     joinedAt: Make.june(4, 9))))
                added.append(try w.insert(Membership(volunteerId: volunteers[0].id, organizationId: organizations[1].id,
                                                     joinedAt: Make.june(5, 9))))
                return (organizations, volunteers, added)
            }
            #expect(added == [true, true, true, true, false])
            let (ofFirst, members, page, rest, byOrganization) = try await t.store.read { r in
                (try r.memberships(volunteerId: volunteers[0].id),
                 try r.members(organizationId: organizations[0].id, after: nil, limit: 10),
                 try r.members(organizationId: organizations[0].id, after: volunteers[0].id, limit: 1),
                 try r.members(organizationId: organizations[1].id, after: volunteers[0].id, limit: 10),
                 try r.memberships(organizationId: organizations[0].id, after: volunteers[0].id, limit: 10))
            }
            #expect(ofFirst == [
                Membership(volunteerId: volunteers[0].id, organizationId: organizations[0].id, joinedAt: Make.june(3, 9)),
                // The second insert did not replace the first join time.
                Membership(volunteerId: volunteers[0].id, organizationId: organizations[1].id, joinedAt: Make.june(4, 9)),
            ])
            #expect(members == volunteers)
            #expect(page == [volunteers[1]])
            #expect(rest.isEmpty)
            #expect(byOrganization.map(\.volunteerId) == [volunteers[1].id, volunteers[2].id])
            #expect(byOrganization.allSatisfy { $0.organizationId == organizations[0].id && $0.joinedAt == Make.june(3, 9) })
        }
    }
}
