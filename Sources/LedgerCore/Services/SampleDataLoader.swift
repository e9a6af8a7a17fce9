import Foundation

/// Loads `samples/` through the ledger's own use cases, so sample data obeys every rule.
public struct SampleDataLoader: Sendable {
    public let ledger: Ledger
    public let folder: String

    public init(ledger: Ledger, folder: String) {
        self.ledger = ledger
        self.folder = folder
    }

    /// Loads everything when the database has no organization yet; returns a summary, or nil if skipped.
    public func loadIfEmpty() async throws -> String? {
        let existing = try await ledger.store.read { try $0.organizations(after: nil, limit: 1) }
        guard existing.isEmpty else { return nil }
        let holidaysFile = path("holidays-cn.txt")
        if FileManager.default.fileExists(atPath: holidaysFile) {
            try await ledger.loadHolidays(fileText: try String(contentsOfFile: holidaysFile, encoding: .utf8), by: .localOperator)
        }
        var organizations: [String: Organization] = [:]
        for row in try table("organizations.csv") {
            let organization = try await ledger.createOrganization(
                OrganizationInput(creditCode: row["credit_code"], name: row["name"], regionCode: row["region_code"],
                                  contactName: row["contact_name"], contactPhone: row["contact_phone"],
                                  timeZone: row["time_zone"]), by: .localOperator)
            organizations[organization.creditCode] = organization
        }
        var volunteerIds: [String: Int64] = [:]
        for row in try table("volunteers.csv") {
            var registration = VolunteerRegistration(
                name: row["name"], sex: Sex(label: row["sex"]), birthDate: LocalDate(iso: row["birth_date"]),
                documentType: DocumentType(label: row["document_type"]), documentNumber: row["document_number"],
                residenceArea: row["residence_area"], phone: row["phone"],
                skills: row.list("skills"), serviceCategories: row.list("service_categories").compactMap(ServiceCategory.init(label:)))
            for code in row.list("organizations") {
                guard let organization = organizations[code] else { throw row.failure("organizations", "unknown organization \(code)") }
                let outcome = try await ledger.registerVolunteer(registration, organizationId: organization.id, by: .localOperator)
                volunteerIds[outcome.volunteer.documentNumber] = outcome.volunteer.id
                registration.sex = outcome.volunteer.sex
            }
        }
        var activityCount = 0
        for row in try table("activities.csv") {
            guard let organization = organizations[row["organization"]] else { throw row.failure("organization", "unknown organization") }
            guard let category = ServiceCategory(label: row["category"]) else { throw row.failure("category", "unknown category") }
            _ = try await ledger.createActivity(
                ActivityInput(title: row["title"], content: row["content"], category: category, place: row["place"],
                              start: try row.time("start", organization.timeZone), end: try row.time("end", organization.timeZone),
                              leader: row["leader"]),
                organizationId: organization.id, by: .localOperator)
            activityCount += 1
        }
        var recordCount = 0
        for (code, organization) in organizations.sorted(by: { $0.key < $1.key }) {
            let file = path("records/\(code).csv")
            guard FileManager.default.fileExists(atPath: file) else { continue }
            let report = try await ledger.importRecords(
                openFile: { try CSVReader(path: file) },
                options: ImportOptions(organizationId: organization.id, keepRecordedAt: true), by: .localOperator)
            guard report.committed else {
                throw SampleDataError(message: "sample file \(file) was rejected:\n" + report.errors.map { "line \($0.line): \($0.message)" }.joined(separator: "\n"))
            }
            recordCount += report.imported
        }
        var userCount = 0
        for row in try table("users.csv") {
            guard let role = Role(rawValue: row["role"]) else { throw row.failure("role", "unknown role") }
            let organizationId = row["organization"].isEmpty ? nil : organizations[row["organization"]]?.id
            let volunteerId = row["volunteer_document_number"].isEmpty ? nil : volunteerIds[row["volunteer_document_number"]]
            _ = try await ledger.createAccount(
                AccountInput(username: row["username"], password: row["password"], role: role,
                             organizationId: organizationId, volunteerId: volunteerId), by: .localOperator)
            userCount += 1
        }
        return "loaded samples: \(organizations.count) organizations, \(volunteerIds.count) volunteers, \(activityCount) activities, \(recordCount) records, \(userCount) accounts"
    }

    private func path(_ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// A header-keyed CSV table.
    private func table(_ name: String) throws -> [SampleRow] {
        var reader = try CSVReader(path: path(name))
        guard let header = try reader.next()?.fields else { return [] }
        var rows: [SampleRow] = []
        while let row = try reader.next() {
            rows.append(SampleRow(file: name, line: row.lineNumber,
                                  values: Dictionary(zip(header, row.fields), uniquingKeysWith: { a, _ in a })))
        }
        return rows
    }
}

/// A sample file that does not load, naming file, line and column.
public struct SampleDataError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

struct SampleRow {
    let file: String
    let line: Int
    let values: [String: String]

    subscript(_ column: String) -> String { values[column] ?? "" }

    func list(_ column: String) -> [String] {
        self[column].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func time(_ column: String, _ zone: TimeZone) throws -> Date {
        guard let local = SpreadsheetValue.localDateTime(self[column]) else { throw failure(column, "cannot read the time") }
        return local.instant(in: zone)
    }

    func failure(_ column: String, _ reason: String) -> SampleDataError {
        SampleDataError(message: "\(file):\(line): [\(column)] \(reason)")
    }
}
