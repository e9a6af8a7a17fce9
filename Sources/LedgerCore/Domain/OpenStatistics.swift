import Foundation

/// The open data of `/statistics` (公开数据): the platform's figures by year, district and service category, with every
/// count of 1 to 4 people suppressed ("<5", null in JSON) so that nobody can be singled out, and one more row suppressed
/// where a single suppressed row could be computed back from the total (complementary suppression).
public struct OpenStatistics: Sendable, Codable {
    /// Counts of people below this are suppressed (zero is shown: it singles nobody out).
    public static let threshold = 5
    /// The version of the schema documented in README ("The bureau's figures") and openapi.json (`OpenStatistics`).
    public static let schemaVersion = 1

    /// One line: a count of people, or nil when suppressed, with the minutes and records of those people.
    public struct Row: Sendable, Codable, Hashable {
        /// "total", a district code or a service category.
        public var key: String
        public var name: String
        public var registeredVolunteers: Int?
        public var servedVolunteers: Int?
        public var minutes: Int?
        /// Hours with two decimals, as text ("12.50").
        public var hours: String?
        public var records: Int?
        /// The fields set to null because they count fewer than 5 people (or would reveal such a count).
        public var suppressed: [String]

        enum CodingKeys: String, CodingKey { case key, name, registeredVolunteers, servedVolunteers, minutes, hours, records, suppressed }

        /// Every field is written, suppressed ones as null, so the JSON schema has the same keys in every row.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(name, forKey: .name)
            try container.encode(registeredVolunteers, forKey: .registeredVolunteers)
            try container.encode(servedVolunteers, forKey: .servedVolunteers)
            try container.encode(minutes, forKey: .minutes)
            try container.encode(hours, forKey: .hours)
            try container.encode(records, forKey: .records)
            try container.encode(suppressed, forKey: .suppressed)
        }
    }

    public struct Period: Sendable, Codable {
        public var year: Int
        public var from: LocalDate
        public var to: LocalDate
        public var total: Row
        public var byDistrict: [Row]
        public var byCategory: [Row]

        init(year: Int, from: LocalDate, to: LocalDate, figures: StatisticsFigures, names: (String) -> String = { $0 }) {
            self.year = year
            self.from = from
            self.to = to
            total = OpenStatistics.rows([StatisticsRow(key: "total", volunteers: figures.servedVolunteers, minutes: figures.minutes,
                                                       records: figures.records, registered: figures.registeredVolunteers)],
                                        withRegistered: true, names: { _ in "" }).first!
            byDistrict = OpenStatistics.rows(figures.byDistrict, withRegistered: true, names: names)
            byCategory = OpenStatistics.rows(figures.byCategory, withRegistered: false,
                                             names: { ServiceCategory(rawValue: $0)?.chineseLabel ?? $0 })
        }
    }

    public var schemaVersion = OpenStatistics.schemaVersion
    public var generatedOn: LocalDate
    public var periods: [Period]

    init(generatedOn: LocalDate, periods: [Period]) {
        self.generatedOn = generatedOn
        self.periods = periods
    }

    /// Names districts from a region table (the store knows codes only).
    public func naming(_ regions: RegionCodes, english: Bool = false) -> OpenStatistics {
        var copy = self
        for index in copy.periods.indices {
            for row in copy.periods[index].byDistrict.indices {
                copy.periods[index].byDistrict[row].name = regions.name(copy.periods[index].byDistrict[row].key, english: english)
            }
        }
        return copy
    }

    static func isSmall(_ count: Int) -> Bool { count > 0 && count < threshold }

    /// Rows with small counts suppressed: served volunteers (and with them their minutes and records) and registered
    /// volunteers, each on its own. When exactly one row of a table is suppressed in a measure, the next smallest
    /// row is suppressed too, since minutes and records of the rows add up to the published total.
    static func rows(_ rows: [StatisticsRow], withRegistered: Bool, names: (String) -> String) -> [Row] {
        var servedHidden = Set(rows.indices.filter { isSmall(rows[$0].volunteers) })
        var registeredHidden = withRegistered ? Set(rows.indices.filter { isSmall(rows[$0].registered) }) : []
        func complement(_ hidden: inout Set<Int>, _ count: (StatisticsRow) -> Int) {
            guard hidden.count == 1, rows.count > 1 else { return }
            if let next = rows.indices.filter({ !hidden.contains($0) && count(rows[$0]) > 0 }).min(by: { count(rows[$0]) < count(rows[$1]) }) {
                hidden.insert(next)
            }
        }
        if rows.count > 1 {
            complement(&servedHidden, \.volunteers)
            if withRegistered { complement(&registeredHidden, \.registered) }
        }
        return rows.indices.map { index in
            let row = rows[index]
            let served = servedHidden.contains(index), registered = registeredHidden.contains(index)
            var suppressed: [String] = []
            if registered { suppressed.append("registeredVolunteers") }
            if served { suppressed += ["servedVolunteers", "minutes", "hours", "records"] }
            return Row(key: row.key, name: names(row.key), registeredVolunteers: withRegistered && !registered ? row.registered : nil,
                       servedVolunteers: served ? nil : row.volunteers, minutes: served ? nil : row.minutes,
                       hours: served ? nil : HoursFormat.hours(fromMinutes: row.minutes), records: served ? nil : row.records,
                       suppressed: suppressed)
        }
    }

    /// The CSV download: one line per period and row, suppressed cells as "<5".
    public var csv: Data {
        var writer = CSVWriter()
        writer.writeRow(["year", "from", "to", "table", "key", "name", "registered_volunteers", "served_volunteers", "minutes", "hours", "records"])
        func cell(_ value: Int?, _ name: String, _ row: Row) -> String {
            row.suppressed.contains(name) ? "<5" : value.map(String.init) ?? ""
        }
        for period in periods {
            for (table, rows) in [("total", [period.total]), ("district", period.byDistrict), ("category", period.byCategory)] {
                for row in rows {
                    writer.writeRow([String(period.year), period.from.description, period.to.description, table, row.key, row.name,
                                     cell(row.registeredVolunteers, "registeredVolunteers", row), cell(row.servedVolunteers, "servedVolunteers", row),
                                     cell(row.minutes, "minutes", row), row.suppressed.contains("hours") ? "<5" : row.hours ?? "",
                                     cell(row.records, "records", row)])
                }
            }
        }
        return writer.data
    }
}
