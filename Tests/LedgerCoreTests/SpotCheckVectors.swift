import Foundation
import Testing

/// Reference vectors written by `scripts/make_sampling_vectors.py` with the PyPI packages
/// `consistent-sampler` and `scipy` (Tests/SpotCheckVectors/spot-check-vectors.json).
struct SpotCheckVectors: Decodable {
    struct Sampling: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var seed: String
        var ids: [String]
        var withReplacement: Bool
        var take: Int
        var sample: [String]
        var testDescription: String { name }
    }
    struct FirstTicket: Decodable, Sendable { var seed: String; var id: String; var ticket: String }
    struct NextTicket: Decodable, Sendable { var ticket: String; var next: String }
    struct Trim: Decodable, Sendable { var ticket: String; var digits: Int; var trimmed: String }
    struct Weighted: Decodable, Sendable { var seed: String; var ids: [String]; var weights: [Int]; var take: Int; var sample: [String] }
    struct Stratified: Decodable, Sendable {
        var seed: String; var ids: [String]; var strata: [String]; var size: Int; var allocation: [Int]
        var strataOrder: [String]; var sample: [String]
    }
    struct SampleSize: Decodable, Sendable {
        var tolerable: Double; var confidence: Double; var expected: Int; var population: Int
        var binomial: Int; var hypergeometric: Int
    }
    struct UpperBound: Decodable, Sendable {
        var n: Int; var k: Int; var confidence: Double; var binomialUpper: Double
        var population: Int; var hypergeometricUpperCount: Int
    }
    struct Interval: Decodable, Sendable {
        var n: Int; var k: Int; var confidence: Double; var clopperPearson: [Double]; var wilson: [Double]
    }

    var sampling: [Sampling]
    var firstTickets: [FirstTicket]
    var nextTickets: [NextTicket]
    var trim: [Trim]
    var weighted: [Weighted]
    var stratified: [Stratified]
    var sampleSizes: [SampleSize]
    var upperBounds: [UpperBound]
    var intervals: [Interval]
    var normalQuantile975: Double

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SpotCheckVectors/spot-check-vectors.json")

    static let shared: SpotCheckVectors = {
        do {
            return try JSONDecoder().decode(SpotCheckVectors.self, from: Data(contentsOf: file))
        } catch {
            fatalError("cannot read \(file.path): \(error)")
        }
    }()
}
