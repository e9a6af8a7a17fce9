import Crypto
import Foundation

/// The tamper-evident chain over an organization's record revisions: each digest covers the previous one.
public enum AuditChain {
    /// SHA-256 (hex) of the previous digest and a canonical encoding of the revision: every field as
    /// `LENGTH:VALUE` (length in UTF-8 bytes), joined by newlines, so no two revisions encode alike.
    public static func digest(previous: String, organizationId: Int64, volunteerId: Int64, activityId: Int64,
                              revision r: RecordRevision) -> String {
        var encoding = CanonicalEncoding()
        encoding.append("vledger-revision-v1")
        encoding.append(previous)
        encoding.append(organizationId)
        encoding.append(r.chainSequence)
        encoding.append(r.recordId)
        encoding.append(Int64(r.revision))
        encoding.append(r.kind.rawValue)
        encoding.append(volunteerId)
        encoding.append(activityId)
        encoding.append(Int64(r.startAt.timeIntervalSince1970))
        encoding.append(Int64(r.endAt.timeIntervalSince1970))
        encoding.append(Int64(r.minutes))
        encoding.append(r.note)
        encoding.append(r.reason)
        if let actor = r.actorId { encoding.append(actor) } else { encoding.append("-") }
        encoding.append(Int64(r.at.timeIntervalSince1970))
        return SHA256.hash(data: encoding.bytes).hexString
    }

    /// Length-prefixed fields in one byte buffer (built without intermediate strings: this runs per imported row).
    struct CanonicalEncoding {
        private(set) var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(256) }

        mutating func append(_ text: String) {
            separate()
            appendDecimal(Int64(text.utf8.count))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: text.utf8)
        }

        mutating func append(_ number: Int64) {
            separate()
            var digits: [UInt8] = []
            Self.decimal(number, into: &digits)
            appendDecimal(Int64(digits.count))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: digits)
        }

        private mutating func separate() {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        }

        private mutating func appendDecimal(_ number: Int64) {
            Self.decimal(number, into: &bytes)
        }

        private static func decimal(_ number: Int64, into output: inout [UInt8]) {
            if number < 0 { output.append(UInt8(ascii: "-")) }
            // Most significant digit first, without a scratch buffer (this runs several times per imported row).
            var magnitude = number.magnitude
            var divisor: UInt64 = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            repeat {
                output.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
                magnitude %= divisor
                divisor /= 10
            } while divisor > 0
        }
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
