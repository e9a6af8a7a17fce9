import Foundation
import LedgerCore
import Synchronization
import Testing

@Suite("Copying a whole ledger between stores")
struct LedgerTransferTests {
    @Test(arguments: Backend.all)
    func restoredRowsKeepTheirIdsAndNewIdsComeAfterThem(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let organization = with(Make.organization(1)) { $0.id = 40 }
            let volunteer = with(Make.volunteer(1)) { $0.id = 700 }
            let activity = with(Make.activity(organizationId: 40)) { $0.id = 31 }
            let record = with(Make.record(volunteerId: 700, activity: activity, from: Make.june(10, 9), to: Make.june(10, 10), isVoid: true)) {
                $0.id = 9000
                $0.revision = 2
            }
            let user = with(Make.user(1, role: .organizationAdmin, organizationId: 40)) { $0.id = 12 }
            let session = with(Make.session(1, userId: 12)) { $0.revokedAt = Make.june(14, 9) }
            try await t.store.write { w in
                try w.restore(organization)
                try w.restore(volunteer)
                try w.restore(activity)
                try w.restore(record)
                try w.restore(user)
                try w.restore(session)
                try w.resetIdSequences()
            }
            let read = try await t.store.read { r in
                (try r.organization(id: 40), try r.volunteer(id: 700), try r.activity(id: 31), try r.record(id: 9000),
                 try r.user(id: 12), try r.session(tokenHash: session.tokenHash))
            }
            #expect(read.0 == organization)
            #expect(read.1 == volunteer)
            #expect(read.2 == activity)
            #expect(read.3 == record)
            #expect(read.4 == user)
            #expect(read.5 == session)
            let fresh = try await t.store.write { w in
                (try w.insert(Make.organization(2)).id, try w.insert(Make.volunteer(2)).id,
                 try w.insert(Make.activity(organizationId: 40)).id,
                 try w.insert(Make.record(volunteerId: 700, activity: activity, from: Make.june(10, 9), to: Make.june(10, 10))).id,
                 try w.insert(Make.user(2)).id)
            }
            #expect(fresh.0 > 40)
            #expect(fresh.1 > 700)
            #expect(fresh.2 > 31)
            #expect(fresh.3 > 9000)
            #expect(fresh.4 > 12)
        }
    }

    @Test(arguments: Backend.all)
    func rowCountsCountEveryTable(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            #expect(try await t.store.read { try $0.rowCounts() } == LedgerRowCounts())
            try await t.store.write { w in
                let seed = try Seed.make(w)
                try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 10))
                try seed.record(w, from: Make.june(10, 11), to: Make.june(10, 12))
                let user = try w.insert(Make.user(1))
                try w.insert(Make.session(1, userId: user.id))
                try w.setHoliday(HolidayEntry(date: LocalDate(year: 2026, month: 10, day: 1)!, isWorkday: false))
                // A chain locked but never advanced has no head yet.
                let other = try w.insert(Make.organization(2))
                _ = try w.lockChain(organizationId: other.id)
            }
            var expected = LedgerRowCounts()
            expected.organizations = 2
            expected.volunteers = 1
            expected.memberships = 1
            expected.activities = 1
            expected.serviceRecords = 2
            expected.recordRevisions = 2
            expected.chainHeads = 1
            expected.users = 1
            expected.sessions = 1
            expected.holidays = 1
            #expect(try await t.store.read { try $0.rowCounts() } == expected)
            #expect(expected.total == 13)
        }
    }

    /// A SQLite ledger filled through the use cases: two organizations, a shared volunteer, corrected
    /// and void records, accounts with a revoked session and holidays.
    private static func filledSource() async throws -> TestStore {
        let source = try await Backend.sqlite.makeStore()
        let ledger = source.ledger()
        let op = Principal.localOperator
        let a = try await ledger.createOrganization(Make.organizationInput(1), by: op)
        let b = try await ledger.createOrganization(Make.organizationInput(2), by: op)
        let activityA = try await ledger.createActivity(Make.activityInput(day: 10, lastDay: 12), organizationId: a.id, by: op)
        let activityB = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: b.id, by: op)
        var volunteers: [Volunteer] = []
        for n in 1...5 {
            volunteers.append(try await ledger.registerVolunteer(Make.registration(n), organizationId: a.id, by: op).volunteer)
        }
        _ = try await ledger.registerVolunteer(Make.registration(1), organizationId: b.id, by: op)
        var records: [ServiceRecord] = []
        for (index, volunteer) in volunteers.enumerated() {
            records.append(try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activityA.id, start: Make.june(10, 8 + index),
                            end: Make.june(10, 10 + index)), by: op))
        }
        _ = try await ledger.recordService(
            RecordInput(volunteerNumber: volunteers[0].number, activityId: activityB.id, start: Make.june(10, 14),
                        end: Make.june(10, 16), note: "跨组织"), by: op)
        _ = try await ledger.correctRecord(id: records[1].id, RecordCorrection(minutes: 90, reason: "中途离开"), by: op)
        _ = try await ledger.voidRecord(id: records[2].id, reason: "重复登记", by: op)
        _ = try await ledger.createAccount(AccountInput(username: "a-admin", password: "long-enough-1", role: .organizationAdmin,
                                                        organizationId: a.id), by: op)
        _ = try await ledger.createAccount(AccountInput(username: "v1", password: "long-enough-1", role: .volunteer,
                                                        volunteerId: volunteers[0].id), by: op)
        let grant = try await ledger.login(username: "a-admin", password: "long-enough-1")
        try await ledger.revoke(token: grant.token)
        _ = try await ledger.login(username: "v1", password: "long-enough-1")
        try await ledger.loadHolidays(fileText: "2026-10-01 休\n2026-10-02 休\n2026-09-27 班\n", by: op)
        try await addLaterTables(source, ledger: ledger, organizations: [a, b], volunteers: volunteers, records: records,
                                 activity: activityA)
        return source
    }

    /// Rows in the tables that later migrations added: certificates (one revoked), check-ins (open, canceled,
    /// checked out), a spot check taken to publication with an inspector's exclusion, a certificate review.
    private static func addLaterTables(_ source: TestStore, ledger: Ledger, organizations: [Organization], volunteers: [Volunteer],
                                       records: [ServiceRecord], activity: Activity) async throws {
        let op = Principal.localOperator
        var inspectors: [Int64] = []
        for n in 1...3 {
            inspectors.append(try await ledger.createAccount(
                AccountInput(username: "inspector-\(n)", password: "long-enough-1", role: .inspector), by: op).id)
        }
        _ = try await ledger.declareInspectorExclusion(
            ExclusionInput(inspectorId: inspectors[0], organizationId: organizations[0].id, kind: .affiliation, reason: "兼职"), by: op)
        let campaign = try await ledger.createSpotCheck(
            SpotCheckInput(title: "迁移前的抽查", unit: .records, sampleSize: SampleSizeRule(size: 2)), by: op)
        _ = try await ledger.freezeSpotCheck(id: campaign.id, by: op)
        let drawn = try await ledger.drawSpotCheck(id: campaign.id, seed: "01382438112797316654", by: op)
        _ = try await ledger.assignSpotCheck(id: campaign.id, by: op)
        for item in drawn.sample.map(\.unit.id) {
            _ = try await ledger.decideSpotCheckItem(campaignId: campaign.id, FindingInput(item: item, outcome: .confirmed), by: op)
        }
        _ = try await ledger.publishSpotCheck(id: campaign.id, by: op)
        let seed = Seed(organization: organizations[0], volunteer: volunteers[0], activity: activity)
        try await source.store.write { w in
            let current = try #require(try w.record(id: records[0].id))
            let kept = try w.insert(CertificateStoreTests.certificate(seed, serial: CertificateStoreTests.serial, statusIndex: 17,
                                                                      minutes: current.minutes, records: 1),
                                    covering: [CertificateStoreTests.certified(current, seed)])
            let revoked = try w.insert(CertificateStoreTests.certificate(seed, serial: "VC-REVOKED-1", statusIndex: 18,
                                                                         minutes: current.minutes, records: 1),
                                       covering: [CertificateStoreTests.certified(current, seed)])
            try w.revokeCertificate(id: revoked.id, CertificateRevocation(at: Make.june(16, 9), by: nil, reason: "信息有误"))
            try w.insert(CertificateReview(certificateId: kept.id, campaignId: campaign.id, itemId: "R\(current.id)",
                                           reason: "记录已更正", flaggedAt: Make.june(16, 10)))
            let open = CheckIn(id: 0, activityId: activity.id, organizationId: activity.organizationId, volunteerId: volunteers[3].id,
                               checkedInAt: Make.june(11, 8), checkedInBy: nil)
            _ = try w.insert(open)
            var canceled = try w.insert(with(open) { $0.volunteerId = volunteers[4].id })
            canceled.state = .canceled
            canceled.closedAt = Make.june(11, 9)
            canceled.cancelReason = "未到场"
            try w.close(canceled)
            var checkedOut = try w.insert(with(open) { $0.volunteerId = volunteers[1].id; $0.checkedInAt = Make.june(10, 8) })
            checkedOut.state = .checkedOut
            checkedOut.closedAt = Make.june(10, 10)
            checkedOut.recordId = records[1].id
            try w.close(checkedOut)
            try w.save(Recruitment(activityId: activity.id, organizationId: activity.organizationId, audience: .everyone, capacity: 1,
                                   deadline: Make.june(10, 7), requiredSkills: ["急救"], openedAt: Make.june(9, 9), openedBy: nil))
            let signUp = try w.insert(SignUp(id: 0, activityId: activity.id, organizationId: activity.organizationId,
                                             volunteerId: volunteers[2].id, state: .confirmed, signedUpAt: Make.june(9, 10),
                                             updatedAt: Make.june(9, 11)))
            _ = try w.insert(with(signUp) { $0.volunteerId = volunteers[3].id; $0.state = .declined; $0.reason = "名额已满" })
        }
    }

    /// Every row of every table, through the reader, for comparing two ledgers.
    private struct Dump: Equatable, Sendable {
        var organizations: [Organization]
        var volunteers: [Volunteer]
        var memberships: [Membership]
        var activities: [Activity]
        var records: [ServiceRecord]
        var revisions: [ChainEntry]
        var heads: [ChainHead]
        var users: [UserAccount]
        var sessions: [AccessSession]
        var holidays: [HolidayEntry]
        var certificates: [Certificate]
        var certifiedRecords: [[CertifiedRecord]]
        var checkIns: [CheckIn]
        var campaigns: [SpotCheckCampaign]
        var populations: [[SpotCheckPopulationEntry]]
        var samples: [[SpotCheckSampleEntry]]
        var assignments: [[SpotCheckAssignment]]
        var findings: [[SpotCheckFinding]]
        var exclusions: [InspectorExclusion]
        var reviews: [CertificateReview]
        var recruitments: [Recruitment]
        var signUps: [SignUp]

        static func read(_ r: any LedgerReader) throws -> Dump {
            let organizations = try r.organizations(after: nil, limit: 1000)
            let certificates = try r.certificates(volunteerId: nil, organizationId: nil, after: nil, limit: 1000)
            let campaigns = try r.spotCheckCampaigns(after: nil, limit: 1000)
            return Dump(
                organizations: organizations, volunteers: try r.volunteers(after: nil, limit: 1000),
                memberships: try organizations.flatMap { try r.memberships(organizationId: $0.id, after: nil, limit: 1000) },
                activities: try r.activities(organizationId: nil, after: nil, limit: 1000),
                records: try r.records(RecordFilter(includeVoid: true), after: nil, limit: 1000),
                revisions: try organizations.flatMap { try r.chainEntries(organizationId: $0.id, after: 0, limit: 1000) },
                heads: try organizations.map { try r.chainHead(organizationId: $0.id) },
                users: try r.users(after: nil, limit: 1000), sessions: try r.sessions(after: nil, limit: 1000),
                holidays: try r.holidays(), certificates: certificates,
                certifiedRecords: try certificates.map { try r.certifiedRecords(certificateId: $0.id) },
                checkIns: try r.checkIns(after: nil, limit: 1000), campaigns: campaigns,
                populations: try campaigns.map { try r.spotCheckPopulation(campaignId: $0.id) },
                samples: try campaigns.map { try r.spotCheckSample(campaignId: $0.id) },
                assignments: try campaigns.map { try r.spotCheckAssignments(campaignId: $0.id) },
                findings: try campaigns.map { try r.spotCheckFindings(campaignId: $0.id) },
                exclusions: try r.inspectorExclusions(inspectorId: nil), reviews: try r.certificateReviews(certificateId: nil),
                recruitments: try r.recruitments(after: nil, limit: 1000), signUps: try r.signUps(after: nil, limit: 1000))
        }
    }

    @Test(arguments: Backend.all)
    func aCopyHasEveryRowAndAnIntactAuditChain(_ backend: Backend) async throws {
        try await Self.withFilledSource { source in try await withStore(backend) { target in
            let reported = Mutex<[String: Int]>([:])
            let outcome = try await LedgerTransfer(batchSize: 2).copy(from: source.store, to: target.store) { table, rows in
                reported.withLock { $0[table] = rows }
            }
            #expect(reported.withLock { $0["service_records"] } == 6)
            #expect(outcome.source == outcome.target)
            #expect(outcome.source.counts.serviceRecords == 6)
            #expect(outcome.source.counts.recordRevisions == 8)
            #expect(outcome.source.counts.sessions == 2)
            #expect(outcome.source.minutesByOrganization.count == 2)

            let original = try await source.store.read { try Dump.read($0) }
            let copied = try await target.store.read { try Dump.read($0) }
            #expect(copied == original)
            #expect(copied.sessions.contains { $0.revokedAt != nil })
            #expect(copied.certificates.count == 2 && copied.certificates.contains { $0.revocation?.reason == "信息有误" })
            #expect(Set(copied.checkIns.map(\.state)) == [.open, .canceled, .checkedOut])
            #expect(copied.campaigns.first?.status == .published && copied.findings.first?.count == 2)
            #expect(copied.reviews.count == 1 && copied.exclusions.count == 1)
            #expect(copied.recruitments.count == 1 && Set(copied.signUps.map(\.state)) == [.confirmed, .declined])
            #expect(outcome.source.counts.otherTables["spot_check_population"] == copied.populations.first?.count)

            let audit = try await target.ledger().verifyAuditChains(by: .localOperator)
            #expect(audit.isIntact)
            #expect(audit.revisions == 8)
            // The copy keeps working: new records chain on, and new ids come after the copied ones.
            let ledger = target.ledger()
            let record = try await ledger.recordService(
                RecordInput(volunteerNumber: original.volunteers[4].number, activityId: original.activities[0].id,
                            start: Make.june(11, 9), end: Make.june(11, 10)), by: .localOperator)
            #expect(record.id > original.records.map(\.id).max()!)
            let seed = Seed(organization: original.organizations[0], volunteer: original.volunteers[4], activity: original.activities[0])
            let (certificate, campaign) = try await target.store.write { w in
                (try w.insert(CertificateStoreTests.certificate(seed, serial: "VC-AFTER-COPY", statusIndex: 19, minutes: 60, records: 1),
                              covering: []),
                 try w.insert(with(original.campaigns[0]) { $0.title = "迁移后的抽查" }))
            }
            #expect(certificate.id > original.certificates.map(\.id).max()!)
            #expect(campaign.id > original.campaigns[0].id)
            #expect(try await ledger.verifyAuditChains(by: .localOperator).isIntact)
        } }
    }

    @Test(arguments: Backend.all)
    func aCopyIntoANonEmptyLedgerIsRefusedAndChangesNothing(_ backend: Backend) async throws {
        try await Self.withFilledSource { source in try await withStore(backend) { target in
            _ = try await target.store.write { try $0.insert(Make.organization(9)) }
            do {
                _ = try await LedgerTransfer().copy(from: source.store, to: target.store)
                Issue.record("the copy into a non-empty ledger was not refused")
            } catch let error as LedgerTransferError {
                guard case .targetNotEmpty(let counts) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(counts.organizations == 1)
            }
            var expected = LedgerRowCounts()
            expected.organizations = 1
            #expect(try await target.store.read { try $0.rowCounts() } == expected)
        } }
    }

    /// A table the copy does not know (one added to the schema later) with rows in it stops the copy
    /// before anything is written, instead of leaving those rows behind.
    @Test(arguments: Backend.all)
    func rowsInATableTheCopyDoesNotKnowStopTheCopy(_ backend: Backend) async throws {
        try await Self.withFilledSource { source in try await withStore(backend) { target in
            try await source.rawExecute("CREATE TABLE later_feature (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
            try await source.rawExecute("INSERT INTO later_feature (id, note) VALUES (1, '新功能')")
            #expect(try await source.store.read { try $0.rowCounts().otherTables["later_feature"] } == 1)
            do {
                _ = try await LedgerTransfer().copy(from: source.store, to: target.store)
                Issue.record("the copy left the rows of later_feature behind")
            } catch let error as LedgerTransferError {
                guard case .unsupportedTables(let tables) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(tables == ["later_feature": 1])
            }
            #expect(try await target.store.read { try $0.rowCounts() } == LedgerRowCounts())
        } }
    }

    private static func withFilledSource(_ body: (TestStore) async throws -> Void) async throws {
        let source = try await filledSource()
        do {
            try await body(source)
        } catch {
            await source.dispose()
            throw error
        }
        await source.dispose()
    }
}
