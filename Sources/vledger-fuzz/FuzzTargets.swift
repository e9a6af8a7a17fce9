import Dispatch
import Foundation
import LedgerCertificates
import LedgerCore
import LedgerForms

/// libFuzzer targets for the parsers that read what strangers send: the CSV decoder and reader, the certificate
/// token (JWS) parser and verifier, the serial parser, the identity-number checks, the transparency log's tile paths,
/// the web pages' form bodies and the image headers of claim photos. Each checks an invariant besides "no crash".
/// `VLEDGER_FUZZ_TARGET` picks the target (csv, token, serial, identity, tile, form, image).
///
/// Built with the Fuzzing trait (`make fuzz`), libFuzzer's driver runs the target. Built
/// normally, this is a replayer: `vledger-fuzz TARGET FILE...` runs each file through the target once, so the
/// seed corpus and any crash found are regression inputs of an ordinary build.
enum FuzzTargets {
    static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "csv": csv(bytes)
        case "token": token(bytes)
        case "serial": serial(bytes)
        case "identity": identity(bytes)
        case "tile": tile(bytes)
        case "form": form(bytes)
        case "image": image(bytes)
        default: fatalError("unknown fuzz target \(target): use csv, token, serial, identity, tile, form or image")
        }
    }

    /// Reads every row, or stops at a CSVError; rows come in order of their lines, and no row breaks the limits.
    static func csv(_ bytes: [UInt8]) {
        do {
            var reader = try CSVReader(bytes: bytes)
            var lastLine = 0
            while let row = try reader.next() {
                precondition(row.lineNumber > lastLine, "rows out of order: line \(row.lineNumber) after \(lastLine)")
                precondition(row.fields.count <= ImportLimits.maxColumns, "a row over the column limit")
                lastLine = row.lineNumber
                precondition(reader.bytesRead <= bytes.count, "read past the end")
            }
        } catch {
            precondition(error.lineNumber.map { $0 >= 1 } ?? true, "an error on line \(error.lineNumber ?? 0)")
            precondition(error.description.utf8.count < 2048, "an error message of \(error.description.utf8.count) bytes")
        }
    }

    /// A genuine token and the keyring that signed it, made once per process.
    nonisolated(unsafe) static var keyed: (keyring: CertificateKeyring, token: String)?

    static func genuine() -> (keyring: CertificateKeyring, token: String) {
        if let keyed { return keyed }
        let made = blocking {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-fuzz-\(getpid())-keys.json").path
            try? FileManager.default.removeItem(atPath: path)
            let keyring = try await CertificateKeyring(path: path, refreshInterval: .seconds(3600))
            let claims = CertificateClaims(serial: CertificateSerial.random(.seeded(7)).value, volunteerName: "张*", volunteerNumber: "V0000001",
                                           issuerCode: "platform", period: nil, minutes: 120, issuedAt: 1_780_000_000, statusIndex: 5)
            return (keyring, try await keyring.sign(claims).token)
        }
        keyed = made
        return made
    }

    /// The first byte picks how the rest becomes a token: 0 as typed; 1 spliced into a genuine token at a position
    /// the next byte names; 2 replacing the genuine token's last characters; 3 replacing one character at a
    /// position the next two bytes name. So the fuzzer explores near-misses of a real signature, the unused bits
    /// of its last character among them. Only the genuine token may verify.
    static func token(_ bytes: [UInt8]) {
        let (keyring, real) = genuine()
        var utf8 = Array(real.utf8)
        let rest = Array(bytes.dropFirst())
        switch (bytes.first ?? 0) % 4 {
        case 1 where rest.count >= 1:
            let at = Int(rest[0]) * utf8.count / 256
            let patch = rest.dropFirst()
            utf8.replaceSubrange(at..<min(utf8.count, at + patch.count), with: patch)
        case 2:
            utf8.replaceSubrange(max(0, utf8.count - rest.count)..<utf8.count, with: rest.suffix(utf8.count))
        case 3 where rest.count >= 3:
            utf8[(Int(rest[0]) << 8 | Int(rest[1])) % utf8.count] = rest[2]
        default:
            utf8 = rest
        }
        let text = String(decoding: utf8, as: UTF8.self)
        let input = text
        let check = blocking { await keyring.check(input) }
        if case .verified = check { precondition(text == real, "a changed token verified: \(text.prefix(200))") }
        let extracted = CertificateTokenInput.token(in: text)
        precondition(extracted.utf8.count <= text.utf8.count, "the token found is longer than the input")
    }

    /// A parsed serial prints in its grouped form and parses back to itself.
    static func serial(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let serial = CertificateSerial(text) else { return }
        precondition(CertificateSerial(serial.grouped)?.value == serial.value, "\(serial.grouped) does not parse back")
        precondition(CertificateSerial(serial.value)?.value == serial.value)
    }

    /// A resident ID that validates carries its own check character, a real birth date not after today, and
    /// validates again in its normalized form.
    static func identity(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let today = LocalDate(year: 2026, month: 12, day: 1)!
        if let id = try? ResidentIDNumber(text, today: today) {
            precondition(id.value.count == 18, "\(id.value) is not 18 characters")
            precondition(ResidentIDNumber.checkCharacter(for: String(id.value.prefix(17))) == id.value.last, "bad check character")
            precondition(id.birthDate <= today)
            precondition((try? ResidentIDNumber(id.value, today: today)) == id)
        }
        for type in DocumentType.allCases {
            if let document = try? IdentityDocument.validated(type: type, number: text, today: today) {
                precondition((try? IdentityDocument.validated(type: type, number: document.number, today: today))?.number == document.number,
                             "\(type) \(document.number) does not validate again")
                precondition(!Masking.documentNumber(document.number).isEmpty || document.number.isEmpty)
            }
        }
    }

    /// A tile path parses only in its canonical spelling (it prints back as given) and ends inside the largest tree.
    static func tile(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let tile = TilePath(text.split(separator: "/", omittingEmptySubsequences: false)) else { return }
        precondition(tile.path == text, "\(text.prefix(100)) parsed as \(tile.path)")
        precondition(tile.endLeaf > 0 && tile.endLeaf <= TilePath.maximumTreeSize, "tile \(tile.path) ends at \(tile.endLeaf)")
    }

    /// The first byte picks the body's type (urlencoded, or multipart with the boundary "b"); the form stays within its
    /// bounds, and a form that parses has the same fields when parsed again.
    static func form(_ bytes: [UInt8]) {
        let type = (bytes.first ?? 0) % 2 == 0 ? "application/x-www-form-urlencoded" : "multipart/form-data; boundary=b"
        let body = Array(bytes.dropFirst())
        guard let form = try? FormData.parse(body, contentType: type) else { return }
        precondition(form.count <= FormData.maximumFields, "\(form.count) fields")
        precondition(form.files.values.allSatisfy { $0.bytes.count <= body.count }, "a file larger than the body")
        let again = try? FormData.parse(body, contentType: type)
        precondition(again?.fields == form.fields, "parsing is not deterministic")
    }

    /// A claim photo's header: its dimensions are read or not, never negative; evidence is taken only with sane
    /// dimensions, and refused naming the photo's field.
    static func image(_ bytes: [UInt8]) {
        let size = ImageDimensions.read(bytes)
        if let size { precondition(size.width >= 0 && size.height >= 0, "\(size.width)×\(size.height)") }
        do {
            let evidence = try ClaimEvidence.checked(bytes)
            precondition(size?.isSane == true, "evidence taken with dimensions \(String(describing: size))")
            precondition(evidence.bytes == bytes, "evidence changed")
        } catch {
            precondition(["evidence", "file"].contains(error.field ?? ""), "refused without its field: \(error)")
        }
    }

    /// Runs async work to completion from the fuzzer's synchronous callback.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> T {
        nonisolated(unsafe) var result: Result<T, any Error>?
        let done = DispatchSemaphore(value: 0)
        Task {
            do { result = .success(try await work()) } catch { result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch result! {
        case .success(let value): return value
        case .failure(let error): fatalError("fuzz setup failed: \(error)")
        }
    }
}

#if Fuzzing
nonisolated(unsafe) private var fuzzTarget = "csv"

/// libFuzzer's driver; SwiftPM names the executable's entry point, so `main` below hands over to it.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct FuzzDriver {
    static func main() {
        fuzzTarget = ProcessInfo.processInfo.environment["VLEDGER_FUZZ_TARGET"] ?? "csv"
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
}

/// One input, as libFuzzer's own `main` (linked in, though unused) expects it to be named.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.run(fuzzTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
@main
struct FuzzReplay {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let target = arguments.first, arguments.count >= 2 else {
            print("usage: vledger-fuzz csv|token|serial|identity|tile|form FILE-OR-FOLDER...")
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let files = isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { (path as NSString).appendingPathComponent($0) }
                : [path]
            for file in files {
                FuzzTargets.run(target, Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("\(target): \(count) inputs replayed, no invariant broken")
    }
}
#endif
