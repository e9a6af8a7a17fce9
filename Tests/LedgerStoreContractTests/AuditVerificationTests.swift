import Foundation
import LedgerCore
import Testing

/// The audit verification keeps where each chain was verified intact, so that the next (incremental) one reads only the
/// revisions appended since and the records they concern; a full one still reads everything.
@Suite("Audit verification, incremental")
struct AuditVerificationTests {
    static let op = Principal.localOperator

    @Test(arguments: Backend.all)
    func verifiedPositionsAndTheLatestResultAreKept(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (a, b) = try await t.store.write { w in (try w.insert(Make.organization(1)), try w.insert(Make.organization(2))) }
            #expect(try await t.store.read { try $0.verifiedChainPositions(organizationIds: [a.id, b.id]) }.isEmpty)
            #expect(try await t.store.read { try $0.latestAuditVerification() } == nil)
            let first = ChainHead(sequence: 3, digest: String(repeating: "a", count: 64))
            let second = ChainHead(sequence: 5, digest: String(repeating: "b", count: 64))
            try await t.store.write { try $0.saveVerifiedChainPositions([a.id: first], at: Make.now) }
            try await t.store.write { try $0.saveVerifiedChainPositions([a.id: second, b.id: first], at: Make.now) }
            let positions = try await t.store.read { try $0.verifiedChainPositions(organizationIds: [a.id, b.id]) }
            #expect(positions == [a.id: second, b.id: first])
            #expect(try await t.store.read { try $0.verifiedChainPositions(organizationIds: [b.id]) } == [b.id: first])

            let problem = AuditReport.Problem(organizationId: b.id, recordId: 7, chainSequence: 2, message: "record #7 differs")
            for (n, report) in [AuditReport(organizations: 2, revisions: 10, problems: [], mode: .full, startedAt: Make.june(14, 1),
                                            finishedAt: Make.june(14, 2), rowsRead: 20, problemCount: 0),
                                AuditReport(organizations: 2, revisions: 1, problems: [problem], mode: .incremental,
                                            startedAt: Make.june(15, 1), finishedAt: Make.june(15, 2), rowsRead: 2, problemCount: 1)].enumerated() {
                try await t.store.write { try $0.saveAuditVerification(report) }
                let latest = try #require(try await t.store.read { try $0.latestAuditVerification() })
                #expect(latest.mode == report.mode && latest.finishedAt == report.finishedAt && latest.rowsRead == report.rowsRead, "\(n)")
                #expect(latest.problems == report.problems && latest.isIntact == report.isIntact)
            }
            // A stored report that is not one is an error naming its column, never a silent default.
            try await t.rawExecute("UPDATE audit_verifications SET report = '{\"organizations\":\"many\"}'")
            await #expect(throws: StoredValueError.self) { _ = try await t.store.read { try $0.latestAuditVerification() } }
        }
    }

    @Test(arguments: Backend.all)
    func aSecondVerificationReadsOnlyWhatChanged(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(), organizationId: organization.id, by: Self.op)
            var volunteers: [Volunteer] = []
            for n in 1...60 {
                volunteers.append(try await ledger.registerVolunteer(Make.registration(n), organizationId: organization.id, by: Self.op).volunteer)
            }
            func record(_ members: ArraySlice<Volunteer>, hour: Int) async throws -> [ServiceRecord] {
                try await ledger.recordServices(activityId: activity.id, members.map {
                    BatchRecordEntry(volunteerNumber: $0.number, start: Make.june(10, hour), end: Make.june(10, hour + 1))
                }, by: Self.op)
            }
            _ = try await record(volunteers[0..<50], hour: 9)

            let full = try await ledger.verifyAuditChains(.incremental, by: Self.op)  // never verified: in full
            #expect(full.isIntact && full.revisions == 50)
            #expect(try #require(full.rowsRead) >= 100, "50 revisions and 50 records")

            // Nothing changed: nothing but the heads is read.
            let unchanged = try await ledger.verifyAuditChains(.incremental, by: Self.op)
            #expect(unchanged.isIntact && unchanged.revisions == 0 && unchanged.rowsRead == 0 && unchanged.organizations == 2)

            // Ten more records: the incremental verification reads those ten revisions, their records and one anchor.
            let added = try await record(volunteers[50..<60], hour: 11)
            let daily = try await ledger.verifyAuditChains(.incremental, by: Self.op)
            #expect(daily.isIntact && daily.revisions == 10)
            #expect(try #require(daily.rowsRead) <= 21, "read \(daily.rowsRead ?? -1) rows for 10 new records")
            let stored = try #require(try await t.store.read { try $0.latestAuditVerification() })
            #expect(stored.mode == .incremental && stored.revisions == 10 && stored.rowsRead == daily.rowsRead)

            // A full verification still reads everything.
            let again = try await ledger.verifyAuditChains(.full, by: Self.op)
            #expect(again.isIntact && again.revisions == 60 && (again.rowsRead ?? 0) >= 120)

            // A record revised since and then edited in place is found by the incremental check; its chain's position
            // does not advance, so the next check finds it again.
            let corrected = try await ledger.correctRecord(id: added[0].id, RecordCorrection(minutes: 50, reason: "扣除休息"), by: Self.op)
            try await t.rawExecute("UPDATE service_records SET minutes = 59 WHERE id = \(corrected.id)")
            for _ in 0..<2 {
                let broken = try await ledger.verifyAuditChains(.incremental, by: Self.op)
                #expect(!broken.isIntact)
                #expect(broken.problems.map(\.recordId) == [corrected.id])
                #expect(broken.problems.map(\.organizationId) == [organization.id])
            }
            #expect(try await t.store.read { try $0.latestAuditVerification() }?.isIntact == false)
            _ = other
        }
    }

    @Test(arguments: Backend.all)
    func theBackgroundJobReportsProgressAndKeepsItsResult(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            for n in 1...3 { _ = try await ledger.createOrganization(Make.organizationInput(n), by: Self.op) }
            let admin = Principal(userId: 1, role: .platformAdmin)
            #expect(throws: LedgerError.self) {
                try ledger.auditVerifications.start(.full, ledger: ledger, by: Principal(userId: 2, role: .organizationAdmin, organizationId: 1))
            }
            let job = try ledger.auditVerifications.start(.full, ledger: ledger, by: admin)
            #expect(job.mode == .full)
            // A bound, not a speed: in a full parallel test run on two cores the job waits its turn for a thread.
            let settled = try #require(try await ledger.auditVerifications.settled(timeout: .seconds(180)))
            #expect(settled.id == job.id && !settled.isRunning && settled.percent == 100)
            #expect(settled.progress.chainsDone == 3 && settled.progress.chainsTotal == 3)
            let status = try await ledger.auditVerificationStatus(by: admin)
            #expect(status.running == nil && status.failure == nil)
            #expect(status.latest?.organizations == 3 && status.latest?.isIntact == true && status.latest?.mode == .full)
        }
    }
}
