import Foundation
import LedgerApp
import LedgerCore
import LedgerSQLite
import Testing

/// `vledger backup` and `vledger restore` (issue 12): a copy taken while writers go on is consistent, its
/// audit chains verify, and it restores into a ledger that verifies.
@Suite struct BackupTests {
    @Test func aBackupTakenDuringWritesRestoresALedgerThatVerifies() async throws {
        let f = try await APIFixture.make()
        let database = f.directory.appendingPathComponent("ledger.sqlite").path
        let keys = f.directory.appendingPathComponent("keys.json").path
        let folder = f.directory.appendingPathComponent("backup").path
        let before = try await f.ledger.store.read { try $0.total(RecordFilter(includeVoid: true)).records }

        // Five-minute records on activity A, written one after another while the backup is taken.
        let ledger = f.ledger
        let volunteer = f.volunteerA.number, activity = f.activityA.id
        let writer = Task {
            var written = 0
            for slot in 0..<60 {
                let start = Factory.time(day: 10, hour: 12).addingTimeInterval(Double(slot) * 300)
                _ = try await ledger.recordService(RecordInput(volunteerNumber: volunteer, activityId: activity, start: start,
                                                               end: start.addingTimeInterval(300)), by: .localOperator)
                written += 1
            }
            return written
        }
        try await Task.sleep(for: .milliseconds(50))
        let manifest = try await LedgerBackup.backup(databaseURL: "sqlite:" + database, keysFile: keys, to: folder)
        let written = try await writer.value
        #expect(written == 60)
        let after = try await f.ledger.store.read { try $0.total(RecordFilter(includeVoid: true)).records }
        #expect(after == before + 60)
        #expect((before...after).contains(manifest.records), "the copy is one moment of the ledger")
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/vledger-keys.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(manifest.keysSHA256 != nil)

        let restoredPath = f.directory.appendingPathComponent("restored/vledger.sqlite").path
        let restoredKeys = f.directory.appendingPathComponent("restored/keys.json").path
        let restored = try await LedgerBackup.restore(from: folder, databaseURL: "sqlite:" + restoredPath, keysFile: restoredKeys, force: false)
        #expect(restored.databaseSHA256 == manifest.databaseSHA256 && restored.records == manifest.records)
        let store = try SQLiteLedgerStore(path: restoredPath)
        let report = try await Ledger(store: store).verifyAuditChains(by: .localOperator)
        #expect(report.isIntact)
        #expect(try await store.read { try $0.total(RecordFilter(includeVoid: true)).records } == manifest.records)
        try await store.close()
        #expect(FileManager.default.contents(atPath: restoredKeys) == FileManager.default.contents(atPath: keys))

        // A second restore over the ledger now holding data needs --force.
        await #expect(throws: LedgerBackup.Failure.self) {
            _ = try await LedgerBackup.restore(from: folder, databaseURL: "sqlite:" + restoredPath, keysFile: restoredKeys, force: false)
        }
        _ = try await LedgerBackup.restore(from: folder, databaseURL: "sqlite:" + restoredPath, keysFile: restoredKeys, force: true)
    }

    @Test func aChangedBackupIsRefusedAndAFolderInUseIsNotOverwritten() async throws {
        let f = try await APIFixture.make()
        let database = "sqlite:" + f.directory.appendingPathComponent("ledger.sqlite").path
        let keys = f.directory.appendingPathComponent("keys.json").path
        let folder = f.directory.appendingPathComponent("backup").path
        _ = try await LedgerBackup.backup(databaseURL: database, keysFile: keys, to: folder)
        let failure = await #expect(throws: LedgerBackup.Failure.self) {
            _ = try await LedgerBackup.backup(databaseURL: database, keysFile: keys, to: folder)
        }
        #expect(failure?.description.contains("not empty") == true)

        let copy = folder + "/vledger.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        bytes[bytes.count - 100] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: copy))
        let target = f.directory.appendingPathComponent("restored/vledger.sqlite").path
        let refused = await #expect(throws: LedgerBackup.Failure.self) {
            _ = try await LedgerBackup.restore(from: folder, databaseURL: "sqlite:" + target, keysFile: target + ".keys", force: false)
        }
        #expect(refused?.description.contains("digest") == true)
        #expect(!FileManager.default.fileExists(atPath: target + ".keys"))

        let postgres = await #expect(throws: LedgerBackup.Failure.self) {
            _ = try await LedgerBackup.backup(databaseURL: "postgres://u:p@127.0.0.1:1/db", keysFile: keys, to: folder + "-pg")
        }
        #expect(postgres?.description.contains("pg_dump") == true)
    }
}
