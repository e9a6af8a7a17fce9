import Foundation

/// On-site check-ins in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol CheckInReader {
    func checkIn(id: Int64) throws -> CheckIn?
    /// The volunteer's open check-in, at any activity.
    func openCheckIn(volunteerId: Int64) throws -> CheckIn?
    /// Check-ins still open at `now` at activities that ended at least their organization's check-out grace before it
    /// (`defaultGraceMinutes` where the organization set none), by id.
    func forgottenCheckIns(at now: Date, defaultGraceMinutes: Int, limit: Int) throws -> [CheckIn]
    /// An activity's check-ins by id.
    func checkIns(activityId: Int64, after: Int64?, limit: Int) throws -> [CheckIn]
    /// Every check-in, by id.
    func checkIns(after: Int64?, limit: Int) throws -> [CheckIn]
    /// Those of `recordIds` whose record came from a self check-in flagged as off site.
    func offSiteRecordIds(among recordIds: [Int64]) throws -> Set<Int64>
}

public protocol CheckInWriter {
    /// Stores a new open check-in; a volunteer has at most one open check-in, by database constraint.
    func insert(_ checkIn: CheckIn) throws -> CheckIn
    /// Stores the check-out or cancellation of an open check-in (state, closing time and actor, record, reason).
    func close(_ checkIn: CheckIn) throws
    /// Keeps the id and the closing (state, time, actor, record, reason), for copying a ledger between backends.
    func restore(_ checkIn: CheckIn) throws
}
