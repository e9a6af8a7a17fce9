import ArgumentParser
import Foundation
import LedgerApp
import LedgerCertificates
import LedgerCore
import LedgerDocuments

/// Where the certificate keys are and how certificates present themselves.
struct CertificateOptions: ParsableArguments {
    @Option(name: .customLong("keys"),
            help: "Certificate key file (default: $VLEDGER_KEYS_FILE, or vledger-keys.json next to the SQLite database, or data/vledger-keys.json). Created with mode 0600 on first use.")
    var keysFile: String?
    @Option(help: "Public base URL of the verification pages, printed in QR codes (default: $VLEDGER_PUBLIC_BASE_URL, or the address `serve` listens on, or http://127.0.0.1:8080).")
    var publicBaseURL: String?
    @Option(help: "Name the platform issues certificates under (default: $VLEDGER_PLATFORM_NAME or 志愿服务信息平台).")
    var platformName: String?
    @Option(help: "The platform's 统一社会信用代码 (default: $VLEDGER_PLATFORM_CREDIT_CODE; none).")
    var platformCreditCode: String?

    /// The flags given, as `AppConfiguration` settings.
    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["keys"] = keysFile
        flags["public-base-url"] = publicBaseURL
        flags["platform-name"] = platformName
        flags["platform-credit-code"] = platformCreditCode
        return flags
    }

    /// The configuration in effect with these flags and `database`'s.
    func configuration(_ database: DatabaseOptions) throws -> AppConfiguration {
        try AppConfiguration.load(flags: flags.merging(database.flags) { a, _ in a })
    }

    /// The key file path for a ledger at `databaseURL`.
    func keysPath(databaseURL: String) -> String {
        var configuration = (try? AppConfiguration.load(flags: flags)) ?? AppConfiguration()
        configuration.databaseURL = databaseURL
        return configuration.effectiveKeysFile
    }

    func validate() throws {
        let configuration: AppConfiguration
        do { configuration = try AppConfiguration.load(flags: flags) } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if !configuration.platformCreditCode.isEmpty {
            do { _ = try UnifiedSocialCreditCode(configuration.platformCreditCode) } catch {
                throw ValidationError("--platform-credit-code: \(error)")
            }
        }
    }

    /// The settings of a ledger, opening (or creating) the key file.
    func settings(databaseURL: String) async throws -> CertificateSettings {
        var configuration = try AppConfiguration.load(flags: flags)
        configuration.databaseURL = databaseURL
        return try await configuration.certificateSettings()
    }
}

/// Runs `body` with a ledger that can issue and verify certificates.
func withCertificateLedger<T>(_ database: DatabaseOptions, _ options: CertificateOptions,
                              _ body: (Ledger) async throws -> T) async throws -> T {
    let settings = try await options.settings(databaseURL: database.url)
    return try await withLedger(database) { ledger in
        var ledger = ledger
        ledger.certificates = settings
        return try await body(ledger)
    }
}

