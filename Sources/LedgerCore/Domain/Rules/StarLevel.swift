import Foundation

/// 星级志愿者: the star level a volunteer reaches by cumulative recorded service hours
/// (100, 300, 600, 1000 and 1500 hours; reaching a threshold exactly counts).
public enum StarLevel: Int, Codable, Sendable, Comparable, CaseIterable {
    case none = 0, one, two, three, four, five

    public init(totalMinutes: Int) {
        self = StarLevel.allCases.last { level in
            level.thresholdHours.map { totalMinutes >= $0 * 60 } ?? true
        }!
    }

    /// The cumulative hours needed for this level; nil for `.none`.
    public var thresholdHours: Int? {
        switch self {
        case .none: nil
        case .one: 100
        case .two: 300
        case .three: 600
        case .four: 1000
        case .five: 1500
        }
    }

    /// Minutes still needed to reach the next level, or nil at five stars.
    public static func minutesToNext(from totalMinutes: Int) -> Int? {
        let current = StarLevel(totalMinutes: totalMinutes)
        guard let next = StarLevel(rawValue: current.rawValue + 1), let hours = next.thresholdHours else { return nil }
        return hours * 60 - max(0, totalMinutes)
    }

    /// e.g. 三星级志愿者; 无星级 below one star.
    public var chineseLabel: String {
        switch self {
        case .none: "无星级"
        case .one: "一星级志愿者"
        case .two: "二星级志愿者"
        case .three: "三星级志愿者"
        case .four: "四星级志愿者"
        case .five: "五星级志愿者"
        }
    }

    public static func < (lhs: StarLevel, rhs: StarLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
