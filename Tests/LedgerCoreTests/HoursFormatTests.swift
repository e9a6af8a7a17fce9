import Foundation
import Testing
@testable import LedgerCore

struct HoursFormatTests {
    @Test(arguments: [
        (0, "0.00"), (1, "0.02"), (2, "0.03"), (30, "0.50"), (59, "0.98"), (60, "1.00"),
        (90, "1.50"), (100, "1.67"), (740, "12.33"), (6000, "100.00"), (-1, "-0.02"), (-90, "-1.50"),
    ])
    func formatsMinutesAsHours(_ minutes: Int, _ expected: String) {
        #expect(HoursFormat.hours(fromMinutes: minutes) == expected)
    }

    @Test func agreesWithDecimalRounding() {
        // Sixtieths never end in an exact half, so printf-style rounding of the double is an independent oracle.
        let mismatches = (0...3000).filter { minutes in
            HoursFormat.hours(fromMinutes: minutes) != String(format: "%.2f", Double(minutes) / 60)
        }
        #expect(mismatches.isEmpty)
    }

    @Test func handlesVeryLargeTotalsWithoutOverflow() {
        #expect(HoursFormat.hours(fromMinutes: Int.max).hasSuffix(".12"))
    }
}
