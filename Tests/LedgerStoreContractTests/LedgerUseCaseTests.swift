import Foundation
import LedgerCore
import Testing

/// The main use cases through `Ledger`, so both backends prove the same behaviour end to end.
@Suite("Ledger use cases on every backend")
struct LedgerUseCaseTests {
    private static let op = Principal.localOperator

    @Test(arguments: Backend.all)
    func registeringTheSameDocumentJoinsTheExistingVolunteer(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let a = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let b = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let first = try await ledger.registerVolunteer(Make.registration(5), organizationId: a.id, by: Self.op)
            let again = try await ledger.registerVolunteer(Make.registration(5), organizationId: a.id, by: Self.op)
            let elsewhere = try await ledger.registerVolunteer(Make.registration(5), organizationId: b.id, by: Self.op)
            #expect(!first.joinedExisting && first.addedMembership)
            #expect(again.joinedExisting && !again.addedMembership)
            #expect(elsewhere.joinedExisting && elsewhere.addedMembership)
            #expect(again.volunteer == first.volunteer)
            #expect(elsewhere.volunteer.id == first.volunteer.id)
            #expect(first.volunteer.sex == .male)
            #expect(first.volunteer.birthDate == LocalDate(year: 1990, month: 3, day: 7))
            await expectLedgerError(.invalidField(field: "name",
                reason: "该证件号码已登记，但姓名不一致 / this document number is registered under a different name")) {
                _ = try await ledger.registerVolunteer(Make.registration(5, name: "别人"), organizationId: b.id, by: Self.op)
            }
            let memberships = try await t.store.read { try $0.memberships(volunteerId: first.volunteer.id) }
            #expect(memberships.map(\.organizationId) == [a.id, b.id])
            #expect(try await t.store.read { try $0.rowCounts().volunteers } == 1)
        }
    }

    @Test(arguments: Backend.all)
    func overlappingHoursAreRejectedAndTouchingHoursAccepted(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let a = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let b = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let activityA = try await ledger.createActivity(Make.activityInput(), organizationId: a.id, by: Self.op)
            let activityB = try await ledger.createActivity(Make.activityInput(), organizationId: b.id, by: Self.op)
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: a.id, by: Self.op).volunteer
            _ = try await ledger.registerVolunteer(Make.registration(1), organizationId: b.id, by: Self.op)
            let first = try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activityA.id, start: Make.june(10, 9), end: Make.june(10, 11)),
                by: Self.op)
            #expect(first.minutes == 120)
            #expect(first.revision == 1)
            // In another organization, overlapping by half an hour.
            await expectLedgerError(.overlapsRecord(recordId: first.id, start: "2026-06-10 09:00", end: "2026-06-10 11:00")) {
                _ = try await ledger.recordService(
                    RecordInput(volunteerNumber: volunteer.number, activityId: activityB.id, start: Make.june(10, 10, 30),
                                end: Make.june(10, 12)), by: Self.op)
            }
            let touching = try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activityB.id, start: Make.june(10, 11), end: Make.june(10, 12)),
                by: Self.op)
            #expect(touching.organizationId == b.id)
            #expect(try await t.store.read { try $0.total(RecordFilter(volunteerId: volunteer.id)) } == MinuteTotal(minutes: 180, records: 2))
        }
    }

    @Test(arguments: Backend.all)
    func aVolunteerServesAtMost24HoursOnTheDayTheServiceStarts(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let a = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(
                ActivityInput(title: "抗洪抢险", content: "值守", category: .emergencyRescue, place: "江堤",
                              start: Make.june(9, 0), end: Make.june(12, 0), leader: "李队长"),
                organizationId: a.id, by: Self.op)
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: a.id, by: Self.op).volunteer
            func record(_ start: Date, _ end: Date) async throws -> ServiceRecord {
                try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start, end: end),
                                               by: Self.op)
            }
            _ = try await record(Make.june(10, 0), Make.june(10, 10))
            _ = try await record(Make.june(10, 10), Make.june(10, 20))
            await expectLedgerError(.dailyLimitExceeded(day: "2026-06-10", alreadyMinutes: 1200)) {
                _ = try await record(Make.june(10, 20), Make.june(11, 6))
            }
            // Four hours fit, and the next day starts afresh.
            _ = try await record(Make.june(10, 20), Make.june(11, 0))
            _ = try await record(Make.june(11, 0), Make.june(11, 12))
            #expect(try await t.store.read { try $0.total(RecordFilter()) }.minutes == 36 * 60)
        }
    }

    @Test(arguments: Backend.all)
    func correctionsAndVoidingAppendRevisionsAndKeepTheChainIntact(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let a = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(), organizationId: a.id, by: Self.op)
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: a.id, by: Self.op).volunteer
            let record = try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11)),
                by: Self.op)
            let corrected = try await ledger.correctRecord(
                id: record.id, RecordCorrection(end: Make.june(10, 10), note: "提前离开", reason: "签退时间有误"), by: Self.op)
            #expect(corrected.endAt == Make.june(10, 10))
            #expect(corrected.minutes == 60)
            #expect(corrected.revision == 2)
            let voided = try await ledger.voidRecord(id: record.id, reason: "重复登记", by: Self.op)
            #expect(voided.isVoid)
            await expectLedgerError(.recordVoided(recordId: record.id)) {
                _ = try await ledger.correctRecord(id: record.id, RecordCorrection(minutes: 30, reason: "再改"), by: Self.op)
            }
            let history = try await ledger.history(recordId: record.id, by: Self.op)
            #expect(history.map(\.kind) == [.created, .corrected, .voided])
            #expect(history.map(\.chainSequence) == [1, 2, 3])
            #expect(history.map(\.minutes) == [120, 60, 60])
            #expect(history[1].reason == "签退时间有误")
            #expect(try await ledger.record(id: record.id, by: Self.op) == voided)
            // The void record no longer blocks its time.
            let again = try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11)),
                by: Self.op)
            #expect(again.id != record.id)
            let audit = try await ledger.verifyAuditChains(by: Self.op)
            #expect(audit.isIntact)
            #expect(audit.revisions == 4)
        }
    }

    @Test(arguments: Backend.all)
    func anEditBehindTheLedgersBackIsFoundByAuditVerification(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let a = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(), organizationId: a.id, by: Self.op)
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: a.id, by: Self.op).volunteer
            let record = try await ledger.recordService(
                RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11)),
                by: Self.op)
            #expect(try await ledger.verifyAuditChains(by: Self.op).isIntact)
            try await t.rawExecute("UPDATE service_records SET minutes = 119 WHERE id = \(record.id)")
            let report = try await ledger.verifyAuditChains(by: Self.op)
            #expect(!report.isIntact)
            #expect(report.problems.map(\.recordId) == [record.id])
        }
    }

    @Test(arguments: Backend.all)
    func loginSessionsAuthenticateUntilRevoked(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let account = try await ledger.createAccount(
                AccountInput(username: "inspector1", password: "long-enough-1", role: .inspector), by: Self.op)
            await expectLedgerError(.invalidCredentials) { _ = try await ledger.login(username: "inspector1", password: "wrong-password") }
            let grant = try await ledger.login(username: "inspector1", password: "long-enough-1")
            #expect(grant.expiresAt == Make.now.addingTimeInterval(12 * 3600))
            #expect(try await ledger.authenticate(token: grant.token) == account)
            try await ledger.revoke(token: grant.token)
            await expectLedgerError(.unauthenticated) { _ = try await ledger.authenticate(token: grant.token) }
        }
    }

    /// The sample data set through the sample loader, then `samples/import-gbk.csv` into the first
    /// organization: counts from samples/README.md, and minutes from the file itself.
    @Test(arguments: Backend.all)
    func theSampleDataAndTheGBKImportLoadAlike(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger(clock: { Samples.now })
            let summary = try await SampleDataLoader(ledger: ledger, folder: Samples.folder).loadIfEmpty()
            #expect(summary != nil)
            let first = try await ledger.organization(creditCode: "51330102MJUX0AEHX3")
            let before = try await t.store.read { try $0.total(RecordFilter(organizationId: first.id)) }
            #expect(before.records == 451)
            let file = Samples.folder + "/import-gbk.csv"
            let report = try await ledger.importRecords(openFile: { try CSVReader(path: file) },
                                                        options: ImportOptions(organizationId: first.id), by: .localOperator)
            #expect(report.errors.isEmpty)
            #expect(report.encoding.uppercased().hasPrefix("GB"))
            #expect(report.imported == 30)
            #expect(report.minutesImported == (try Samples.minutesInImportFile()))
            let (after, all) = try await t.store.read { r in
                (try r.total(RecordFilter(organizationId: first.id)), try r.totalsByOrganization(RecordFilter()))
            }
            #expect(after == MinuteTotal(minutes: before.minutes + report.minutesImported, records: 481))
            #expect(all.map(\.total.records).sorted() == [480, 481, 519, 552])
            #expect(try await ledger.verifyAuditChains(by: .localOperator).isIntact)
        }
    }
}

/// The project's samples/ folder.
enum Samples {
    static var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples").path
    }

    /// After every sample record was entered: 2026-11-25 12:00 China Standard Time.
    static let now = LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 25)!, hour: 12, minute: 0)!.instant(in: .ledgerDefault)

    /// The sum of the 服务时长(小时) column of import-gbk.csv, in minutes.
    static func minutesInImportFile() throws -> Int {
        var reader = try CSVReader(path: folder + "/import-gbk.csv")
        guard let header = try reader.next()?.fields, let column = header.firstIndex(where: { $0.hasPrefix("服务时长") }) else {
            return -1
        }
        var minutes = 0
        while let row = try reader.next() {
            minutes += Int((Double(row.fields[column]) ?? 0) * 60)
        }
        return minutes
    }
}
