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
        // Read a row at a time: a generated city (`vledger samples generate`) has millions of volunteers and activities.
        var volunteerRows = try rows("volunteers.csv")
        while let row = try volunteerRows.next() {
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
        var activityRows = try rows("activities.csv")
        while let row = try activityRows.next() {
            guard let organization = organizations[row["organization"]] else { throw row.failure("organization", "unknown organization") }
            guard let category = ServiceCategory(label: row["category"]) else { throw row.failure("category", "unknown category") }
            _ = try await ledger.createActivity(
                ActivityInput(title: row["title"], content: row["content"], category: category, place: row["place"],
                              start: try row.time("start", organization.timeZone), end: try row.time("end", organization.timeZone),
                              leader: row["leader"]),
                organizationId: organization.id, by: .localOperator)
            activityCount += 1
        }
        let openCount = try await loadRecruitments(organizations)
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
        let joinRequestCount = try await loadJoinRequests(organizations, volunteerIds)
        let applicationCount = try await loadOrganizationApplications()
        return "loaded samples: \(organizations.count) organizations, \(volunteerIds.count) volunteers, \(activityCount) activities, \(recordCount) records, \(userCount) accounts, \(openCount) activities open for sign-up, \(joinRequestCount) join requests, \(applicationCount) organization applications"
    }

    /// `recruitments.csv`: activities dated from the day of loading (so that a fresh `make run` has some to sign up for),
    /// opened for sign-up. Absent file: none.
    private func loadRecruitments(_ organizations: [String: Organization]) async throws -> Int {
        guard FileManager.default.fileExists(atPath: path("recruitments.csv")) else { return 0 }
        var count = 0
        for row in try table("recruitments.csv") {
            guard let organization = organizations[row["organization"]] else { throw row.failure("organization", "unknown organization") }
            guard let category = ServiceCategory(label: row["category"]) else { throw row.failure("category", "unknown category") }
            guard let audience = RecruitmentAudience(rawValue: row["audience"]) else { throw row.failure("audience", "members or everyone") }
            guard let days = Int(row["starts_in_days"]), (1...365).contains(days) else { throw row.failure("starts_in_days", "1 to 365") }
            guard let before = Int(row["deadline_days_before"]), (0..<days).contains(before) else {
                throw row.failure("deadline_days_before", "0 to starts_in_days - 1")
            }
            guard let capacity = Int(row["capacity"]) else { throw row.failure("capacity", "a number") }
            let zone = organization.timeZone
            let day = LocalDate(ledger.now, in: zone).adding(days: days)
            let start = try row.time(on: day, "start", zone), end = try row.time(on: day, "end", zone)
            let activity = try await ledger.createActivity(
                ActivityInput(title: row["title"], content: row["content"], category: category, place: row["place"], start: start, end: end,
                              leader: row["leader"]),
                organizationId: organization.id, by: .localOperator)
            _ = try await ledger.openForSignUp(activityId: activity.id, RecruitmentInput(
                audience: audience, capacity: capacity, deadline: start.addingTimeInterval(-Double(before) * 86_400)), by: .localOperator)
            count += 1
        }
        return count
    }

    /// `join-requests.csv`: pending requests to join, asked by the volunteers themselves. Absent file: none.
    private func loadJoinRequests(_ organizations: [String: Organization], _ volunteerIds: [String: Int64]) async throws -> Int {
        guard FileManager.default.fileExists(atPath: path("join-requests.csv")) else { return 0 }
        var count = 0
        for row in try table("join-requests.csv") {
            guard let organization = organizations[row["organization"]] else { throw row.failure("organization", "unknown organization") }
            guard let volunteerId = volunteerIds[row["volunteer_document_number"]] else {
                throw row.failure("volunteer_document_number", "unknown volunteer")
            }
            _ = try await ledger.askToJoin(organizationId: organization.id, note: row["note"],
                                           by: Principal(userId: nil, role: .volunteer, volunteerId: volunteerId))
            count += 1
        }
        return count
    }

    /// `organization-applications.csv`: applications waiting in the bureau's queue, each with its certificate file (the
    /// contact phones are taken as verified: samples send no codes). Absent file: none.
    private func loadOrganizationApplications() async throws -> Int {
        guard FileManager.default.fileExists(atPath: path("organization-applications.csv")) else { return 0 }
        var count = 0
        for row in try table("organization-applications.csv") {
            guard let certificate = FileManager.default.contents(atPath: path(row["certificate"])) else {
                throw row.failure("certificate", "file not found")
            }
            _ = try await ledger.submitOrganizationApplication(OrganizationApplicationInput(
                name: row["name"], creditCode: row["credit_code"], regionCode: row["region_code"], registrationType: row["registration_type"],
                contactName: row["contact_name"], contactPhone: row["contact_phone"], code: "", adminUsername: row["admin_username"],
                adminPassword: row["admin_password"], certificate: [UInt8](certificate)), clientAddress: nil, checkingCode: false)
            count += 1
        }
        return count
    }

    private func path(_ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// A header-keyed CSV table.
    private func table(_ name: String) throws -> [SampleRow] {
        var reader = try rows(name)
        var rows: [SampleRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    /// The rows of a header-keyed CSV table, read one at a time.
    private func rows(_ name: String) throws -> SampleRows {
        var reader = try CSVReader(path: path(name))
        return SampleRows(file: name, header: try reader.next()?.fields ?? [], reader: reader)
    }
}

/// Rows of a sample file, read as they are asked for.
struct SampleRows {
    let file: String
    let header: [String]
    var reader: CSVReader

    mutating func next() throws -> SampleRow? {
        guard !header.isEmpty, let row = try reader.next() else { return nil }
        return SampleRow(file: file, line: row.lineNumber, values: Dictionary(zip(header, row.fields), uniquingKeysWith: { a, _ in a }))
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

    /// The wall-clock time `HH:MM` of `column` on `day`.
    func time(on day: LocalDate, _ column: String, _ zone: TimeZone) throws -> Date {
        let parts = self[column].split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, let local = LocalDateTime(date: day, hour: parts[0], minute: parts[1]) else {
            throw failure(column, "cannot read the time (HH:MM)")
        }
        return local.instant(in: zone)
    }

    func failure(_ column: String, _ reason: String) -> SampleDataError {
        SampleDataError(message: "\(file):\(line): [\(column)] \(reason)")
    }
}
