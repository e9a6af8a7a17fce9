import Foundation

/// Recruitments and sign-ups in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol RecruitmentReader {
    func recruitment(activityId: Int64) throws -> Recruitment?
    /// Recruitments taking sign-ups that `filter` selects, by activity id.
    func openRecruitments(_ filter: OpenActivityFilter, after activityId: Int64?, limit: Int) throws -> [Recruitment]
    /// Every recruitment, by activity id.
    func recruitments(after activityId: Int64?, limit: Int) throws -> [Recruitment]
    func signUp(id: Int64) throws -> SignUp?
    /// The volunteer's pending, confirmed or waiting sign-up for the activity.
    func activeSignUp(activityId: Int64, volunteerId: Int64) throws -> SignUp?
    /// An activity's sign-ups by id.
    func signUps(activityId: Int64, after: Int64?, limit: Int) throws -> [SignUp]
    /// A volunteer's sign-ups by id.
    func signUps(volunteerId: Int64, after: Int64?, limit: Int) throws -> [SignUp]
    /// Every sign-up, by id.
    func signUps(after: Int64?, limit: Int) throws -> [SignUp]
    /// The activity's sign-ups holding a place (pending or confirmed) and waiting.
    func signUpCounts(activityId: Int64) throws -> (placesTaken: Int, waiting: Int)
    /// The activity's waiting sign-ups, first signed up first.
    func waitingSignUps(activityId: Int64, limit: Int) throws -> [SignUp]
}

public protocol RecruitmentWriter {
    /// Serializes sign-ups of one activity across processes until the transaction ends, so that places are
    /// counted once (SQLite has one writer; PostgreSQL takes an advisory lock).
    func lockActivity(id: Int64) throws
    /// Opens the activity for sign-up, or changes its recruitment.
    func save(_ recruitment: Recruitment) throws
    /// Stores a new sign-up; a volunteer has at most one active sign-up per activity, by database constraint.
    func insert(_ signUp: SignUp) throws -> SignUp
    /// Stores a sign-up's new state, time, actor and reason.
    func update(_ signUp: SignUp) throws
    /// Keeps the id, for copying a ledger between backends.
    func restore(_ signUp: SignUp) throws
}
