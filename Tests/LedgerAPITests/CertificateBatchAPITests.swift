import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import Logging
import Testing
import ZIPFoundation

/// The body of `startCertificateBatch`.
struct CertificateBatchPayload: Encodable {
    var organizationId: Int64?
    var from: String?
    var to: String?
    var lang: String?
}

/// A batch of certificates over HTTP: started as a job, followed to the end, downloaded as a ZIP of PDFs; seen only
/// by those who may run the organization's batches.
struct CertificateBatchAPITests {
    /// The fixture with one more member of A who has a record on June 10: A then has two members with records
    /// (volunteerA and this one) and two without (walkInA, selfCheckedIn, whose check-in is still open).
    static func fixture() async throws -> (APIFixture, Volunteer) {
        let f = try await APIFixture.make()
        let second = try await f.ledger.registerVolunteer(Factory.volunteer(21), organizationId: f.organizationA.id,
                                                          by: .localOperator).volunteer
        _ = try await f.ledger.recordService(Factory.record(second, f.activityA, day: 10, from: 13, to: 16), by: .localOperator)
        return (f, second)
    }

    /// Polls the batch until it is no longer running.
    static func finished(_ f: APIFixture, _ client: any TestClientProtocol, _ location: String, as account: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let body = try await f.send(client, .get, location, as: account).json
            if body["state"] as? String != "running" { return body }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the batch did not finish within 30 s")
        return [:]
    }

    /// The entries of a ZIP: name and bytes.
    static func entries(_ zip: ByteBuffer) throws -> [(name: String, data: Data)] {
        let archive = try Archive(data: Data(zip.readableBytesView), accessMode: .read)
        return try archive.map { entry in
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return (entry.path, data)
        }.sorted { $0.name < $1.name }
    }

    @Test func aBatchRunsAsAJobAndItsZipHoldsOnePDFPerMemberWithRecords() async throws {
        let (f, second) = try await Self.fixture()
        try await f.test { client in
            let started = try await f.send(client, .post, "/api/v1/certificate-batches", as: "aAdmin",
                                           json: CertificateBatchPayload(from: "2026-06-01", to: "2026-06-30"))
            #expect(started.status == .accepted, "\(String(buffer: started.body))")
            let location = try #require(started.headers[.location])
            #expect(location.hasPrefix("/api/v1/certificate-batches/"))
            #expect(started.json["organizationId"] as? Int == Int(f.organizationA.id), "staff: their own organization")
            #expect(started.json["from"] as? String == "2026-06-01" && started.json["lang"] as? String == "zh")

            let batch = try await Self.finished(f, client, location, as: "aStaff")
            #expect(batch["state"] as? String == "finished", "\(batch)")
            #expect(batch["done"] as? Int == 2 && batch["total"] as? Int == 2 && batch["percent"] as? Int == 100)
            #expect(batch["issued"] as? Int == 2 && batch["reused"] as? Int == 0 && batch["skipped"] as? Int == 2)
            let zipURL = try #require(batch["zipUrl"] as? String)
            #expect(zipURL == location + "/zip")

            let download = try await f.send(client, .get, zipURL, as: "aStaff")
            #expect(download.status == .ok && download.headers[.contentType] == "application/zip")
            #expect(download.headers[.contentDisposition]?.contains("certificates-\(f.organizationA.id)-2026-06-01_2026-06-30.zip") == true)
            let entries = try Self.entries(download.body)
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0.data.starts(with: Data("%PDF-".utf8)) }, "every entry is a PDF")
            let numbers = entries.map { String($0.name.prefix { $0 != "-" }) }
            #expect(numbers == [f.volunteerA.number, second.number].sorted())
            // Each certificate in the ZIP is on file and verifies on its own.
            let listed = try await f.send(client, .get, "/api/v1/certificates?organization=\(f.organizationA.id)", as: "aAdmin").items
            let serials = listed.compactMap { $0["serial"] as? String }
            #expect(serials.count == 2)
            for entry in entries {
                let serial = String(entry.name.dropFirst(f.volunteerA.number.count + 1).dropLast(4))
                #expect(serials.contains(serial), "\(entry.name)")
                let verified = try await f.send(client, .get, "/api/v1/verify?serial=\(serial)", as: nil)
                #expect(verified.json["status"] as? String == "valid", "\(entry.name)")
            }

