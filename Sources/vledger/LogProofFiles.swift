import ArgumentParser
import Foundation
import LedgerApp
import LedgerCertificates
import LedgerCore

/// C2SP tlog-proof files of certificates: written beside a PDF by `vledger issue --tlog-proof`, checked offline by
/// `vledger verify --checkpoint`.
enum LogProofFiles {
    /// The log's note signer from the key file (the same key the server signs with), for the configured origin.
    static func signer(_ configuration: AppConfiguration) throws -> NoteSigner {
        try CertificateKeyFile.logSigner(path: configuration.effectiveKeysFile, origin: configuration.effectiveLogOrigin)
    }

    /// Sequences the log, signs a checkpoint with `signer`, and writes the proof of `serial`'s issuance to `path`.
    static func write(serial: String, to path: String, ledger: Ledger, signer: NoteSigner) async throws {
        var ledger = ledger
        let log = LogPublisher(store: ledger.store, signer: signer)
        try await log.refresh()
        ledger.transparencyLog = log
        let proof = try await ledger.certificateLogProof(serial: serial)
        try Data(proof.text.utf8).write(to: URL(fileURLWithPath: path))
        print("log proof (c2sp.org/tlog-proof@v1) written to \(path): entry \(proof.index) of the log \(log.origin); "
              + "check it offline with `vledger verify TOKEN --checkpoint \(path) --log-key '\(log.verifier.encoded)'`")
    }

    /// Checks offline that the certificate whose token is in `input` was logged: the proof's checkpoint is signed by
    /// `logKey` (the key text, or a file holding it) and includes the issuance entry of exactly this token.
    static func check(token: String, proofPath: String, logKey: String, witnessKeys: [String] = [], witnessQuorum: Int? = nil) throws {
        let keyText = FileManager.default.fileExists(atPath: logKey)
            ? try String(contentsOfFile: logKey, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) : logKey
        let verifier: NoteVerifier
        do { verifier = try NoteVerifier(encoded: keyText) } catch {
            throw ValidationError("--log-key is not a log verifier key (name+hash+base64, as /log/vkey serves it): \(error)")
        }
        var witnesses: [CosignatureVerifier] = []
        for key in witnessKeys {
            do { witnesses.append(try CosignatureVerifier(encoded: key)) } catch {
                throw ValidationError("--witness-key \(key.prefix(60)) is not a witness's cosigner key (name+hash+base64): \(error)")
            }
        }
        let quorum = witnessQuorum ?? witnesses.count
        guard (0...witnesses.count).contains(quorum) else {
            throw ValidationError("--witness-quorum must be from 0 to the \(witnesses.count) --witness-key given")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: proofPath)) } catch {
            throw ValidationError("--checkpoint \(proofPath): cannot read the file")
        }
        guard data.count <= TLogProof.maximumBytes else {
            throw ValidationError("--checkpoint \(proofPath): larger than \(TLogProof.maximumBytes) bytes, not a tlog-proof")
        }
        switch Result(catching: { () throws(TLogProofError) -> String in try Self.describeVerified(token: token, proofText: String(decoding: data, as: UTF8.self), logKey: verifier, witnesses: witnesses, quorum: quorum) }) {
        case .success(let line):
            print(line)
        case .failure(let failure):
            print("日志证明无效 / Log proof INVALID: \(failure.description)")
            throw ExitCode(1)
        }
    }

    /// What a proof that verifies shows.
    static func describeVerified(token: String, proofText: String, logKey: NoteVerifier, witnesses: [CosignatureVerifier],
                                 quorum: Int) throws(TLogProofError) -> String {
        let proof = try TLogProof(text: proofText)
        let (entry, checkpoint, cosigners) = try proof.verifyIssuance(of: token, logKey: logKey, witnesses: witnesses, quorum: quorum)
        return "已记入透明日志 / Logged: issuance of \(entry.serial.flatMap { CertificateSerial($0)?.grouped } ?? "?") "
            + "at \(entry.at) is entry \(proof.index) of \(checkpoint.origin), proven in its signed checkpoint of size \(checkpoint.size)"
            + (witnesses.isEmpty ? "" : "; cosigned by " + (cosigners.isEmpty ? "no given witness" : cosigners.map(\.name).joined(separator: ", ")))
    }
}
