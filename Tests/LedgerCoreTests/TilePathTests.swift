import LedgerCore
import Testing

/// Tile paths parse only in their canonical C2SP spelling and within the largest tree, so no path a stranger sends can
/// overflow an index or name a tile twice.
struct TilePathTests {
    @Test(arguments: [
        ("0/000", 0, 0, 256), ("0/067", 0, 67, 256), ("1/x001/x234/067", 1, 1_234_067, 256), ("entries/999", nil, 999, 256),
        ("entries/x001/000.p/8", nil, 1000, 8), ("5/000.p/1", 5, 0, 1), ("1/x016/x777/215", 1, 16_777_215, 256), ("4/000", 4, 0, 256), ("0/x004/x294/x967/295", 0, 4_294_967_295, 256),
    ] as [(String, Int?, Int, Int)])
    func canonicalPathsParseAndPrintBack(path: String, level: Int?, index: Int, width: Int) throws {
        let tile = try #require(TilePath(path.split(separator: "/")))
        #expect(tile.level == level)
        #expect(tile.index == index)
        #expect(tile.width == width)
        #expect(tile.path == path)
    }

    @Test(arguments: [
        // The paths that stopped the server with an overflow trap.
        "0/x999/x999/x999/x999/x999/999", "entries/x999/x999/x999/x999/x999/999", "0/x-99/x-99/x-99/x-99/x-99/-99",
        // Other spellings of tiles that exist.
        "0/-01", "0/+01", "0/ 01", "0/0001", "0/01", "0/x000/001", "00/000", "+0/000", "0/000.p/08", "0/000.p/+8", "0/000.p/256",
        "0/000.p/0", "0/000.p/-1", "0/000.p/", "0/x001", "0/001/002", "0/X001/000", "0/x1/000", "0/٠٠١", "0/00１",
        // Beyond the largest tree, levels that do not exist, shapes that are not paths.
        "0/x004/x294/x967/296", "1/x016/x777/216", "4/x016/x777/216", "5/000", "6/000.p/1", "7/001", "8/000", "-1/000", "0", "entries", "tile/0/000", "0/000/", "0/000.p",
    ])
    func everythingElseIsRefused(path: String) {
        #expect(TilePath(path.split(separator: "/", omittingEmptySubsequences: false)) == nil, "\(path)")
    }

    @Test func theLargestTileEndsInsideTheLargestTree() throws {
        for level in 0...7 {
            let shift = TilePath.levelShift * level
            let last = (TilePath.maximumTreeSize >> shift) / TilePath.width - 1
            guard last >= 0 else {
                #expect(TilePath(level: level, index: 0) == nil)
                continue
            }
            let tile = try #require(TilePath(level: level, index: last))
            #expect(tile.endLeaf == TilePath.maximumTreeSize)
            #expect(TilePath(level: level, index: last + 1) == nil)
            #expect(TilePath(TilePath.encode(last + 1).split(separator: "/").map(String.init).prefixed(by: "\(level)")) == nil)
        }
    }

    @Test func encodingFollowsTheSpec() {
        #expect(TilePath.encode(0) == "000")
        #expect(TilePath.encode(1000) == "x001/000")
        #expect(TilePath.encode(1_234_067) == "x001/x234/067")
    }
}

private extension Array where Element == String {
    func prefixed(by first: String) -> [String] { [first] + self }
}
