import ArgumentParser
import Crypto
import Foundation
import LedgerCore

/// Draws a sample from N synthetic ids (record ids 1...N) and, in the same run, computes N plain SHA-256
/// hashes of the same inputs (`hex(SHA-256(seed)) + id`), and prints both times.
struct BenchSpotCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spot-check",
                                                    abstract: "Consistent sampling from N ids against N plain SHA-256 hashes.")

    @Option(help: "Number of ids in the population.") var ids = 10_000_000
    @Option(help: "Sample size.") var size = 1000
    @Option(help: "Seed.") var seed = "01382438112797316654"

    func run() async throws {
        guard ids > 0, size > 0 else { throw ValidationError("--ids and --size must be positive") }
        let sampler = ConsistentSampler(seed: seed)
        let prefix = Array(sampler.seedHash.utf8)

        let hashStart = ContinuousClock.now
        var checksum: UInt8 = 0
        var input: [UInt8] = []
        input.reserveCapacity(96)
        for index in 1...ids {
            input.removeAll(keepingCapacity: true)
            input.append(contentsOf: prefix)
            input.append(contentsOf: String(index).utf8)
            let digest = SHA256.hash(data: input)
            checksum ^= digest.withUnsafeBytes { $0[0] }
        }
        let hashSeconds = (ContinuousClock.now - hashStart).seconds

        let ticketStart = ContinuousClock.now
        var lowestKey = UInt64.max
        for index in 1...ids { lowestKey = min(lowestKey, sampler.ticketKey(String(index))) }
        let ticketSeconds = (ContinuousClock.now - ticketStart).seconds

        let drawStart = ContinuousClock.now
        let drawn = try sampler.lowest(size, of: ids) { String($0 + 1) }
        let drawSeconds = (ContinuousClock.now - drawStart).seconds

        print("population: \(ids) ids (record ids 1...\(ids)), sample: \(size), seed: \(seed)")
        print(String(format: "SHA-256 of every id (plain hashes):       %.2f s, %.0f hashes/s (checksum %02x)",
                     hashSeconds, Double(ids) / hashSeconds, checksum))
        print(String(format: "tickets alone (SHA-256 + 19-digit key):   %.2f s (lowest key %019llu)", ticketSeconds, lowestKey))
        print(String(format: "consistent sampling (tickets, duplicate check, lowest %d): %.2f s, %.0f ids/s",
                     size, drawSeconds, Double(ids) / drawSeconds))
        print(String(format: "sampling / hashing: %.2f", drawSeconds / hashSeconds))
        print("first drawn: \(drawn.prefix(5).map(\.id).joined(separator: ", "))")
        print("peak resident memory: \(ResourceUsage.peakResidentMiB()) MiB")
    }
}
