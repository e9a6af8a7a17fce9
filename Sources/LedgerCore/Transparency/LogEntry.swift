import Crypto
import Foundation

/// One ledger event as the public transparency log holds it. Its bytes are canonical JSON: keys sorted, UTF-8, no
/// insignificant white space, times in UTC seconds (RFC 3339), absent fields left out; only ids, kinds, times and the
/// digests of the data it commits to, never a name, document number or phone in clear.
public struct LogEntry: Sendable, Hashable, Codable {
    public enum Event: String, Codable, Sendable, CaseIterable {
        /// A record revision (created, corrected, voided), committing to its audit-chain digest.
        case recordRevision = "record_revision"
        /// A certificate issued, committing to its signed token.
        case certificateIssued = "certificate_issued"
        /// A certificate revoked; the reason stays on the platform.
        case certificateRevoked = "certificate_revoked"
        /// An organization registered, committing to its credit code, name and region.
        case organizationCreated = "organization_created"
        /// A spot check's population frozen, committing to its population digest, before any seed is known.
        case spotCheckFrozen = "spot_check_frozen"
        /// A spot check's seed entered and its sample drawn, committing to the seed.
        case spotCheckDrawn = "spot_check_drawn"
        /// A spot check's inspectors assigned to the drawn units, committing to the assignment list.
        case spotCheckAssigned = "spot_check_assigned"
        /// A spot check's findings published, committing to every finding.
        case spotCheckPublished = "spot_check_published"
        /// The platform's first certificate signing key, committing to its public key.
        case signingKeyAdded = "signing_key_added"
        /// A new certificate signing key replacing the active one (`replaces`), committing to its public key.
        case signingKeyRotated = "signing_key_rotated"
        /// A certificate signing key marked compromised: what it signed no longer verifies.
        case signingKeyCompromised = "signing_key_compromised"
    }

    /// The format version, so that readers can tell later formats apart.
    public var v = 1
    public var event: Event
    public var at: String
    /// The organization concerned; none for a certificate the platform issued.
    public var organization: Int64?
    public var record: Int64?
    /// A certificate's serial.
    public var serial: String?
    /// A spot-check campaign's id.
    public var campaign: Int64?
    /// A certificate signing key's id (its JWK thumbprint, as in the public JWKS).
    public var key: String?
    /// The signing key a rotation retired.
    public var replaces: String?
    public var revision: Int?
    /// What happened to the record: created, corrected, voided.
    public var change: String?
    /// A record entered after the recording deadline (only on its first revision, and only when late).
    public var late: Bool?
    /// The organization's audit-chain position of the revision.
    public var chainSequence: Int64?
    /// The SHA-256 (hex) the entry commits to: for a revision, its audit-chain digest, which covers every field of it and
    /// the chain before it.
    public var digest: String

    /// The entry of a record revision of `organizationId`'s chain.
    public static func revision(_ r: RecordRevision, organizationId: Int64, late: Bool = false) -> LogEntry {
        var entry = LogEntry(event: .recordRevision, at: timestamp(r.at), organization: organizationId, record: r.recordId,
                             revision: r.revision, change: r.kind.rawValue, chainSequence: r.chainSequence, digest: r.digest)
        entry.late = late ? true : nil
        return entry
    }

    /// The entry of an issued certificate.
    public static func issued(_ c: Certificate) -> LogEntry {
        LogEntry(event: .certificateIssued, at: timestamp(c.issuedAt), organization: c.organizationId, serial: c.serial,
                 digest: SHA256.hash(data: Array(c.token.utf8)).hexString)
    }

    /// The entry of a certificate's revocation.
    public static func revoked(_ c: Certificate, at: Date) -> LogEntry {
        LogEntry(event: .certificateRevoked, at: timestamp(at), organization: c.organizationId, serial: c.serial,
                 digest: SHA256.hash(data: Array(c.token.utf8)).hexString)
    }

    /// The entry of a spot check's frozen population.
    public static func frozen(_ c: SpotCheckCampaign) -> LogEntry {
        var entry = LogEntry(event: .spotCheckFrozen, at: timestamp(c.frozenAt ?? c.createdAt), organization: nil, digest: c.populationDigest ?? "")
        entry.campaign = c.id
        return entry
    }

