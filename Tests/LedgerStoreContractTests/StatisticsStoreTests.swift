import Foundation
import LedgerCore
import Testing

/// The bureau's statistics on both stores, checked against counts made here from the fixture's own inputs.
@Suite("Statistics store")
struct StatisticsStoreTests {
    /// One stored record, as the test wrote it.
    struct Input: Sendable {
        var volunteer: Int
        var organization: Int
        var category: ServiceCategory
        var source: RecordSource
        var start: Date
        var minutes: Int
        var isVoid: Bool
    }

    struct Fixture: Sendable {
        var organizations: [Organization]
        var volunteers: [Volunteer]
        /// Volunteer index → organization indexes it is a member of.
        var memberships: [Int: [Int]]
        var inputs: [Input]
    }

    /// Regions of the four organizations: two in 西湖区, one in 上城区, one in Nanjing (outside the city).
    static let regions = ["330106", "330106001", "330102", "320102"]
    static let categories: [ServiceCategory] = [.communityService, .environmentalProtection, .healthCare]
    static let sources: [RecordSource] = [.manual, .checkIn, .selfCheckIn, .import, .claim]

    static func make(_ w: any LedgerWriter) throws -> Fixture {
        var organizations: [Organization] = []
        var activities: [[Activity]] = []
        for (index, region) in regions.enumerated() {
            let organization = try w.insert(with(Make.organization(index + 1)) { $0.regionCode = region })
            organizations.append(organization)
            activities.append(try categories.map { category in
                try w.insert(with(Make.activity(organizationId: organization.id, day: 1, lastDay: 28)) {
                    $0.category = category
                    $0.startAt = Make.june(1, 0).addingTimeInterval(-400 * 86_400)
                })
            })
        }
        var volunteers: [Volunteer] = []
        var memberships: [Int: [Int]] = [:]
        for n in 0..<12 {
            let volunteer = try w.insert(with(Make.volunteer(n + 1)) {
                $0.birthDate = LocalDate(year: [2012, 1995, 1980, 1950][n % 4], month: 5, day: 1)!
                $0.registeredAt = n == 11 ? Make.june(29, 9) : Make.june(2, 10).addingTimeInterval(Double(n))
            })
            volunteers.append(volunteer)
            let member = n < 6 ? [0] : n < 9 ? [1, 2] : [3]
            memberships[n] = member
            for organization in member {
                try w.insert(Membership(volunteerId: volunteer.id, organizationId: organizations[organization].id, joinedAt: Make.june(2, 11)))
            }
        }
        var inputs: [Input] = []
        for i in 0..<60 {
            let volunteer = i % 11
            let organization = memberships[volunteer]![i % memberships[volunteer]!.count]
            // June 2026 mostly; every seventh in May 2026 (outside the period), every ninth in June 2025 (the year before).
            var start = Make.june(1 + i % 25, 6 + i / 25)
            if i % 7 == 3 { start = start.addingTimeInterval(-31 * 86_400) }
            if i % 9 == 4 { start = start.addingTimeInterval(-365 * 86_400) }
            let input = Input(volunteer: volunteer, organization: organization, category: categories[i % 3], source: sources[i % 5],
                              start: start, minutes: 30 + (i * 7) % 90, isVoid: i % 13 == 5)
            let activity = activities[organization][categories.firstIndex(of: input.category)!]
            try w.insert(with(Make.record(volunteerId: volunteers[volunteer].id, activity: activity, from: start,
                                          to: start.addingTimeInterval(Double(input.minutes * 60)), isVoid: input.isVoid)) {
                $0.source = input.source
            })
            inputs.append(input)
        }
        return Fixture(organizations: organizations, volunteers: volunteers, memberships: memberships, inputs: inputs)
    }

    static let june2026 = StatisticsRequest(from: LocalDate(year: 2026, month: 6, day: 1)!, to: LocalDate(year: 2026, month: 6, day: 30)!)

    /// The expected rows of a breakdown, counted from the inputs.
    static func expected(_ inputs: [Input], key: (Input) -> String) -> [StatisticsRow] {
        Dictionary(grouping: inputs, by: key).map { key, group in
            StatisticsRow(key: key, volunteers: Set(group.map(\.volunteer)).count, minutes: group.map(\.minutes).reduce(0, +), records: group.count)
        }.sorted { $0.key < $1.key }
    }

