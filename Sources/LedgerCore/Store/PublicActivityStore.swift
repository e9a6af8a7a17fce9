import Foundation

/// The activities anyone may find (part of `LedgerReader`).
public protocol PublicActivityReader {
    /// Activities open to every volunteer and taking sign-ups that `filter` selects, by deadline then id, after `cursor`.
    /// One statement reading the public recruitments' deadline index from `now` (or the cursor) on.
    func publicActivities(_ filter: PublicActivityFilter, after cursor: PublicActivityCursor?, limit: Int) throws -> [PublicActivity]
    /// An activity that was opened for sign-up (to anyone or to members), with its organization and counts.
    func publicActivity(id: Int64) throws -> PublicActivity?
}