struct Issue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue a service-record certificate (志愿服务记录证明) as a PDF, or one for every member of an organization.",
        discussion: """
            Without --org the platform issues it for all organizations' records. With --all-members and --org, every member \
            of the organization with records in the period gets a certificate of their own, written to the folder --out as \
            NUMBER-SERIAL.pdf; run again for the same period, it reuses a member's certificate while their records are \
            unchanged and issues a new one when they changed or it was revoked.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var certificateOptions: CertificateOptions
    @Option(help: "Volunteer number (志愿者编号).") var volunteer: String?
    @Flag(help: "Every member of the --org organization with records in the period, one PDF each.") var allMembers = false
    @Option(help: "Issuing organization (统一社会信用代码); its records only.") var org: String?
    @Option(help: "First day, YYYY-MM-DD (default: all time).") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "Where to write the PDF (with --all-members: a folder, created if missing).") var out: String
    @Option(help: "Also write the QR code as PNG here.") var png: String?
    @Option(help: "Language of the PDF: zh (default) or en.") var lang = "zh"
    @Option(help: "Also write the C2SP tlog-proof of the issuance here (e.g. FILE.tlog-proof): the log's signed checkpoint and the inclusion proof, for `vledger verify TOKEN --checkpoint FILE --log-key KEY` offline.")
    var tlogProof: String?

    func validate() throws {
        guard CertificateLanguage(parameter: lang) != nil else {
            throw ValidationError("--lang: \(lang) is not a language of the certificates; use zh or en")
        }
        guard allMembers else {
            if volunteer == nil { throw ValidationError("--volunteer: name the volunteer, or give --all-members with --org") }
            return
        }
        if volunteer != nil { throw ValidationError("--volunteer: give either --volunteer or --all-members, not both") }
        if org == nil { throw ValidationError("--all-members needs --org: the organization (统一社会信用代码) whose members are certified") }
        if png != nil { throw ValidationError("--png: one QR code per PDF is not written with --all-members") }
        if tlogProof != nil { throw ValidationError("--tlog-proof: one proof per PDF is not written with --all-members") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--out: \(out) is not a directory; with --all-members --out names the folder the PDFs go to")
        }
    }

    func run() async throws {
        let language = CertificateLanguage(parameter: lang) ?? .chinese
        if allMembers {
            try await issueToAllMembers(language)
            return
        }
        // The log's key is checked before anything is issued: a key file of another origin refuses here, not after.
        let logSigner = try tlogProof.map { _ in try LogProofFiles.signer(try certificateOptions.configuration(database)) }
        let issued = try await withCertificateLedger(database, certificateOptions) { ledger in
            let organizationId = try await org.asyncMap { try await ledger.organization(creditCode: $0).id }
            return try await ledger.issueCertificate(
                CertificateRequest(volunteerNumber: volunteer, organizationId: organizationId,
                                   from: try from.map(parseDay), to: try to.map(parseDay)),
                by: .localOperator)
        }
        try Data(try CertificatePDF.render(issued, language: language)).write(to: URL(fileURLWithPath: out))
        if let png { try Data(try QRCode(issued.verificationURL).png()).write(to: URL(fileURLWithPath: png)) }
        if let tlogProof, let logSigner {
            try await withLedger(database) { ledger in
                try await LogProofFiles.write(serial: issued.certificate.serial, to: tlogProof, ledger: ledger, signer: logSigner)
            }
        }
        let c = issued.certificate
        print("证明编号 serial \(c.groupedSerial): \(c.volunteerName) (\(c.volunteerNumber)), "
              + "\(HoursFormat.hours(fromMinutes: c.minutes)) 小时 hours in \(c.recordCount) records, issued by \(c.issuerName)")
        print("written to \(out); verify at \(issued.serialURL)")
    }

    /// The batch: one PDF per member with records, named by volunteer number and serial.
    private func issueToAllMembers(_ language: CertificateLanguage) async throws {
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        let from = try from.map(parseDay), to = try to.map(parseDay)
        let summary = try await withCertificateLedger(database, certificateOptions) { ledger in
            let organization = try await ledger.organization(creditCode: org ?? "")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return try await ledger.issueCertificateBatch(
                CertificateBatchScope(organizationId: organization.id, from: from, to: to), by: .localOperator,
                started: { print("\($0) 名成员有记录 members with records in the period") },
                each: { item in
                    let c = item.certificate.certificate
                    let name = c.batchFileName
                    try Data(try CertificatePDF.render(item.certificate, language: language))
                        .write(to: folder.appendingPathComponent(name), options: .atomic)
                    print("\(item.outcome == .issued ? "issued" : "reused")\t\(c.volunteerNumber)\t\(c.groupedSerial)\t"
                          + "\(HoursFormat.hours(fromMinutes: c.minutes))\t\(name)")
                })
        }
        print("新出具 issued \(summary.issued), 沿用 reused \(summary.reused), 无记录跳过 skipped with no records \(summary.skipped); "
              + "written to \(folder.path)")
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a certificate: a token, a verification URL, a PNG of its QR code, or a typed serial.",
        discussion: """
            With --jwks the check is offline: no database and no network. The signature is checked against the \
            public keys (save /.well-known/jwks.json), and revocation against a cached status list when given \
            (save /api/v1/status-lists/N); the list's age is printed. Without --jwks the local database and key \
            file are used, which also shows whether covered records were corrected after issue.
            """)

    @Argument(help: "TOKEN, URL, PNG file or serial.") var input: String
    @Option(help: "Public keys (JWKS file) for an offline check.") var jwks: String?
    @Option(help: "Cached status list credential for the offline revocation check.") var statusList: String?
    @Option(help: "A C2SP tlog-proof of the certificate's issuance (from `vledger issue --tlog-proof` or GET /api/v1/log/certificate-proofs/{serial}), checked offline against --log-key.")
    var checkpoint: String?
    @Option(help: "The transparency log's verifier key (name+hash+base64, as /log/vkey serves it), or a file holding it; with --checkpoint.")
    var logKey: String?
    @Option(name: .customLong("witness-key"), help: "A witness's cosigner key (name+hash+base64), repeatable; with --checkpoint, the proof's checkpoint must carry their cosignatures.")
    var witnessKeys: [String] = []
    @Option(help: "How many of the --witness-key must have cosigned (default: all of them).") var witnessQuorum: Int?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var certificateOptions: CertificateOptions

    func run() async throws {
        let text = try Self.readInput(input)
        if let checkpoint {
            guard let logKey else { throw ValidationError("--checkpoint needs --log-key: the log's verifier key, published by the platform") }
            guard CertificateSerial(text) == nil else {
                throw ValidationError("--checkpoint needs the certificate's token, URL or QR image, not its serial")
            }
            try LogProofFiles.check(token: OfflineVerifier.token(in: text), proofPath: checkpoint, logKey: logKey,
                                    witnessKeys: witnessKeys, witnessQuorum: witnessQuorum)
            if jwks == nil { return }
        }
        if let jwks {
            try await offline(text, jwks: jwks)
        } else {
            let result = try await withCertificateLedger(database, certificateOptions) { try await $0.verifyCertificate(token: text) }
            print(result.headline + "  " + result.explanation)
            if let reason = result.reason { print("原因 reason: \(reason.rawValue)") }
            if let c = result.certificate {
                print("证明编号 serial: \(c.groupedSerial)")
                print("志愿者 volunteer: \(Masking.name(c.volunteerName)) (\(c.volunteerNumber))")
                print("出具单位 issuer: \(c.issuerName) \(c.issuerCode)")
                print("服务期间 period: \(c.periodText)")
                print("累计时长 hours: \(HoursFormat.hours(fromMinutes: c.minutes)) in \(c.recordCount) records")
                if let revocation = c.revocation {
                    print("撤销 revoked: \(LocalDate(revocation.at, in: c.timeZone)) \(revocation.reason)")
                }
            }
            for change in result.changes {
                print("  record #\(change.certified.recordId) \(change.certified.activityTitle) \(change.certified.serviceDate): "
                      + "\(HoursFormat.hours(fromMinutes: change.certified.minutes)) h -> "
                      + (change.current.isVoid ? "voided" : "\(HoursFormat.hours(fromMinutes: change.current.minutes)) h"))
            }
            if result.status != .valid { throw ExitCode(1) }
        }
    }

    /// The token or serial in the input; a PNG file is decoded with zbar.
    static func readInput(_ input: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return input
        }
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: input)).read(upToCount: 8)) ?? Data()
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            guard let text = try QRCodeReader.decode(pngFile: input).first else {
                throw ValidationError("\(input): no QR code found in the image")
            }
            return text
        }
        return try String(contentsOfFile: input, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func offline(_ text: String, jwks: String) async throws {
        let verifier = try await OfflineVerifier(jwks: Data(contentsOf: URL(fileURLWithPath: jwks)))
        let token = OfflineVerifier.token(in: text)
        switch await verifier.check(token) {
        case .rejected(let reason, let kid, let compromisedAt):
            print("无效 / Invalid  \(reason.message)")
            print("原因 reason: \(reason.rawValue)" + (kid.map { ", key \($0)" } ?? "")
                  + (compromisedAt.map { ", compromised on \(LocalDate($0, in: .ledgerDefault))" } ?? ""))
            throw ExitCode(1)
        case .verified(let claims, let kid):
            var revoked = false
            var revocationLine = "撤销状态 revocation: 未检查 not checked (give --status-list with a saved /api/v1/status-lists/\(StatusListIndex.list(of: claims.statusIndex)))"
            if let statusList {
                let check = try await verifier.revocation(of: claims, statusList: try String(contentsOfFile: statusList, encoding: .utf8))
                revoked = check.revoked
                let age = Date().timeIntervalSince(check.listIssuedAt)
                revocationLine = "撤销状态 revocation: \(check.revoked ? "已撤销 REVOKED" : "未撤销 not revoked") according to the status list "
                    + "made \(check.listIssuedAt.formatted(.iso8601)) (\(Self.describe(age: age)) old)"
            }
            print(revoked ? "已撤销 / Revoked" : "签名有效 / Valid signature")
            print("证明编号 serial: \(CertificateSerial(claims.serial)?.grouped ?? claims.serial)")
            print("志愿者 volunteer: \(Masking.name(claims.volunteerName)) (\(claims.volunteerNumber))")
            print("出具单位代码 issuer code: \(claims.issuerCode)")
            let bounds = claims.periodBounds
            print("服务期间 period: \(Certificate.periodText(from: bounds?.from ?? nil, to: bounds?.to ?? nil))")
            print("累计时长 hours: \(HoursFormat.hours(fromMinutes: claims.minutes))")
            print("出具时间 issued: \(Date(timeIntervalSince1970: TimeInterval(claims.issuedAt)).formatted(.iso8601))")
            print("签名密钥 key: \(kid)")
            print(revocationLine)
            print("(offline: corrections of the covered records after issue are only visible online)")
            if revoked { throw ExitCode(1) }
        }
    }

    static func describe(age seconds: TimeInterval) -> String {
        let minutes = Int(max(0, seconds) / 60)
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes / 1440) days"
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certificate signing keys: list, rotate, mark compromised, export the public keys.",
        subcommands: [List.self, Rotate.self, Compromise.self, ExportJWKS.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (public parts only).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions

        func run() async throws {
            let path = certificateOptions.keysPath(databaseURL: database.url)
            let file = try CertificateKeyFile.loadOrCreate(path: path)
            print("key file \(path)")
            for key in file.keys { print("  \(key)") }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new active key; old keys keep verifying what they signed. Running servers pick it up within a second.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions

        func run() async throws {
            let path = certificateOptions.keysPath(databaseURL: database.url)
            _ = try CertificateKeyFile.loadOrCreate(path: path)
            let key = try CertificateKeyFile.rotate(path: path)
            print("new active key \(key.kid) in \(path)")
        }
    }

    struct Compromise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a key compromised: every certificate it signed becomes invalid (a new key replaces it if it was active).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions
        @Argument(help: "The key id (kid).") var kid: String
        @Option(help: "What happened.") var note: String?

        func run() async throws {
            let path = certificateOptions.keysPath(databaseURL: database.url)
            let active = try CertificateKeyFile.markCompromised(path: path, kid: kid, note: note)
            print("key \(kid) marked compromised; active key is \(active.kid)")
        }
    }

    struct ExportJWKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jwks", abstract: "Write the public keys as a JWKS, as served at /.well-known/jwks.json.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions
        @Option(help: "Output file (default: standard output).") var out: String?

        func run() async throws {
            let file = try CertificateKeyFile.loadOrCreate(path: certificateOptions.keysPath(databaseURL: database.url))
            let json = JSONWebKeySet(file).json
            if let out { try Data(json).write(to: URL(fileURLWithPath: out)) } else { print(String(decoding: json, as: UTF8.self)) }
        }
    }
}

struct Certificates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issued certificates: list, revoke, export a status list.",
        subcommands: [ListCertificates.self, Revoke.self, StatusList.self])

    struct ListCertificates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List certificates.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions
        @Option(help: "Volunteer number.") var volunteer: String?
        @Option(help: "Issuing organization (统一社会信用代码).") var org: String?
        @Option(help: "At most this many.") var limit = 50

        func run() async throws {
            try await withCertificateLedger(database, certificateOptions) { ledger in
                let volunteerId = try await volunteer.asyncMap { try await ledger.volunteerId(number: $0) }
                let organizationId = try await org.asyncMap { try await ledger.organization(creditCode: $0).id }
                let page = try await ledger.certificates(volunteerId: volunteerId, organizationId: organizationId, after: nil,
                                                         limit: min(limit, 500), by: .localOperator)
                print("serial\tvolunteer\tissuer\tperiod\thours\tissued\tstatus")
                for c in page.items {
                    print([c.groupedSerial, c.volunteerNumber, c.issuerName, c.periodText, HoursFormat.hours(fromMinutes: c.minutes),
                           LocalDate(c.issuedAt, in: c.timeZone).description,
                           c.revocation.map { "revoked: \($0.reason)" } ?? "issued"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate (as the platform).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions
        @Argument(help: "The serial.") var serial: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let certificate = try await withCertificateLedger(database, certificateOptions) {
                try await $0.revokeCertificate(serial: serial, reason: reason, by: .localOperator)
            }
            print("revoked \(certificate.groupedSerial): \(reason)")
        }
    }

    struct StatusList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status-list", abstract: "Write a signed status list, for offline verifiers.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var certificateOptions: CertificateOptions
        @Option(help: "List number.") var list: Int64 = 0
        @Option(help: "Output file (default: standard output).") var out: String?

        func run() async throws {
            let credential = try await withCertificateLedger(database, certificateOptions) {
                try await $0.statusListCredential(list: list)
            }
            if let out { try Data(credential.utf8).write(to: URL(fileURLWithPath: out)) } else { print(credential) }
        }
    }
}
