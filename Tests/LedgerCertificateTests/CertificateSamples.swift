import Foundation
import LedgerTestSupport
import LedgerCertificates
import LedgerCore

/// Certificates and keys built directly, without a ledger, for signing and rendering tests.
enum Sample {
    static let base = "https://verify.example.gov.cn"
    /// 2026-06-15 12:00 China Standard Time.
    static let issuedAt = Date(timeIntervalSince1970: 1_781_496_000)

    /// A fresh directory under the temporary folder.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A key file path in a fresh directory (not created yet).
    static func keyPath() throws -> String {
        try directory().appendingPathComponent("keys.json").path
    }

    static func keyring() async throws -> CertificateKeyring {
        try await CertificateKeyring(path: try keyPath(), refreshInterval: .zero)
    }

    static func serial(_ n: Int) -> String {
        CertificateSerial.random(.seeded(UInt64(n))).value
    }

    static func certificate(name: String = "欧阳娜娜", serial n: Int = 1, minutes: Int = 750, records: Int = 3,
                            platform: Bool = false, from: LocalDate? = LocalDate(year: 2026, month: 1, day: 1),
                            to: LocalDate? = LocalDate(year: 2026, month: 6, day: 30)) -> Certificate {
        Certificate(id: 1, serial: serial(n), statusIndex: 4242, volunteerId: 7, organizationId: platform ? nil : 3,
                    volunteerName: name, volunteerNumber: "V12345678903", maskedDocumentNumber: "3301**********0429",
                    issuerName: platform ? "志愿服务信息平台" : "杭州市西湖区文三路社区志愿者协会",
                    issuerCode: platform ? "" : "51330106MA0000001X", periodFrom: from, periodTo: to, minutes: minutes,
                    recordCount: records, coverageDigest: String(repeating: "a", count: 64), timeZoneIdentifier: "Asia/Shanghai",
                    issuedAt: issuedAt, issuedBy: nil, keyId: "", token: "", revocation: nil)
    }

    static func records(_ count: Int, minutes: Int = 250) -> [CertifiedRecord] {
        let titles = ["社区环境整治", "敬老院陪伴", "图书馆整理", "交通文明劝导"]
        let firstDay = LocalDate(year: 2026, month: 3, day: 1)!
        return (0..<count).map { (i: Int) -> CertifiedRecord in
            let start: Date = issuedAt.addingTimeInterval(Double(i - 100) * 86_400)
            return CertifiedRecord(recordId: Int64(i + 1), revision: 1, organizationId: 3,
                                   organizationName: "杭州市西湖区文三路社区志愿者协会", activityId: Int64(i % 4 + 1),
                                   activityTitle: titles[i % 4], serviceDate: firstDay.adding(days: i), startAt: start,
                                   minutes: minutes)
        }
    }

    /// A signed certificate with `count` records, as the ledger would return it.
    static func issued(by keyring: CertificateKeyring, records count: Int = 3, name: String = "欧阳娜娜",
                       platform: Bool = false) async throws -> IssuedCertificate {
        var certificate = self.certificate(name: name, minutes: 250 * count, records: count, platform: platform)
        (certificate.token, certificate.keyId) = try await keyring.sign(CertificateClaims(certificate))
        let settings = CertificateSettings(authority: keyring, publicBaseURL: base)
        return IssuedCertificate(certificate: certificate, records: records(count),
                                 verificationURL: settings.verificationURL(token: certificate.token),
                                 serialURL: settings.serialURL(serial: certificate.serial))
    }
}

/// Runs a program and returns its standard output, or nil when it is not installed.
enum Tool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func path(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`; throws with its standard error when it exits non-zero.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let result = try runAllowingFailure(executable, arguments, environment: environment)
        guard result.status == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.error)")
        }
        return result.output
    }

    static func runAllowingFailure(_ executable: String, _ arguments: [String],
                                   environment: [String: String]? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : (path(executable) ?? executable))
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes before waiting, so a chatty program cannot fill a pipe and stall.
        let errorData = Mutexed<Data>(Data())
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { Thread.sleep(forTimeInterval: 0.005) }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData.value, as: UTF8.self))
    }
}

/// A value set once by another thread.
final class Mutexed<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    private var wasSet = false
    init(_ value: T) { stored = value }
    func set(_ value: T) { lock.lock(); stored = value; wasSet = true; lock.unlock() }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return wasSet }
}
