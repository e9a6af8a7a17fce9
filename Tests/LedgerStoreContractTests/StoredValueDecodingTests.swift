import Foundation
import LedgerCore
import Testing

/// A value the code does not know (written by a newer version, or by hand) is refused and named when read,
/// never read as some default: an unknown sex used to read as male, an unreadable birth date as 1900-01-01.
@Suite("Stored values the code does not know")
struct StoredValueDecodingTests {
    @Test(arguments: Backend.all)
    func unknownEnumerationValuesAreRefusedAndNamed(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let (seed, record, user) = try await t.store.write { w in
                let seed = try Seed.make(w)
                let record = try seed.record(w, from: Make.june(10, 9), to: Make.june(10, 11))
                let user = try w.insert(Make.user(1, role: .organizationStaff, organizationId: seed.organization.id))
                return (seed, record, user)
            }
            let cases: [(sql: String, column: String, read: @Sendable (any LedgerReader) throws -> Void)] = [
                ("UPDATE volunteers SET sex = 'x' WHERE id = \(seed.volunteer.id)", "volunteers.sex",
                 { _ = try $0.volunteer(id: seed.volunteer.id) }),
                ("UPDATE activities SET category = 'time_travel' WHERE id = \(seed.activity.id)", "activities.category",
                 { _ = try $0.activity(id: seed.activity.id) }),
                ("UPDATE service_records SET source = 'telepathy' WHERE id = \(record.id)", "service_records.source",
                 { _ = try $0.record(id: record.id) }),
                ("UPDATE users SET role = 'root' WHERE id = \(user.id)", "users.role", { _ = try $0.user(id: user.id) }),
            ]
            for item in cases {
                try await t.rawExecute(item.sql)
                let error = await #expect(throws: StoredValueError.self, "\(item.column)") { try await t.store.read(item.read) }
                #expect(error?.column == item.column)
                #expect(error?.description.contains(item.column) == true)
            }
        }
    }

    @Test func anUnreadableBirthDateIsRefusedNotReadAs1900() async throws {
        // PostgreSQL keeps birth dates in a date column, which cannot hold a bad one; SQLite keeps text.
        try await withStore(.sqlite) { t in
            let volunteer = try await t.store.write { try Seed.make($0).volunteer }
            try await t.rawExecute("UPDATE volunteers SET birth_date = '1990-02-31' WHERE id = \(volunteer.id)")
            let error = await #expect(throws: StoredValueError.self) { try await t.store.read { try $0.volunteer(id: volunteer.id) } }
            #expect(error == StoredValueError(column: "volunteers.birth_date", value: "1990-02-31"))
            try await t.rawExecute("UPDATE volunteers SET birth_date = '1990-02-03', skills = 'not json' WHERE id = \(volunteer.id)")
            let skills = await #expect(throws: StoredValueError.self) { try await t.store.read { try $0.volunteer(id: volunteer.id) } }
            #expect(skills?.column == "volunteers.skills")
        }
    }

    @Test func longStoredValuesAreCutInTheMessage() {
        let error = StoredValueError(column: "volunteers.sex", value: String(repeating: "x", count: 5000))
        #expect(error.value.count == 41)
        #expect(error.description.count < 120)
    }
}
