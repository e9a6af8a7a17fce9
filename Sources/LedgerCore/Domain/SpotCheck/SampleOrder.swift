import Foundation

/// One member of a frozen spot-check population: its canonical id, the organization it belongs to (the
/// stratum, by credit code), its sampling weight and its stage (1, or 2 for the records within sampled
/// organizations).
public struct PopulationMember: Sendable, Hashable, Codable {
    public var id: String
    public var stratum: String
    /// 1 when the campaign is unweighted; minutes times the risk factor otherwise.
    public var weight: Int
    public var stage: Int

    public init(id: String, stratum: String, weight: Int = 1, stage: Int = 1) {
        self.id = id
        self.stratum = stratum
        self.weight = weight
        self.stage = stage
    }

    /// The member's line in the published population text: `id TAB stratum TAB weight TAB stage`.
    public var line: String { "\(id)\t\(stratum)\t\(weight)\t\(stage)" }

    public init?(line: String) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 4, let weight = Int(fields[2]), let stage = Int(fields[3]) else { return nil }
        self.init(id: String(fields[0]), stratum: String(fields[1]), weight: weight, stage: stage)
    }
}

/// The orders in which a seed ranks ids: by consistent-sampler ticket, or by weighted key.
public enum SampleOrder {
    /// A member's place in the order: its position in the input and its generation-1 ticket.
    public struct Ranked: Sendable, Hashable {
        public var index: Int
        public var ticket: String
        /// `-ln(U) / weight` for weighted orders, nil otherwise.
        public var weightedKey: Double?
    }

    /// Every id, lowest ticket first (as `consistent-sampler` draws without replacement).
    public static func byTicket(_ ids: [String], sampler: ConsistentSampler) throws(SamplingError) -> [Ranked] {
        try sampler.lowest(ids.count, of: ids).map { Ranked(index: $0.index, ticket: $0.ticket, weightedKey: nil) }
    }

    /// Every id, lowest weighted key first: key = -ln(U) / weight, where U is the id's generation-1 ticket
    /// number read as the nearest IEEE double. Heavier ids tend to come first (probability proportional
    /// to weight, sequentially, without replacement: Efraimidis and Spirakis' exponential keys). Ties,
    /// which practically never happen, go by ticket string, then id.
    public static func byWeightedKey(_ ids: [String], weights: [Int], sampler: ConsistentSampler) throws(SamplingError) -> [Ranked] {
        var seen = Set<ByteString>()
        var ranked: [Ranked] = []
        ranked.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard seen.insert(ByteString(id)).inserted else { throw .duplicateId(id) }
            guard weights[index] > 0 else { throw .invalidWeight(id: id) }
            let ticket = sampler.firstTicket(id)
            ranked.append(Ranked(index: index, ticket: ticket,
                                 weightedKey: weightedKey(ticket: ticket, weight: weights[index])))
        }
        ranked.sort { a, b in
            if a.weightedKey! != b.weightedKey! { return a.weightedKey! < b.weightedKey! }
            if a.ticket != b.ticket { return Array(a.ticket.utf8).lexicographicallyPrecedes(Array(b.ticket.utf8)) }
            return Array(ids[a.index].utf8).lexicographicallyPrecedes(Array(ids[b.index].utf8))
        }
        return ranked
    }

    /// `-ln(U) / weight` with U = `Double(ticket)`.
    public static func weightedKey(ticket: String, weight: Int) -> Double {
        -Foundation.log(Double(ticket) ?? 1) / Double(weight)
    }
}

/// A string compared and hashed by its UTF-8 bytes, as Python compares ids (Swift's `==` on strings
/// identifies canonically equivalent spellings such as NFC and NFD "café").
struct ByteString: Hashable {
    let bytes: [UInt8]
    init(_ string: String) { bytes = Array(string.utf8) }
}
