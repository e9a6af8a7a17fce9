import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApp
import LedgerCore
import Logging
import Testing
import ZIPFoundation

/// Batch ZIPs are the server's alone: written 0600 in a 0700 folder of its own (not /tmp), removed as their one
/// download starts or when their job expires, and whatever an earlier process left there is removed at start.
struct CertificateBatchFileTests {
    static func permissions(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func staff(_ f: APIFixture) -> Principal { Principal(userId: nil, role: .organizationStaff, organizationId: f.organizationA.id) }

    @Test func theFolderIsPrivateAndEmptiedOfOldBatchesAtStart() async throws {
        let (f, _) = try await CertificateBatchAPITests.fixture()
        let folder = f.directory.appendingPathComponent("batches", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // What a crash left behind, and a file that is not a batch's.
        let leftover = folder.appendingPathComponent("certificate-batch-7.zip").path
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data("PK".utf8)))
        let notes = folder.appendingPathComponent("README.txt").path
        #expect(FileManager.default.createFile(atPath: notes, contents: Data("operator's".utf8)))

        let jobs = try CertificateBatchJobs(folder: folder)
        #expect(try Self.permissions(folder.path) == 0o700)
        #expect(!FileManager.default.fileExists(atPath: leftover), "a batch file left by an earlier process is removed at start")
        #expect(FileManager.default.fileExists(atPath: notes), "nothing else in the folder is touched")

        let principal = Self.staff(f)
        let started = try await jobs.start(CertificateBatchScope(organizationId: f.organizationA.id), ledger: f.ledger, by: principal,
                                           logger: Logger(label: "test"))
        let job = try #require(try await jobs.settled(started.id, by: principal, timeout: .seconds(30)))
        let zip = try #require(jobs.zipPath(of: job))
        #expect(zip.hasPrefix(folder.path + "/"))
        #expect(try Self.permissions(zip) == 0o600)

        // Taken once: the file is gone at once, and what was opened reads whole.
        let taken = try #require(try jobs.takeZip(of: job))
        #expect(!FileManager.default.fileExists(atPath: zip), "removed as its download starts")
        var data = Data()
        while true {
            let chunk = try await taken.read(upTo: 4096)
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        #expect(data.count == taken.size)
        #expect(try Archive(data: data, accessMode: .read).map(\.path).count == 2)
        #expect(try jobs.takeZip(of: job) == nil, "one download")
        let after = try #require(jobs.job(job.id, by: principal))
        #expect(after.downloaded && jobs.zipPath(of: after) == nil)
    }

    @Test func anUndownloadedZipIsRemovedWhenItsJobExpires() async throws {
        let (f, _) = try await CertificateBatchAPITests.fixture()
        let jobs = try CertificateBatchJobs(folder: f.directory.appendingPathComponent("batches"))
        let principal = Self.staff(f)
        let started = try await jobs.start(CertificateBatchScope(organizationId: f.organizationA.id), ledger: f.ledger, by: principal,
                                           logger: Logger(label: "test"))
        let job = try #require(try await jobs.settled(started.id, by: principal, timeout: .seconds(30)))
        let zip = try #require(jobs.zipPath(of: job))
        #expect(jobs.forgetExpired(now: Date().addingTimeInterval(CertificateBatchJobs.keptFor - 60)) == 0)
        #expect(FileManager.default.fileExists(atPath: zip))
        #expect(jobs.forgetExpired(now: Date().addingTimeInterval(CertificateBatchJobs.keptFor + 60)) == 1)
        #expect(!FileManager.default.fileExists(atPath: zip), "removed with its job, without anyone asking for batches")
    }

    @Test func theServerKeepsBatchesInItsConfiguredFolderAndServesEachZipOnce() async throws {
        let (f, _) = try await CertificateBatchAPITests.fixture()
        let folder = f.directory.appendingPathComponent("certificate-batches").path  // APIFixture.test's batch folder
        try await f.test { client in
            #expect(try Self.permissions(folder) == 0o700)
            let started = try await f.send(client, .post, "/api/v1/certificate-batches", as: "aAdmin", json: CertificateBatchPayload())
            let location = try #require(started.headers[.location])
            let batch = try await CertificateBatchAPITests.finished(f, client, location, as: "aAdmin")
            let zipURL = try #require(batch["zipUrl"] as? String)
            #expect(batch["downloaded"] as? Bool == false)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(files.count == 1 && files.allSatisfy { $0.hasPrefix("certificate-batch-") })
            #expect(try Self.permissions(folder + "/" + files[0]) == 0o600)

            // A HEAD (a download manager's probe) leaves the one download alone.
            _ = try await f.send(client, .head, zipURL, as: "aAdmin")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1, "still there after a HEAD")
            let download = try await f.send(client, .get, zipURL, as: "aAdmin")
            #expect(download.status == .ok && download.body.readableBytes > 100)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "served, so removed")
            let again = try await f.send(client, .get, zipURL, as: "aAdmin")
            #expect(again.status == .conflict && String(buffer: again.body).contains("downloaded"))
            let shown = try await f.send(client, .get, location, as: "aAdmin").json
            #expect(shown["downloaded"] as? Bool == true && shown["zipUrl"] == nil)
        }
    }

    @Test func aServerNamesItsBatchFolderNextToTheDatabase() throws {
        var configuration = AppConfiguration()
        configuration.databaseURL = "sqlite:/srv/vledger/ledger.sqlite"
        #expect(configuration.effectiveBatchFolder == "/srv/vledger/certificate-batches")
        configuration.databaseURL = "postgres://vledger@db/vledger"
        #expect(configuration.effectiveBatchFolder == "data/certificate-batches")
        let configured = try AppConfiguration.load(flags: ["batch-folder": "/var/lib/vledger/batches"], environment: [:])
        #expect(configured.effectiveBatchFolder == "/var/lib/vledger/batches")
        #expect(try AppConfiguration.load(environment: ["VLEDGER_BATCH_FOLDER": "/x"]).batchFolder == "/x")
    }

    @Test func aBatchFolderThatCannotBeMadeStopsTheServerNamingIt() async throws {
        let f = try await APIFixture.make()
        let blocker = f.directory.appendingPathComponent("a-file")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        var configuration = AppConfiguration()
        configuration.batchFolder = blocker.appendingPathComponent("batches").path
        do {
            _ = try await buildApplication(configuration, ledger: f.ledger, logger: Logger(label: "test"), closesStore: false)
            Issue.record("the server was built without its batch folder")
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix("batch-folder: ") && error.description.contains(blocker.path), "\(error)")
        }
    }
}
