import Foundation
import LedgerCertificates
import LedgerCore
import Testing

/// The two questions a batch of certificates asks the store: which members have records in the scope, and
/// which certificate of a volunteer, issuer and period was issued last and is still standing.
@Suite("Batch certificate queries")
struct CertificateBatchQueryTests {
    struct Scene: Sendable {
        var seed: Seed
        var voidAndLate: Volunteer
        var withoutRecords: Volunteer
        var outsider: Volunteer
        var another: Volunteer
        var otherOrganizationsMember: Volunteer
    }

    /// Organization 1: the seed's volunteer (a record on June 10), a member with only a void record on June 10 and
    /// a record on June 20, a member without records, a non-member with a record, another member with a record;
    /// organization 2 with its own member and record.
    static func scene(_ w: any LedgerWriter) throws -> Scene {
        let seed = try Seed.make(w, 1)
        let organization = seed.organization
        func member(_ n: Int) throws -> Volunteer {
            let volunteer = try w.insert(Make.volunteer(n))
            try w.insert(Membership(volunteerId: volunteer.id, organizationId: organization.id, joinedAt: Make.june(2, 11)))
            return volunteer
        }
        try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
        let voidAndLate = try member(2)
        try Seed.record(w, volunteerId: voidAndLate.id, activity: seed.activity, from: Make.june(10, 9), to: Make.june(10, 10), isVoid: true)
        try Seed.record(w, volunteerId: voidAndLate.id, activity: seed.activity, from: Make.june(20, 9), to: Make.june(20, 10))
        let withoutRecords = try member(3)
        let outsider = try w.insert(Make.volunteer(4))
        try Seed.record(w, volunteerId: outsider.id, activity: seed.activity, from: Make.june(10, 12), to: Make.june(10, 13))
        let another = try member(5)
        try Seed.record(w, volunteerId: another.id, activity: seed.activity, from: Make.june(10, 14), to: Make.june(10, 15))
        let other = try Seed.make(w, 6)
        try other.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
        return Scene(seed: seed, voidAndLate: voidAndLate, withoutRecords: withoutRecords, outsider: outsider, another: another,
                     otherOrganizationsMember: other.volunteer)
    }

    @Test(arguments: Backend.all)
    func membersWithRecordsAreTheOrganizationsMembersWithCurrentRecordsInThePeriodByIdAndPaged(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let scene = try await t.store.write { try Self.scene($0) }
            let organizationId = scene.seed.organization.id
            let june = RecordFilter(organizationId: organizationId, startsFrom: Make.june(1, 0), startsBefore: Make.june(16, 0))
            let (inJune, allTime, first, rest, none) = try await t.store.read { r in
                (try r.membersWithRecords(june, after: nil, limit: 100),
                 try r.membersWithRecords(RecordFilter(organizationId: organizationId), after: nil, limit: 100),
                 try r.membersWithRecords(june, after: nil, limit: 1),
                 try r.membersWithRecords(june, after: scene.seed.volunteer.id, limit: 100),
                 try r.membersWithRecords(RecordFilter(), after: nil, limit: 100))
            }
            #expect(inJune == [scene.seed.volunteer.id, scene.another.id], "no void records, no non-members, no other organization's")
            #expect(allTime == [scene.seed.volunteer.id, scene.voidAndLate.id, scene.another.id])
            #expect(first == [scene.seed.volunteer.id])
            #expect(rest == [scene.another.id])
            #expect(none.isEmpty, "without an organization nothing")
        }
    }

    @Test(arguments: Backend.all)
    func theLatestCertificateIsTheNewestUnrevokedOneOfThatVolunteerIssuerAndExactPeriod(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let june1 = LocalDate(year: 2026, month: 6, day: 1)
            let june30 = LocalDate(year: 2026, month: 6, day: 30)
            let (seed, older, newer, otherPeriod) = try await t.store.write { w in
                let seed = try Seed.make(w, 1)
                func insert(_ n: UInt64, from: LocalDate?, to: LocalDate?) throws -> Certificate {
                    var certificate = CertificateStoreTests.certificate(
                        seed, serial: CertificateSerial.random(.seeded(n)).value, statusIndex: Int64(n), minutes: 60, records: 1)
                    certificate.periodFrom = from
                    certificate.periodTo = to
                    return try w.insert(certificate, covering: [])
                }
                let older = try insert(1, from: june1, to: nil)
                let newer = try insert(2, from: june1, to: nil)
                let revoked = try insert(3, from: june1, to: nil)
                try w.revokeCertificate(id: revoked.id, CertificateRevocation(at: Make.june(15, 13), by: nil, reason: "错误"))
                let otherPeriod = try insert(4, from: june1, to: june30)
                return (seed, older, newer, otherPeriod)
            }
            let (v, o) = (seed.volunteer.id, seed.organization.id)
            let (latest, closed, open, otherIssuer, otherVolunteer) = try await t.store.read { r in
                (try r.latestCertificate(volunteerId: v, organizationId: o, periodFrom: june1, periodTo: nil),
                 try r.latestCertificate(volunteerId: v, organizationId: o, periodFrom: june1, periodTo: june30),
                 try r.latestCertificate(volunteerId: v, organizationId: o, periodFrom: nil, periodTo: nil),
                 try r.latestCertificate(volunteerId: v, organizationId: o + 1, periodFrom: june1, periodTo: nil),
                 try r.latestCertificate(volunteerId: v + 1, organizationId: o, periodFrom: june1, periodTo: nil))
            }
            #expect(latest == newer, "the newest one not revoked")
            #expect(latest != older)
            #expect(closed == otherPeriod)
            #expect(open == nil && otherIssuer == nil && otherVolunteer == nil)
        }
    }
}
