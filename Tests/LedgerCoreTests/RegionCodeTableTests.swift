import Foundation
import Testing
@testable import LedgerCore

struct RegionCodeTableTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources").path

    @Test func theShippedTableNamesEveryDistrictOfTheSamples() throws {
        let table = try RegionCodes.load(resourcesFolder: Self.resources)
        let samples = try String(contentsOfFile: Self.resources + "/../samples/organizations.csv", encoding: .utf8)
        let codes = samples.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[2]) }
        #expect(codes.count == 4)
        for code in codes { #expect(table.region(code) != nil, "\(code) has no name") }
        #expect(table.name("330106") == "西湖区")
        #expect(table.name("330106", english: true) == "Xihu District")
        // A whole city: Hangzhou's 13 county-level divisions.
        #expect(table.districts(under: "3301").count == 13)
    }

    @Test func namesAStreetCodeByItsDistrictAndShowsUnknownCodesAsThemselves() {
        let table = RegionCodes([.init(code: "330106", name: "西湖区", englishName: "Xihu District")])
        #expect(table.name("330106001") == "西湖区")
        #expect(table.label("330106") == "西湖区 (330106)")
        #expect(table.name("110101") == "110101")
        #expect(table.label("110101") == "110101")
    }

    @Test(arguments: [("330100", "3301"), ("330000", "33"), ("330106", "330106")])
    func prefixOfARegion(_ code: String, _ prefix: String) {
        #expect(RegionCodes.prefix(of: code) == prefix)
    }

    @Test func aMalformedRowNamesItsLine() {
        #expect(throws: LedgerError.invalidField(field: "region-codes.csv:3 code", reason: "不是 6 位区划代码 / not a 6-digit region code: 3301x")) {
            try RegionCodes(csvText: "code,name,english_name\n330100,杭州市,Hangzhou\n3301x,坏,Bad\n")
        }
    }
}
