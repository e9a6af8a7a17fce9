import Foundation
import Testing
@testable import LedgerCore

/// The open data never shows a count of 1 to 4 people, nor one that the total gives away.
struct OpenDataSuppressionTests {
    static let districts = [
        StatisticsRow(key: "330102", volunteers: 40, minutes: 4_000, records: 60, registered: 50),
        StatisticsRow(key: "330106", volunteers: 25, minutes: 2_000, records: 30, registered: 30),
        StatisticsRow(key: "330110", volunteers: 3, minutes: 360, records: 3, registered: 3),
        StatisticsRow(key: "330114", volunteers: 0, minutes: 0, records: 0, registered: 7),
    ]

    @Test func aDistrictOfThreeVolunteersIsSuppressedWithTheNextSmallest() throws {
        let rows = OpenStatistics.rows(Self.districts, withRegistered: true, names: { $0 })
        let small = try #require(rows.first { $0.key == "330110" })
        #expect(small.servedVolunteers == nil && small.minutes == nil && small.hours == nil && small.records == nil && small.registeredVolunteers == nil)
        #expect(small.suppressed == ["registeredVolunteers", "servedVolunteers", "minutes", "hours", "records"])
        // Minutes add up to the published total: the smallest other district with service is hidden as well.
        let next = try #require(rows.first { $0.key == "330106" })
        #expect(next.minutes == nil && next.servedVolunteers == nil)
        // Its registered count is shown; the smallest other registered count (7) is hidden instead.
        #expect(next.registeredVolunteers == 30)
        #expect(rows.first { $0.key == "330114" }?.registeredVolunteers == nil)
        let large = try #require(rows.first { $0.key == "330102" })
        #expect(large.servedVolunteers == 40 && large.hours == "66.67" && large.suppressed.isEmpty)
        // Zero singles nobody out and stays.
        #expect(rows.first { $0.key == "330114" }?.servedVolunteers == 0)
    }

    @Test func nothingSmallNothingHidden() {
        let rows = OpenStatistics.rows(Array(Self.districts.prefix(2)), withRegistered: true, names: { $0 })
        #expect(rows.allSatisfy { $0.suppressed.isEmpty })
    }

    @Test func theCSVShowsSuppressedCellsAsLessThanFive() throws {
        let figures = StatisticsFigures(registeredVolunteers: 90, servedVolunteers: 68, minutes: 6_360, records: 93, byDistrict: Self.districts)
        let data = OpenStatistics(generatedOn: LocalDate(year: 2026, month: 12, day: 8)!, periods: [
            .init(year: 2026, from: LocalDate(year: 2026, month: 1, day: 1)!, to: LocalDate(year: 2026, month: 12, day: 8)!, figures: figures),
        ])
        let text = String(decoding: data.csv, as: UTF8.self)
        #expect(text.contains("2026,2026-01-01,2026-12-08,district,330110,330110,<5,<5,<5,<5,<5\r\n"))
        #expect(text.contains("2026,2026-01-01,2026-12-08,total,total,,90,68,6360,106.00,93\r\n"))
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        #expect(json.contains(#""servedVolunteers":null"#))
    }
}
