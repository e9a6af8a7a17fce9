import Foundation
import LedgerCore
import Testing

@Suite("Activities in the store")
struct ActivityStoreTests {
    @Test(arguments: Backend.all)
    func insertedActivityReadsBackExactly(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (stored, read) = try await t.store.write { w in
                let organization = try w.insert(Make.organization(1))
                let stored = try w.insert(Make.activity(organizationId: organization.id, day: 10, lastDay: 12, title: "敬老院“重阳”探访"))
                return (stored, try w.activity(id: stored.id))
            }
            var expected = Make.activity(organizationId: stored.organizationId, day: 10, lastDay: 12, title: "敬老院“重阳”探访")
            expected.id = stored.id
            #expect(stored == expected)
            #expect(read == expected)
            #expect(try await t.store.read { try $0.activity(id: stored.id + 1) } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func activitiesAreFoundByExactTitleWithinTheirOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (a, b, ids) = try await t.store.write { w in
                let a = try w.insert(Make.organization(1))
                let b = try w.insert(Make.organization(2))
                let ids = [
                    try w.insert(Make.activity(organizationId: a.id, day: 10, title: "社区服务日")).id,
                    try w.insert(Make.activity(organizationId: a.id, day: 11, title: "社区服务日")).id,
                    try w.insert(Make.activity(organizationId: a.id, day: 12, title: "社区服务")).id,
                    try w.insert(Make.activity(organizationId: b.id, day: 10, title: "社区服务日")).id,
                ]
                return (a, b, ids)
            }
            let (inA, inB, none) = try await t.store.read { r in
                (try r.activities(organizationId: a.id, title: "社区服务日"), try r.activities(organizationId: b.id, title: "社区服务日"),
                 try r.activities(organizationId: a.id, title: "社区服务日 "))
            }
            #expect(inA.map(\.id) == [ids[0], ids[1]])
            #expect(inA.map(\.startAt) == [Make.june(10, 8), Make.june(11, 8)])
            #expect(inB.map(\.id) == [ids[3]])
            #expect(none.isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func activitiesArePagedOverAllOrOneOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (a, ids) = try await t.store.write { w in
                let a = try w.insert(Make.organization(1))
                let b = try w.insert(Make.organization(2))
                let ids = try [a, b, a, b, a].enumerated().map {
                    try w.insert(Make.activity(organizationId: $0.element.id, day: 10 + $0.offset, title: "活动\($0.offset)")).id
                }
                return (a, ids)
            }
            let (all, allAfter, ofA, ofAAfter) = try await t.store.read { r in
                (try r.activities(organizationId: nil, after: nil, limit: 10), try r.activities(organizationId: nil, after: ids[1], limit: 2),
                 try r.activities(organizationId: a.id, after: nil, limit: 10), try r.activities(organizationId: a.id, after: ids[2], limit: 10))
            }
            #expect(all.map(\.id) == ids)
            #expect(allAfter.map(\.id) == [ids[2], ids[3]])
            #expect(ofA.map(\.id) == [ids[0], ids[2], ids[4]])
            #expect(ofAAfter.map(\.id) == [ids[4]])
        }
    }
}
