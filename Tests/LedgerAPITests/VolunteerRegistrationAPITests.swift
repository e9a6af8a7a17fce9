import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// POST /api/v1/organizations/:id/volunteers, and how a volunteer's personal data is shown to each reader.
@Suite struct VolunteerRegistrationAPITests {
    @Test func aNewPersonIsCreatedAsAMember() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let registration = Factory.volunteer(3)
            let response = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationA.id)/volunteers",
                                                  as: "aStaff", json: registration)
            #expect(response.status == .created)
            #expect(response.json["joinedExisting"] as? Bool == false)
            #expect(response.json["addedMembership"] as? Bool == true)
            let volunteer = response.json["volunteer"] as? [String: Any] ?? [:]
            #expect(volunteer["name"] as? String == registration.name)
            // Sex and birth date are read from the ID number.
            #expect(volunteer["birthDate"] as? String == "1990-03-07")
            #expect(volunteer["documentNumber"] as? String == Masking.documentNumber(registration.documentNumber))
            let members = try await fixture.send(client, .get, "/api/v1/organizations/\(fixture.organizationA.id)/members", as: "aStaff")
            #expect(members.items.map { $0.id("id") }.contains(volunteer.id("id")))
        }
    }

    @Test func aKnownDocumentNumberJoinsTheExistingPerson() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            // volunteerA (registered by A) registers again at B with the same ID card.
            let response = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationB.id)/volunteers",
                                                  as: "bStaff", json: Factory.volunteer(1))
            #expect(response.status == .ok)
            #expect(response.json["joinedExisting"] as? Bool == true)
            #expect(response.json["addedMembership"] as? Bool == true)
            let volunteer = response.json["volunteer"] as? [String: Any] ?? [:]
            #expect(volunteer.id("id") == fixture.volunteerA.id)
            #expect(volunteer["number"] as? String == fixture.volunteerA.number)

            let after = try await fixture.snapshot()
            #expect(after.volunteerIds == before.volunteerIds)
            #expect(after.members[fixture.organizationB.id]?.map(\.id).contains(fixture.volunteerA.id) == true)

            // Registering again at B changes nothing more.
            let again = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationB.id)/volunteers",
                                               as: "bStaff", json: Factory.volunteer(1))
            #expect(again.status == .ok)
            #expect(again.json["addedMembership"] as? Bool == false)
            #expect(try await fixture.snapshot() == after)
        }
    }

    @Test func aKnownDocumentNumberUnderAnotherNameIsRefused() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            var registration = Factory.volunteer(1)
            registration.name = "李四"
            let response = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationB.id)/volunteers",
                                                  as: "bStaff", json: registration)
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:invalid-field")
            #expect(response.json["field"] as? String == "name")
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func aWrongCheckDigitIsRefusedOnTheDocumentNumber() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            var registration = Factory.volunteer(5)
            let valid = registration.documentNumber
            let wrongCheck: Character = valid.last == "0" ? "1" : "0"
            registration.documentNumber = String(valid.dropLast()) + String(wrongCheck)
            let response = try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationA.id)/volunteers",
                                                  as: "aStaff", json: registration)
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:invalid-field")
            #expect(response.json["field"] as? String == "documentNumber")
            #expect(try await fixture.snapshot() == before)
        }
    }

    /// Who sees the full document number and phone: the platform admin and the person; everyone else a mask.
    @Test(arguments: [("admin", true), ("volunteerA", true), ("aAdmin", false), ("aStaff", false), ("inspector", false)])
    func personalDataIsMaskedUnlessThePersonOrThePlatformReads(_ account: String, seesFullData: Bool) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/volunteers/\(fixture.volunteerA.id)", as: account)
            #expect(response.status == .ok)
            let documentNumber = response.json["documentNumber"] as? String ?? ""
            let phone = response.json["phone"] as? String ?? ""
            let full = fixture.volunteerA
            if seesFullData {
                #expect(documentNumber == full.documentNumber)
                #expect(phone == full.phone)
            } else {
                // 330106199003070113 -> 3301**********0113; 13900000001 -> 139****0001
                #expect(documentNumber == String(full.documentNumber.prefix(4)) + String(repeating: "*", count: 10)
                        + String(full.documentNumber.suffix(4)))
                #expect(phone == String(full.phone.prefix(3)) + "****" + String(full.phone.suffix(4)))
            }
        }
    }

    @Test func membersListsAreMaskedForStaff() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let staff = try await fixture.send(client, .get, "/api/v1/organizations/\(fixture.organizationA.id)/members", as: "aStaff")
            let members = [fixture.volunteerA, fixture.walkInA, fixture.selfCheckedIn]
            #expect(staff.items.map { $0["documentNumber"] as? String } == members.map { Masking.documentNumber($0.documentNumber) })
            #expect(staff.items.map { $0["phone"] as? String } == members.map { Masking.phone($0.phone) })
            let admin = try await fixture.send(client, .get, "/api/v1/organizations/\(fixture.organizationA.id)/members", as: "admin")
            #expect(admin.items.map { $0["documentNumber"] as? String } == members.map(\.documentNumber))
        }
    }
}
