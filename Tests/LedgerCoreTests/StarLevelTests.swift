import Testing
@testable import LedgerCore

struct StarLevelTests {
    static let thresholds: [(hours: Int, level: StarLevel)] = [(100, .one), (300, .two), (600, .three), (1000, .four), (1500, .five)]

    @Test(arguments: thresholds)
    func reachingTheThresholdExactlyCounts(_ hours: Int, _ level: StarLevel) {
        #expect(StarLevel(totalMinutes: hours * 60) == level)
        #expect(StarLevel(totalMinutes: hours * 60 - 1) == StarLevel(rawValue: level.rawValue - 1))
        #expect(level.thresholdHours == hours)
    }

    @Test func justUnderOneHundredHoursIsNoStar() {
        #expect(HoursFormat.hours(fromMinutes: 5999) == "99.98")
        #expect(StarLevel(totalMinutes: 5999) == StarLevel.none)
        #expect(StarLevel(totalMinutes: 6000) == .one)
        #expect(StarLevel(totalMinutes: 0) == StarLevel.none)
        #expect(StarLevel(totalMinutes: 1_000_000) == .five)
        #expect(StarLevel.none.thresholdHours == nil)
    }

    @Test func minutesToNextLevel() {
        #expect(StarLevel.minutesToNext(from: 0) == 6000)
        #expect(StarLevel.minutesToNext(from: 5999) == 1)
        #expect(StarLevel.minutesToNext(from: 6000) == 12000)
        #expect(StarLevel.minutesToNext(from: 89_999) == 1)
        #expect(StarLevel.minutesToNext(from: 90_000) == nil)
    }

    @Test func ordersAndLabels() throws {
        #expect(StarLevel.two < .three)
        #expect(StarLevel.none < .one)
        #expect(StarLevel.three.chineseLabel == "三星级志愿者")
        #expect(StarLevel.allCases.map(\.chineseLabel) == ["无星级", "一星级志愿者", "二星级志愿者", "三星级志愿者", "四星级志愿者", "五星级志愿者"])
        #expect(try RulesFixtures.json([StarLevel.four]) == "[4]")
    }
}