            // Again: nothing changed, nothing issued; the ZIP holds the same certificates.
            let again = try await f.send(client, .post, "/api/v1/certificate-batches", as: "aStaff",
                                         json: CertificateBatchPayload(organizationId: f.organizationA.id, from: "2026-06-01", to: "2026-06-30"))
            #expect(again.status == .accepted)
            let rerun = try await Self.finished(f, client, try #require(again.headers[.location]), as: "aStaff")
            #expect(rerun["issued"] as? Int == 0 && rerun["reused"] as? Int == 2, "\(rerun)")
            let sameZip = try await f.send(client, .get, try #require(rerun["zipUrl"] as? String), as: "aStaff")
            #expect(try Self.entries(sameZip.body).map(\.name) == entries.map(\.name))
        }
    }

    @Test func aFinishedBatchIsKeptAnHourThenForgottenWithItsZip() async throws {
        let (f, _) = try await Self.fixture()
        let jobs = CertificateBatchJobs(parent: f.directory)
        let principal = Principal(userId: nil, role: .organizationStaff, organizationId: f.organizationA.id)
        let started = try await jobs.start(CertificateBatchScope(organizationId: f.organizationA.id), ledger: f.ledger, by: principal,
                                           logger: Logger(label: "test"))
        let job = try #require(try await jobs.settled(started.id, by: principal, timeout: .seconds(30)))
        #expect(job.state == .finished && job.summary == CertificateBatchSummary(issued: 2, reused: 0, skipped: 2))
        let zip = try #require(jobs.zipPath(of: job))
        #expect(FileManager.default.fileExists(atPath: zip))
        #expect(jobs.job(job.id, by: principal, now: Date().addingTimeInterval(CertificateBatchJobs.keptFor - 60)) != nil)
        #expect(jobs.job(job.id, by: Principal(userId: nil, role: .organizationAdmin, organizationId: f.organizationB.id)) == nil)
        #expect(jobs.job(job.id, by: principal, now: Date().addingTimeInterval(CertificateBatchJobs.keptFor + 60)) == nil)
        #expect(!FileManager.default.fileExists(atPath: zip), "its ZIP is deleted with it")
    }

    @Test func onlyThoseWhoMayRunTheOrganizationsBatchesSeeIt() async throws {
        let (f, _) = try await Self.fixture()
        try await f.test { client in
            let started = try await f.send(client, .post, "/api/v1/certificate-batches", as: "aStaff", json: CertificateBatchPayload())
            let location = try #require(started.headers[.location])
            _ = try await Self.finished(f, client, location, as: "aStaff")
            // Outsiders are answered 404 before the ZIP is looked at, so it is still there for the first who may have it.
            for (account, status) in [("bAdmin", 404), ("bStaff", 404), ("volunteerA", 404), ("inspector", 404), ("aAdmin", 200), ("aStaff", 200),
                                      ("admin", 200)] {
                for path in ["", "/zip"] {
                    let response = try await f.send(client, .get, location + path, as: account)
                    // The ZIP is served once (its file removed as it goes): those after the first are told so.
                    let expected = path == "/zip" && status == 200 && account != "aAdmin" ? 409 : status
                    #expect(Int(response.status.code) == expected, "\(account) GET \(path)")
                    if status == 404 { #expect(response.problemType == "urn:vledger:problem:not-found") }
                }
            }
            #expect(try await f.send(client, .get, location, as: nil).status == .unauthorized)

            let other = try await f.send(client, .post, "/api/v1/certificate-batches", as: "bAdmin",
                                         json: CertificateBatchPayload(organizationId: f.organizationA.id))
            #expect(other.status == .forbidden)
            let volunteer = try await f.send(client, .post, "/api/v1/certificate-batches", as: "volunteerA",
                                             json: CertificateBatchPayload(organizationId: f.organizationA.id))
            #expect(volunteer.status == .forbidden)
            let unnamed = try await f.send(client, .post, "/api/v1/certificate-batches", as: "admin", json: CertificateBatchPayload())
            #expect(unnamed.status == .unprocessableContent && unnamed.json["field"] as? String == "organizationId")
            let language = try await f.send(client, .post, "/api/v1/certificate-batches", as: "aAdmin", json: CertificateBatchPayload(lang: "fr"))
            #expect(language.status == .unprocessableContent && language.json["field"] as? String == "lang")
        }
    }
}
