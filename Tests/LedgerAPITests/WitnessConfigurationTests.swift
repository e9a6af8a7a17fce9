import Foundation
import LedgerApp
import LedgerCore
import Testing

/// The log server's witnesses and quorum, from flags (repeated flags arrive comma-joined), the environment or the file.
@Suite struct WitnessConfigurationTests {
    static let bureau = try! CosignatureSigner.generate(name: "witness.bureau.test").verifier.encoded
    static let city = try! CosignatureSigner.generate(name: "witness.city.test").verifier.encoded

    @Test func witnessesAndQuorumAreRead() throws {
        let none = try AppConfiguration.load(environment: [:])
        #expect(none.witnesses.isEmpty && none.witnessQuorum == 0)
        let configuration = try AppConfiguration.load(
            flags: ["witness": "https://w.bureau.test/ \(Self.bureau),http://127.0.0.1:7380 \(Self.city)", "witness-quorum": "2"], environment: [:])
        #expect(configuration.witnesses.map(\.url) == ["https://w.bureau.test", "http://127.0.0.1:7380"])
        #expect(configuration.witnesses.map(\.key.encoded) == [Self.bureau, Self.city])
        #expect(configuration.witnessQuorum == 2)
        let fromEnvironment = try AppConfiguration.load(environment: ["VLEDGER_WITNESSES": "https://w.bureau.test \(Self.bureau)",
                                                                      "VLEDGER_WITNESS_QUORUM": "1"])
        #expect(fromEnvironment.witnesses.count == 1 && fromEnvironment.witnessQuorum == 1)
        #expect(fromEnvironment.printed.contains("witness = https://w.bureau.test \(Self.bureau)"))
    }

    @Test func badWitnessesAreRefusedByName() {
        let refused: [[String: String]] = [
            ["witness": Self.bureau],                                                   // no URL
            ["witness": "ftp://w.test \(Self.bureau)"],                                 // not http(s)
            ["witness": "https://w.test \(try! NoteSigner.generate(name: "n").verifier.encoded)"],  // a note key, not a cosigner key
            ["witness": "https://w.test \(Self.bureau)", "witness-quorum": "2"],        // quorum above the witnesses
            ["witness-quorum": "1"],                                                    // quorum without witnesses
            ["witness": "https://a.test \(Self.bureau),https://b.test \(Self.bureau)"], // one key twice
        ]
        for flags in refused {
            do {
                _ = try AppConfiguration.load(flags: flags, environment: [:])
                Issue.record("accepted \(flags)")
            } catch {
                #expect("\(error)".contains("witness"), "\(error)")
            }
        }
    }
}
