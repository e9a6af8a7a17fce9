import Crypto
import Foundation

/// Where a volunteer's hour claim stands.
public enum HoursClaimState: String, Codable, Sendable, CaseIterable {
    /// Awaiting staff of the activity's organization; counts nowhere.
    case pending
    /// Approved: its record was stored (source `claim`).
    case approved
    /// Rejected with a reason; nothing was stored.
    case rejected
}

/// Who started a claim.
public enum ClaimOrigin: String, Codable, Sendable, CaseIterable {
    /// The volunteer asked for the hours.
    case volunteer
    /// The server closed a check-in nobody checked out, at the activity's end: the stay waits for staff to confirm it.
    case autoClose = "auto_close"
}

/// How staff decide a claim.
public enum ClaimDecision: String, Codable, Sendable, CaseIterable {
    case approve, reject
}

/// A volunteer's claim for hours nothing recorded (补录申请): a forgotten sign-in, an activity run on paper; or the
/// stay of a check-in nobody checked out, closed by the server at the activity's end. A volunteer's claim is checked
/// against every record rule when submitted, every claim again when approved, and it counts only once approved.
public struct HoursClaim: Sendable, Hashable, Codable {
    public var id: Int64
    public var activityId: Int64
    public var organizationId: Int64
    public var volunteerId: Int64
    public var startAt: Date
    public var endAt: Date
    public var minutes: Int
    public var note: String
    /// The SHA-256 (hex) of the photo or scan of the paper sign-in sheet, if one was attached.
    public var evidenceHash: String?
    /// Submitted after the recording deadline: marked so for the reviewer, and the record will be late.
    public var isLate: Bool
    public var state: HoursClaimState
    public var submittedAt: Date
    public var decidedAt: Date?
    public var decidedBy: Int64?
    /// Why it was rejected.
    public var reason: String?
    /// The record its approval stored.
    public var recordId: Int64?
    public var origin: ClaimOrigin
    /// The check-in an automatic close turned into this claim.
    public var checkInId: Int64?
    /// What the volunteer asked to correct while it was pending (e.g. when they really left).
    public var correction: String?

    public init(id: Int64, activityId: Int64, organizationId: Int64, volunteerId: Int64, startAt: Date, endAt: Date, minutes: Int,
                note: String, evidenceHash: String?, isLate: Bool, state: HoursClaimState = .pending, submittedAt: Date,
                decidedAt: Date? = nil, decidedBy: Int64? = nil, reason: String? = nil, recordId: Int64? = nil,
                origin: ClaimOrigin = .volunteer, checkInId: Int64? = nil, correction: String? = nil) {
        self.id = id
        self.activityId = activityId
        self.organizationId = organizationId
        self.volunteerId = volunteerId
        self.startAt = startAt
        self.endAt = endAt
        self.minutes = minutes
        self.note = note
        self.evidenceHash = evidenceHash
        self.isLate = isLate
        self.state = state
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.recordId = recordId
        self.origin = origin
        self.checkInId = checkInId
        self.correction = correction
    }
}

/// An image attached to a claim, stored once by its content hash.
public struct ClaimEvidence: Sendable, Hashable {
    public var hash: String
    public var contentType: String
    public var bytes: [UInt8]

    /// At most this many bytes.
    public static let maximumSize = 2 << 20

    public init(hash: String, contentType: String, bytes: [UInt8]) {
        self.hash = hash
        self.contentType = contentType
        self.bytes = bytes
    }

    /// An uploaded file as evidence: PNG, JPEG or WebP by its first bytes (whatever the name or declared type says),
    /// within the size limit and declaring sane dimensions (`ImageDimensions`).
    public static func checked(_ bytes: [UInt8]) throws(LedgerError) -> ClaimEvidence {
        guard bytes.count <= maximumSize else { throw LedgerError.uploadTooLarge(limitBytes: maximumSize) }
        let type: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            type = "image/png"
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            type = "image/jpeg"
        } else if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            type = "image/webp"
        } else {
            throw LedgerError.invalidField(field: "evidence", reason: "须为 PNG、JPEG 或 WebP 图片 / must be a PNG, JPEG or WebP image")
        }
        guard let size = ImageDimensions.read(bytes) else {
            throw LedgerError.invalidField(field: "evidence", reason: "无法读取图片尺寸，文件可能已损坏 / the image's size cannot be read; the file may be damaged")
        }
        guard size.isSane else {
            let limit = "\(ImageDimensions.maximumSide)"
            throw LedgerError.invalidField(field: "evidence", reason: "图片 \(size.width)×\(size.height) 像素过大：每边至多 \(limit) 像素、共至多 4000 万像素 / "
                + "the image is \(size.width)×\(size.height) pixels: at most \(limit) a side and 40 megapixels in all")
        }
        return ClaimEvidence(hash: SHA256.hash(data: bytes).hexString, contentType: type, bytes: bytes)
    }
}
