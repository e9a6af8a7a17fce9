import Foundation
import LedgerCore
import Testing

/// One person platform-wide: registering a known document joins the existing volunteer.
@Suite struct VolunteerRegistrationTests {
    @Test func sexAndBirthDateAreReadFromTheResidentID() async throws {
        let bed = try await Testbed()
        let volunteer = try await bed.volunteer(1, in: try await bed.organization())
        #expect(volunteer.birthDate == LocalDate(year: 1990, month: 3, day: 7))
        #expect(volunteer.sex == .male)
        #expect(try VolunteerNumber(volunteer.number).value == volunteer.number)
    }

    @Test func aKnownDocumentJoinsTheExistingPerson() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let first = try await bed.ledger.registerVolunteer(Make.volunteer(1), organizationId: a.id, by: Testbed.op)
        let again = try await bed.ledger.registerVolunteer(Make.volunteer(1), organizationId: b.id, by: Testbed.op)
        #expect(first.joinedExisting == false)
        #expect(again.joinedExisting)
        #expect(again.addedMembership)
        #expect(again.volunteer.id == first.volunteer.id)
        let memberships = try await bed.ledger.memberships(volunteerId: first.volunteer.id, by: Testbed.op)
        #expect(Set(memberships.map(\.organizationId)) == [a.id, b.id])
    }

    @Test func aKnownDocumentUnderAnotherNameIsRefused() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        _ = try await bed.volunteer(1, in: org)
        var impostor = Make.volunteer(1)
        impostor.name = "李四"
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.registerVolunteer(impostor, organizationId: org.id, by: Testbed.op)
        }
    }

    @Test func declaredBirthDateMustMatchTheIDNumber() async throws {
        let bed = try await Testbed()
        var registration = Make.volunteer(1)
        registration.birthDate = LocalDate(year: 1991, month: 3, day: 7)
        do {
            _ = try await bed.ledger.registerVolunteer(registration, organizationId: try await bed.organization().id, by: Testbed.op)
            Issue.record("a mismatching birth date was accepted")
        } catch let error as LedgerError {
            #expect(error.field == "documentNumber")
            #expect(error.message.contains("出生日期"))
        }
    }

    @Test func staffSeeMaskedPersonalDataAndThePersonSeesTheirOwn() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let staff = Principal(userId: 3, role: .organizationStaff, organizationId: org.id)
        let seenByStaff = try await bed.ledger.volunteer(id: volunteer.id, by: staff)
        #expect(seenByStaff.documentNumber == "3301**********" + String(Make.residentID(1).suffix(4)))
        #expect(seenByStaff.phone == "139****0001")
        let seenBySelf = try await bed.ledger.volunteer(id: volunteer.id, by: Principal(userId: 4, role: .volunteer, volunteerId: volunteer.id))
        #expect(seenBySelf.documentNumber == Make.residentID(1))
    }
}
