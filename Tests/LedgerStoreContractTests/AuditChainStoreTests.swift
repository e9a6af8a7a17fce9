import Foundation
import LedgerCore
import Testing

@Suite("Revisions and the audit chain in the store")
struct AuditChainStoreTests {
    @Test(arguments: Backend.all)
    func aNewChainStartsAtGenesis(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (head, locked) = try await t.store.write { w in
                let organization = try w.insert(Make.organization(1))
                return (try w.chainHead(organizationId: organization.id), try w.lockChain(organizationId: organization.id))
            }
            #expect(head == .genesis)
            #expect(locked == .genesis)
        }
    }

    @Test(arguments: Backend.all)
    func revisionsAndChainEntriesReadBackInOrder(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, first, second) = try await t.store.write { w in
                let seed = try Seed.make(w)
                return (seed, try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 10)),
                        try seed.record(w, from: Make.june(10, 11), to: Make.june(10, 12)))
            }
            // A correction of the first record: revision 2, chain link 3.
            let correction = try await t.store.write { w -> RecordRevision in
                var head = try w.lockChain(organizationId: seed.organization.id)
                var revision = RecordRevision(recordId: first.id, revision: 2, kind: .corrected, startAt: Make.june(10, 9),
                                              endAt: Make.june(10, 10), minutes: 50, note: "更正", reason: "签退时间有误",
                                              actorId: 42, at: Make.june(12, 10), chainSequence: 0, digest: "")
                head = AuditChain.link(&revision, after: head, organizationId: seed.organization.id,
                                       volunteerId: seed.volunteer.id, activityId: seed.activity.id)
                try w.append(revision, organizationId: seed.organization.id)
                try w.advanceChain(organizationId: seed.organization.id, to: head)
                return revision
            }
            let (revisions, entries, afterTwo, limited, head) = try await t.store.read { r in
                (try r.revisions(recordId: first.id), try r.chainEntries(organizationId: seed.organization.id, after: 0, limit: 10),
                 try r.chainEntries(organizationId: seed.organization.id, after: 2, limit: 10),
                 try r.chainEntries(organizationId: seed.organization.id, after: 0, limit: 2),
                 try r.chainHead(organizationId: seed.organization.id))
            }
            #expect(revisions.map(\.revision) == [1, 2])
            #expect(revisions.last == correction)
            #expect(revisions.first?.kind == .created)
            #expect(entries.map(\.revision.chainSequence) == [1, 2, 3])
            #expect(entries.map(\.revision.recordId) == [first.id, second.id, first.id])
            #expect(entries.allSatisfy { $0.volunteerId == seed.volunteer.id && $0.activityId == seed.activity.id })
            #expect(entries.allSatisfy { $0.organizationId == seed.organization.id })
            #expect(afterTwo.map(\.revision) == [correction])
            #expect(limited.count == 2)
            #expect(head == ChainHead(sequence: 3, digest: correction.digest))
        }
    }

    @Test(arguments: Backend.all)
    func advancingTheChainReplacesTheHead(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (a, b) = try await t.store.write { w in (try w.insert(Make.organization(1)), try w.insert(Make.organization(2))) }
            let first = ChainHead(sequence: 1, digest: String(repeating: "a", count: 64))
            let second = ChainHead(sequence: 2, digest: String(repeating: "b", count: 64))
            try await t.store.write { w in
                try w.advanceChain(organizationId: a.id, to: first)
                try w.advanceChain(organizationId: a.id, to: second)
            }
            let (headA, headB, locked) = try await t.store.write { w in
                (try w.chainHead(organizationId: a.id), try w.chainHead(organizationId: b.id), try w.lockChain(organizationId: a.id))
            }
            #expect(headA == second)
            #expect(headB == .genesis)
            #expect(locked == second)
        }
    }

    @Test(arguments: Backend.all)
    func theDatabaseRefusesToRewriteHistory(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let record = try await t.store.write { w in
                try Seed.make(w).record(w, from: Make.june(10, 9), to: Make.june(10, 10))
            }
            await #expect(throws: (any Error).self, "UPDATE of a revision") {
                try await t.rawExecute("UPDATE record_revisions SET minutes = 600 WHERE record_id = \(record.id)")
            }
            await #expect(throws: (any Error).self, "DELETE of a revision") {
                try await t.rawExecute("DELETE FROM record_revisions WHERE record_id = \(record.id)")
            }
            await #expect(throws: (any Error).self, "DELETE of a record") {
                try await t.rawExecute("DELETE FROM service_records WHERE id = \(record.id)")
            }
            let (revisions, stored) = try await t.store.read { r in (try r.revisions(recordId: record.id), try r.record(id: record.id)) }
            #expect(revisions.map(\.minutes) == [60])
            #expect(stored == record)
        }
    }

    @Test(arguments: Backend.all)
    func aChainPositionIsTakenOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, record) = try await t.store.write { w in
                let seed = try Seed.make(w)
                return (seed, try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 10)))
            }
            await #expect(throws: (any Error).self) {
                try await t.store.write { w in
                    // Revision 2 claiming chain link 1, which revision 1 holds.
                    try w.append(RecordRevision(recordId: record.id, revision: 2, kind: .corrected, startAt: record.startAt,
                                                endAt: record.endAt, minutes: 30, note: "", reason: "x", actorId: nil,
                                                at: Make.june(12, 9), chainSequence: 1, digest: String(repeating: "c", count: 64)),
                                 organizationId: seed.organization.id)
                }
            }
            #expect(try await t.store.read { try $0.revisions(recordId: record.id).count } == 1)
        }
    }
}
