import Foundation
import HummingbirdTesting
import LedgerCore
import Testing

/// Tiles and entry bundles as C2SP tlog-tiles serves them: the same bytes every time (from memory after the first), a
/// partial tile of its width, and no tile beyond the signed checkpoint until the log has grown to it.
struct LogTileServingTests {
    @Test func tilesAreServedTheSameEachTimeAndOnlyOnceTheLogHasThem() async throws {
        let f = try await APIFixture.make()
        // Fill the log past one full tile: 300 organizations registered, each logged.
        for n in 3...302 { _ = try await f.ledger.createOrganization(Factory.organization(n), by: .localOperator) }
        let size = try #require(try await f.ledger.transparencyLog?.refresh()).size
        try #require(size >= 300)
        let leaves = try await f.ledger.store.read { r in try r.logEntries(from: 0, limit: 256).map { TreeHash.leaf($0).bytes } }
        try await f.test { client in
            var first: [UInt8] = []
            for round in 0..<2 {
                let tile = try await client.execute(uri: "/log/tile/0/000", method: .get)
                #expect(tile.status == .ok)
                #expect(tile.headers[.cacheControl]?.contains("immutable") == true)
                let bytes = Array(buffer: tile.body)
                #expect(bytes == leaves.flatMap { $0 }, "the tile is the first 256 leaf hashes")
                if round == 0 { first = bytes } else { #expect(bytes == first, "served again, from memory, unchanged") }
            }
            let width = size - 256
            let partial = try await client.execute(uri: "/log/tile/entries/001.p/\(width)", method: .get)
            #expect(partial.status == .ok)
            let tooWide = try await client.execute(uri: "/log/tile/entries/001.p/\(min(255, width + 1))", method: .get)
            #expect(tooWide.status == .notFound, "beyond the signed checkpoint")
            // The log grows: the wider partial bundle appears (a refusal is not remembered).
            _ = try await f.ledger.createOrganization(Factory.organization(303), by: .localOperator)
            _ = try await f.ledger.transparencyLog?.refresh()
            let grown = try await client.execute(uri: "/log/tile/entries/001.p/\(width + 1)", method: .get)
            #expect(grown.status == .ok)
            #expect(Array(buffer: grown.body).starts(with: Array(buffer: partial.body)))
            #expect(try await client.execute(uri: "/log/tile/0/x001/000", method: .get).status == .notFound)
        }
    }

    /// Paths that once stopped the server (an overflow trap in the index) or named a tile under a second spelling are
    /// 404, and the server answers the next request.
    @Test func overlongSignedAndNonCanonicalPathsAreNotFound() async throws {
        let f = try await APIFixture.make()
        for n in 3...260 { _ = try await f.ledger.createOrganization(Factory.organization(n), by: .localOperator) }
        _ = try await f.ledger.transparencyLog?.refresh()
        try await f.test { client in
            for path in ["0/x999/x999/x999/x999/x999/999", "entries/x999/x999/x999/x999/x999/999", "0/x-99/x-99/x-99/x-99/x-99/-99",
                         "0/x999/x999/x999/999", "0/-01", "0/+00", "entries/+00", "0/0000", "0/x000/000", "entries/000.p/+1", "9/000"] {
                let response = try await client.execute(uri: "/log/tile/" + path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.cacheControl]?.contains("immutable") != true, "\(path)")
            }
            #expect(try await client.execute(uri: "/log/tile/0/000", method: .get).status == .ok, "the server still answers")
        }
    }
}
