import Foundation

/// Service time is stored in whole minutes and shown as hours with two decimals.
public enum HoursFormat {
    /// Hours with two decimals, rounded half up on exact integers: 1 minute is "0.02",
    /// 90 minutes "1.50", 740 minutes "12.33". Negative values (corrections) get a leading "-".
    public static func hours(fromMinutes m: Int) -> String {
        let minutes = m.magnitude
        let wholeHours = minutes / 60
        // round(remainder * 100 / 60) half up; never reaches 100 because remainder <= 59.
        let hundredths = (minutes % 60 * 100 + 30) / 60
        let fraction = hundredths < 10 ? "0\(hundredths)" : "\(hundredths)"
        return (m < 0 ? "-" : "") + "\(wholeHours).\(fraction)"
    }
}