    func check(_ f: Fixture, _ figures: StatisticsFigures, request: StatisticsRequest, region: String?, organization: Int?) {
        let zone = Ledger.statisticsZone
        let scope = request.scope(organizationId: nil, zone: zone)
        let inScope = { (o: Int) in (region.map { Self.regions[o].hasPrefix($0) } ?? true) && (organization.map { $0 == o } ?? true) }
        let counted = f.inputs.filter { !$0.isVoid && $0.start >= scope.from && $0.start < scope.before && inScope($0.organization) }
        #expect(counted.count > 0)
        #expect(figures.records == counted.count)
        #expect(figures.minutes == counted.map(\.minutes).reduce(0, +))
        #expect(figures.servedVolunteers == Set(counted.map(\.volunteer)).count)
        #expect(figures.organizationsActive == Set(counted.map(\.organization)).count)
        #expect(figures.activities == Set(counted.map { "\($0.organization)-\($0.category)" }).count)
        #expect(figures.organizationsRegistered == Self.regions.indices.filter { inScope($0) && f.organizations[$0].createdAt < scope.before }.count)
        let registered = f.volunteers.indices.filter { n in
            f.volunteers[n].registeredAt < scope.before && (region == nil && organization == nil || f.memberships[n]!.contains(where: inScope))
        }
        #expect(figures.registeredVolunteers == registered.count)
        #expect(figures.byCategory == Self.expected(counted) { $0.category.rawValue })
        #expect(figures.bySource == Self.expected(counted) { $0.source.rawValue })
        #expect(figures.bySex == Self.expected(counted) { f.volunteers[$0.volunteer].sex.rawValue })
        #expect(figures.byMonth == Self.expected(counted) { input in
            let day = LocalDate(input.start, in: zone)
            return String(format: "%04d-%02d", day.year, day.month)
        })
        #expect(figures.byAgeBand == Self.expected(counted) { input in
            ["60_plus", "35_59", "18_34", "under_18"][[1950, 1980, 1995, 2012].firstIndex(of: f.volunteers[input.volunteer].birthDate.year)!]
        })
        let districts = Self.expected(counted) { String(Self.regions[$0.organization].prefix(6)) }
        #expect(figures.byDistrict.map(\.key) == districts.map(\.key))
        for row in districts {
            let stored = figures.byDistrict.first { $0.key == row.key }
            #expect(stored?.volunteers == row.volunteers && stored?.minutes == row.minutes && stored?.records == row.records, "\(row.key)")
            let members = f.volunteers.indices.filter { n in
                f.volunteers[n].registeredAt < scope.before
                    && f.memberships[n]!.contains { inScope($0) && Self.regions[$0].hasPrefix(row.key) }
            }
            #expect(stored?.registered == members.count, "registered in \(row.key)")
        }
    }

    @Test(arguments: Backend.all)
    func figuresOfTheCityADistrictAndAnOrganizationMatchTheInputs(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Self.make($0) }
            for (region, organization) in [(nil, nil), ("3301", nil), ("330106", nil), (nil, 2)] as [(String?, Int?)] {
                let request = with(Self.june2026) { $0.region = region }
                let scope = request.scope(organizationId: organization.map { f.organizations[$0].id }, zone: Ledger.statisticsZone)
                let figures = try await t.store.read { try $0.statistics(scope) }
                check(f, figures, request: request, region: region, organization: organization)
            }
            // The year before has its own records (every ninth input).
            let before = try await t.store.read { try $0.statistics(Self.june2026.yearBefore.scope(organizationId: nil, zone: Ledger.statisticsZone)) }
            check(f, before, request: Self.june2026.yearBefore, region: nil, organization: nil)
        }
    }

    @Test(arguments: Backend.all)
    func staffSeeTheirOwnOrganizationWhateverRegionTheyAsk(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let f = try await t.store.write { try Self.make($0) }
            let ledger = t.ledger()
            let staff = Principal(userId: 1, role: .organizationStaff, organizationId: f.organizations[2].id)
            let report = try await ledger.statistics(with(Self.june2026) { $0.region = "3201" }, by: staff)
            #expect(report.organization?.id == f.organizations[2].id)
            let own = try await t.store.read {
                try $0.statistics(Self.june2026.scope(organizationId: f.organizations[2].id, zone: Ledger.statisticsZone))
            }
            // The region asked (3201, where organization 3 is not) is ignored: staff always see their own organization.
            #expect(report.current == own)
            #expect(report.request.region == nil)
            #expect(report.current.organizationsRegistered == 1)
            let mine = try await ledger.statistics(Self.june2026, by: staff)
            check(f, mine.current, request: Self.june2026, region: nil, organization: 2)
            await expectLedgerErrorCode("forbidden") {
                _ = try await ledger.statistics(Self.june2026, by: Principal(userId: 2, role: .volunteer, volunteerId: f.volunteers[0].id))
            }
        }
    }
}