    /// The entry of a spot check's inspector assignment: the digest of its lines "unit inspector position", in that order.
    public static func assigned(_ c: SpotCheckCampaign, _ assignments: [SpotCheckAssignment]) -> LogEntry {
        let lines = assignments.sorted { ($0.unitId, $0.position) < ($1.unitId, $1.position) }
            .map { "\($0.unitId) \($0.inspectorId) \($0.position)\n" }.joined()
        var entry = LogEntry(event: .spotCheckAssigned, at: timestamp(c.assignedAt ?? c.createdAt), organization: nil,
                             digest: SHA256.hash(data: Array(lines.utf8)).hexString)
        entry.campaign = c.id
        return entry
    }

    /// The entry of a spot check's publication: the digest of its findings' lines "item outcome discrepancy minutes", by item.
    public static func published(_ c: SpotCheckCampaign, _ findings: [SpotCheckFinding]) -> LogEntry {
        let lines = findings.sorted { $0.itemId < $1.itemId }.map {
            "\($0.itemId) \($0.outcome.rawValue) \($0.discrepancy?.rawValue ?? "-") \($0.correctedMinutes.map(String.init) ?? "-")\n"
        }.joined()
        var entry = LogEntry(event: .spotCheckPublished, at: timestamp(c.publishedAt ?? c.createdAt), organization: nil,
                             digest: SHA256.hash(data: Array(lines.utf8)).hexString)
        entry.campaign = c.id
        return entry
    }

    /// The entry of a certificate signing key coming into use (`replacing` the key that was active before it, if any)
    /// or marked compromised; the digest is the SHA-256 of its raw Ed25519 public key.
    public static func signingKey(_ kid: String, publicKey: [UInt8], event: Event, at: Date, replacing: String? = nil) -> LogEntry {
        var entry = LogEntry(event: event, at: timestamp(at), organization: nil, digest: SHA256.hash(data: publicKey).hexString)
        entry.key = kid
        entry.replaces = replacing
        return entry
    }

    /// The entry of a spot check's drawn sample.
    public static func drawn(_ c: SpotCheckCampaign) -> LogEntry {
        var entry = LogEntry(event: .spotCheckDrawn, at: timestamp(c.drawnAt ?? c.createdAt), organization: nil,
                             digest: SHA256.hash(data: Array((c.seed ?? "").utf8)).hexString)
        entry.campaign = c.id
        return entry
    }

    /// What others look this entry up by (`logIndex(of:)`), if anything.
    public var subject: String? {
        switch event {
        case .certificateIssued: serial.map(Self.certificateSubject)
        case .spotCheckFrozen: campaign.map { "spot-check/\($0)/frozen" }
        case .spotCheckDrawn: campaign.map { "spot-check/\($0)/drawn" }
        case .spotCheckAssigned: campaign.map { "spot-check/\($0)/assigned" }
        case .spotCheckPublished: campaign.map { "spot-check/\($0)/published" }
        case .signingKeyAdded, .signingKeyRotated: key.map { Self.signingKeySubject($0, compromised: false) }
        case .signingKeyCompromised: key.map { Self.signingKeySubject($0, compromised: true) }
        default: nil
        }
    }

    /// What a signing key's logging is looked up by: "signing-key/KID" (added or rotated in), "signing-key/KID/compromised".
    public static func signingKeySubject(_ kid: String, compromised: Bool) -> String {
        "signing-key/" + kid + (compromised ? "/compromised" : "")
    }

    public static func certificateSubject(_ serial: String) -> String { "certificate/" + serial }

    /// The entry of a registered organization.
    public static func created(_ o: Organization) -> LogEntry {
        let registration = [o.creditCode, o.name, o.regionCode].map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return LogEntry(event: .organizationCreated, at: timestamp(o.createdAt), organization: o.id,
                        digest: SHA256.hash(data: Array(registration.utf8)).hexString)
    }

    /// The canonical bytes the log's leaf hashes.
    public var bytes: [UInt8] {
        // Encoding a value type of strings and integers cannot fail.
        Array((try? Self.encoder.encode(self)) ?? Data())
    }

    /// An entry from its canonical bytes; anything else (other key order, white space, unknown fields) is refused.
    public init(bytes: [UInt8]) throws(NoteError) {
        guard let entry = try? JSONDecoder().decode(LogEntry.self, from: Data(bytes)), entry.bytes == bytes else {
            throw .malformedNote("not a canonical log entry")
        }
        self = entry
    }

    init(event: Event, at: String, organization: Int64?, record: Int64? = nil, serial: String? = nil, revision: Int? = nil,
         change: String? = nil, chainSequence: Int64? = nil, digest: String) {
        self.event = event
        self.at = at
        self.organization = organization
        self.record = record
        self.serial = serial
        self.revision = revision
        self.change = change
        self.chainSequence = chainSequence
        self.digest = digest
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// "2026-06-10T04:00:00Z".
    static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }
}
