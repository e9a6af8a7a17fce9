import Crypto
import Foundation

/// The tamper-evident chain over an organization's record revisions: each digest covers the previous one.
public enum AuditChain {
    /// SHA-256 (hex) of the previous digest and a canonical encoding of the revision.
    public static func digest(previous: String, organizationId: Int64, volunteerId: Int64, activityId: Int64,
                              revision r: RecordRevision) -> String {
        let fields: [String] = [
            "vledger-revision-v1", previous, String(organizationId), String(r.chainSequence),
            String(r.recordId), String(r.revision), r.kind.rawValue, String(volunteerId), String(activityId),
            String(Int64(r.startAt.timeIntervalSince1970)), String(Int64(r.endAt.timeIntervalSince1970)),
            String(r.minutes), r.note, r.reason, r.actorId.map(String.init) ?? "-",
            String(Int64(r.at.timeIntervalSince1970)),
        ]
        // Length-prefix every field so that no two different revisions encode alike.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return SHA256.hash(data: Data(canonical.utf8)).hexString
    }

    /// Fills in the chain fields of `revision` as the link after `head`, returning the new head.
    public static func link(_ revision: inout RecordRevision, after head: ChainHead, organizationId: Int64,
                            volunteerId: Int64, activityId: Int64) -> ChainHead {
        revision.chainSequence = head.sequence + 1
        revision.digest = digest(previous: head.digest, organizationId: organizationId, volunteerId: volunteerId,
                                 activityId: activityId, revision: revision)
        return ChainHead(sequence: revision.chainSequence, digest: revision.digest)
    }
}

extension Sequence<UInt8> {
    /// Lowercase hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(64)
        for byte in self {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}
