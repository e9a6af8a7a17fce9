import Testing
@testable import LedgerCore

/// The second random draw: reproducible teams, no inspector on an organization they must avoid (回避),
/// balanced workloads.
struct InspectorAssignmentTests {
    static let seed = "01382438112797316654"

    static func units(_ count: Int, organizations: [String]) -> [InspectorAssignment.Unit] {
        (0..<count).map { InspectorAssignment.Unit(id: "R\($0 + 1)", organization: organizations[$0 % organizations.count]) }
    }

    static func pool(_ count: Int, excluded: [String: Set<String>] = [:]) -> [InspectorAssignment.Inspector] {
        (1...count).map { InspectorAssignment.Inspector(key: String($0), excluded: excluded[String($0)] ?? []) }
    }

    @Test func teamsAreDistinctAndBalancedWithoutConflicts() throws {
        let result = try InspectorAssignment.assign(units: Self.units(31, organizations: ["A", "B", "C"]), pool: Self.pool(7),
                                                    perUnit: 2, seed: Self.seed)
        #expect(result.teams.count == 31)
        #expect(result.teams.allSatisfy { $0.count == 2 && Set($0).count == 2 })
        #expect(result.loads.values.reduce(0, +) == 62)
        #expect(result.isBalanced)
        #expect(result.loads.values.max()! - result.loads.values.min()! <= 1)
    }

    @Test func noInspectorChecksAnOrganizationTheyMustAvoid() throws {
        // Inspector 1 works for A, 2 declared a conflict with A and B, 3 with C.
        let excluded: [String: Set<String>] = ["1": ["A"], "2": ["A", "B"], "3": ["C"]]
        let units = Self.units(24, organizations: ["A", "B", "C"])
        let result = try InspectorAssignment.assign(units: units, pool: Self.pool(6, excluded: excluded), perUnit: 2, seed: Self.seed)
        for (unit, team) in zip(units, result.teams) {
            for key in team { #expect(!(excluded[key] ?? []).contains(unit.organization), "\(key) on \(unit.id) of \(unit.organization)") }
        }
        // The exchange chains still even the loads out: 48 slots over 6 inspectors.
        #expect(result.isBalanced)
        #expect(Set(result.loads.values) == [8])
    }

    @Test func greedyImbalanceIsRepairedByExchangeChains() throws {
        // A's units come first and greedy spreads them over all four; B's units can only go to 1 and 2,
        // which greedy alone would leave with 6 units each against 2. Chains hand A's units to 3 and 4.
        let units = (1...8).map { InspectorAssignment.Unit(id: "R\($0)", organization: $0 <= 4 ? "A" : "B") }
        let excluded: [String: Set<String>] = ["3": ["B"], "4": ["B"]]
        let result = try InspectorAssignment.assign(units: units, pool: Self.pool(4, excluded: excluded), perUnit: 2, seed: Self.seed)
        #expect(result.isBalanced)
        #expect(Set(result.loads.values) == [4])
        for (unit, team) in zip(units, result.teams) where unit.organization == "B" { #expect(Set(team) == ["1", "2"]) }
    }

    @Test func theSameSeedGivesTheSameTeamsAndAnotherSeedOthers() throws {
        let units = Self.units(20, organizations: ["A", "B"])
        let first = try InspectorAssignment.assign(units: units, pool: Self.pool(9), perUnit: 2, seed: Self.seed)
        let again = try InspectorAssignment.assign(units: units, pool: Self.pool(9), perUnit: 2, seed: Self.seed)
        let other = try InspectorAssignment.assign(units: units, pool: Self.pool(9), perUnit: 2, seed: "96283017465829103847")
        #expect(first == again)
        #expect(first.teams != other.teams)
    }

    @Test func tooFewEligibleInspectorsIsAnError() {
        let excluded: [String: Set<String>] = ["1": ["A"], "2": ["A"]]
        #expect(throws: InspectorAssignment.Failure.notEnoughEligibleInspectors(unit: "R1", eligible: 1, needed: 2)) {
            try InspectorAssignment.assign(units: Self.units(1, organizations: ["A"]), pool: Self.pool(3, excluded: excluded),
                                           perUnit: 2, seed: Self.seed)
        }
    }

    @Test func impossibleBalanceIsReportedNotHidden() throws {
        // Everyone but inspector 3 must avoid A, and all units are A's: inspector 3 is on every team.
        let excluded: [String: Set<String>] = ["1": ["B"], "2": ["B"], "4": ["A"]]
        let result = try InspectorAssignment.assign(units: Self.units(6, organizations: ["A"]), pool: Self.pool(4, excluded: excluded),
                                                    perUnit: 2, seed: Self.seed)
        #expect(result.loads["4"] == 0)
        #expect(!result.isBalanced)
        #expect(result.loads.values.reduce(0, +) == 12)
    }
}
