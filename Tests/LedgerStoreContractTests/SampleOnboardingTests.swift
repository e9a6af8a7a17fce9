import Foundation
import LedgerCore
import Testing

/// What `make run` shows a newcomer from the samples: activities open for sign-up a week or two after loading (found by
/// the public search, one for members only not listed), and pending join requests for the organizations' staff.
@Suite("Sample onboarding data")
struct SampleOnboardingTests {
    @Test(arguments: Backend.all)
    func theSamplesOpenActivitiesAndHoldPendingJoinRequests(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger(clock: { Samples.now })
            let summary = try #require(try await SampleDataLoader(ledger: ledger, folder: Samples.folder).loadIfEmpty())
            #expect(summary.contains("6 activities open for sign-up, 4 join requests"), "\(summary)")
            let open = try await ledger.publicActivities(PublicActivityFilter(now: Samples.now), after: nil, limit: nil).items
            #expect(open.count == 5 && open.allSatisfy { $0.openNow && $0.activity.startAt > Samples.now.addingTimeInterval(6 * 86_400) })
            #expect(open.map(\.recruitment.deadline) == open.map(\.recruitment.deadline).sorted())
            let first = try await ledger.organization(creditCode: "51330102MJUX0AEHX3")
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: first.id)
            let pending = try await ledger.joinRequests(organizationId: first.id, after: nil, limit: nil, by: staff).items
            #expect(pending.count == 3 && pending.allSatisfy { $0.request.state == .pending && !$0.volunteerName.isEmpty })
        }
    }
}
