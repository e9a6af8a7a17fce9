import Foundation

/// The policies of the throttles on codes people type besides passwords. Each has its own `LoginThrottle`
/// (`Ledger.attendanceThrottle`, `Ledger.invitationThrottle`): the narrow key in the `account` slot, the wide one in
/// the `address` slot, each with a prefix naming what it is.
extension LoginThrottle.Policy {
    /// Wrong attendance codes (and refusals away from a site) of one volunteer: five free tries, then 1 s doubling up to
    /// 5 minutes. Only the volunteer slows themselves down.
    public static let attendancePerVolunteer = LoginThrottle.Policy(freeAttempts: 5, firstDelay: 1, maxDelay: 5 * 60, forgetAfter: 30 * 60)
    /// Wrong attendance codes at one activity, from anyone: a crowd shares the screen, so thirty free tries, and the
    /// delay stops at 10 s so one guesser cannot hold the crowd back for long. Even then a guesser gets about six tries
    /// a minute against 10⁸ codes (two valid at a time).
    public static let attendancePerActivity = LoginThrottle.Policy(freeAttempts: 30, firstDelay: 1, maxDelay: 10, forgetAfter: 10 * 60)
    /// Wrong document numbers (or a code no longer usable) for one invitation code: five free tries, then 1 s doubling
    /// up to an hour, remembered for a day; the code lives seven days.
    public static let invitationPerCode = LoginThrottle.Policy(freeAttempts: 5, firstDelay: 1, maxDelay: 3600, forgetAfter: 24 * 3600)
    /// Wrong invitation codes or document numbers from one client address: ten free tries, then 1 s doubling up to
    /// 15 minutes.
    public static let invitationPerAddress = LoginThrottle.Policy(freeAttempts: 10, firstDelay: 1, maxDelay: 15 * 60, forgetAfter: 3600)
}

/// The keys of the throttles, so that two kinds of key never meet in one map.
enum GuessKey {
    static func volunteer(_ id: Int64) -> String { "volunteer:\(id)" }
    static func activity(_ id: Int64) -> String { "activity:\(id)" }
    /// An invitation code by the hash of its normalized form (the code itself is not kept).
    static func invitation(codeHash: String) -> String { "invitation:\(codeHash.prefix(40))" }
    static func address(_ address: String?) -> String? { address.map { "address:\($0.prefix(64))" } }
}
