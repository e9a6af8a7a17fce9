import Foundation

/// `vledger samples generate`: a synthetic city in the samples format (`samples/README.md`), deterministic
/// (one seed, one set of bytes), streamed to the files so memory stays bounded by the largest organization
/// whatever the number of records.
///
/// Every rule the loader checks holds by construction:
/// - organization sizes follow Zipf's law (exponent 0.9: at 900 organizations the largest holds ~10 % of the
///   volunteers); organization `o`'s own members are one contiguous block of volunteer indexes, and the first
///   fifth of each block also joins one other organization (a volunteer belongs to one or two);
/// - resident ID numbers (GB 11643) are unique by construction (region, birth date and sequence are a
///   one-to-one function of the volunteer's index), with the sex in the sequence's parity and a valid check
///   character; everyone is 18 to 75 on the first activity day, so 16 or older at every record;
/// - 统一社会信用代码 with a valid embedded organization code (GB 11714) and check character (GB 32100);
/// - an organization's activities fall on distinct days (one day each, 08:00–17:30), and a volunteer has at
///   most one record per activity; records in the volunteer's first organization lie in 08:00–12:00 and in the
///   second in 13:00–17:30, so no two records of one volunteer overlap and a day holds at most 8 hours;
/// - 登记时间 after the activity's end: within three days for ~90 %, 20–30 days later for the rest (late);
///   everything ends before `CitySampleGenerator.lastDay` plus 30 days, well in the past.
public struct CitySampleGenerator: Sendable {
    public var volunteers: Int
    public var organizations: Int
    public var records: Int
    public var seed: UInt64

    /// The first and the last day with activities (1,000 days).
    public static let firstDay = LocalDate(year: 2024, month: 1, day: 1)!
    public static let activityDays = 1000
    /// Records per activity the generator aims for (the organization's activities are capped at one a day).
    static let recordsPerActivity = 20
    static let zipfExponent = 0.9

    public init(volunteers: Int, organizations: Int, records: Int, seed: UInt64 = 20261207) {
        self.volunteers = volunteers
        self.organizations = organizations
        self.records = records
        self.seed = seed
    }

    public struct Summary: Sendable, CustomStringConvertible {
        public var organizations: Int
        public var volunteers: Int
        public var memberships: Int
        public var activities: Int
        public var records: Int
        public var largestOrganization: Int
        public var description: String {
            "\(organizations) organizations (largest \(largestOrganization) members), \(volunteers) volunteers, "
                + "\(memberships) memberships, \(activities) activities, \(records) records"
        }
    }

    /// Checks the sizes: a clear message for each impossible combination.
    public func validate() throws(SampleDataError) {
        guard (1...1_000_000).contains(organizations) else { throw SampleDataError(message: "--organizations must be 1 to 1000000") }
        guard volunteers >= organizations, volunteers <= 50_000_000 else {
            throw SampleDataError(message: "--volunteers must be at least --organizations (each organization has a member) and at most 50000000")
        }
        guard records >= 0, records <= volunteers * (Self.activityDays / 4) else {
            throw SampleDataError(message: "--records must be 0 to \(Self.activityDays / 4) per volunteer")
        }
    }

    // MARK: - Layout (O(organizations) memory)

    struct Layout {
        /// First volunteer index of each organization's own block; `blockStart[organizations]` = volunteers.
        var blockStart: [Int]
        /// The other organization the first fifth of block `o` also joins (nil with a single organization).
        var secondOf: [Int?]
        /// Blocks whose first fifth joins organization `o`.
        var joiners: [[Int]]
        var recordCount: [Int]
        var activityCount: [Int]

        func size(_ o: Int) -> Int { blockStart[o + 1] - blockStart[o] }
        func joinerCount(_ p: Int) -> Int { secondOf[p] == nil ? 0 : size(p) / 5 }
        func members(_ o: Int) -> Int { size(o) + joiners[o].reduce(0) { $0 + joinerCount($1) } }

        /// The organization whose block holds volunteer `v`.
        func block(of v: Int) -> Int {
            var low = 0, high = blockStart.count - 2
            while low < high {
                let mid = (low + high + 1) / 2
                if blockStart[mid] <= v { low = mid } else { high = mid - 1 }
            }
            return low
        }
    }

    func layout() -> Layout {
        let m = organizations
        let weights = (0..<m).map { 1 / pow(Double($0 + 1), Self.zipfExponent) }
        let total = weights.reduce(0, +)
        // One member each, the rest by weight (floors, then the remainder to the largest).
        let spare = volunteers - m
        var sizes = weights.map { 1 + Int(Double(spare) * $0 / total) }
        var remainder = volunteers - sizes.reduce(0, +)
        var index = 0
        while remainder > 0 { sizes[index % m] += 1; remainder -= 1; index += 1 }
        var blockStart = [0]
        for size in sizes { blockStart.append(blockStart.last! + size) }
        var secondOf: [Int?] = Array(repeating: nil, count: m)
        var joiners = Array(repeating: [Int](), count: m)
        if m > 1 {
            for p in 0..<m {
                let q = (p + 1 + Int(Self.mix(seed ^ 0x5EC0, UInt64(p)) % UInt64(m - 1))) % m
                secondOf[p] = q
                joiners[q].append(p)
            }
        }
        var layout = Layout(blockStart: blockStart, secondOf: secondOf, joiners: joiners, recordCount: [], activityCount: [])
        let memberCounts = (0..<m).map { layout.members($0) }
        let memberTotal = memberCounts.reduce(0, +)
        var counts = memberCounts.map { records * $0 / memberTotal }
        remainder = records - counts.reduce(0, +)
        index = 0
        while remainder > 0 { counts[index % m] += 1; remainder -= 1; index += 1 }
        layout.recordCount = counts
        layout.activityCount = zip(counts, memberCounts).map { count, members in
            // Enough activities that each holds at most its organization's members, at most one a day.
            let wanted = max(1, (count + Self.recordsPerActivity - 1) / Self.recordsPerActivity, (count + members - 1) / members)
            return min(Self.activityDays, wanted)
        }
        return layout
    }

    // MARK: - Writing

    /// Writes `organizations.csv`, `volunteers.csv`, `activities.csv`, `records/<credit code>.csv`,
    /// `recruitments.csv` and `users.csv` into `folder` (created; existing files of these names replaced).
    @discardableResult
    public func write(to folder: String, progress: (@Sendable (String) -> Void)? = nil) throws -> Summary {
        try validate()
        let layout = layout()
        let fm = FileManager.default
        let base = URL(fileURLWithPath: folder)
        try fm.createDirectory(at: base.appendingPathComponent("records"), withIntermediateDirectories: true)
        // Stale record files of an earlier, larger run would be loaded too.
        for name in (try? fm.contentsOfDirectory(atPath: base.appendingPathComponent("records").path)) ?? [] where name.hasSuffix(".csv") {
            try fm.removeItem(at: base.appendingPathComponent("records").appendingPathComponent(name))
        }
        func open(_ name: String) throws -> BufferedFile { try BufferedFile(path: base.appendingPathComponent(name).path) }

        let codes = (0..<organizations).map(creditCode)
        var file = try open("organizations.csv")
        file.row(["credit_code", "name", "region_code", "contact_name", "contact_phone", "time_zone"])
        for o in 0..<organizations {
            let region = Self.districts[o % Self.districts.count]
            let h = Self.mix(seed ^ 0x0A6, UInt64(o))
            file.row([codes[o], "无锡市\(region.name)\(Self.streets[Int(h % UInt64(Self.streets.count))])第\(o + 1)志愿服务队",
                      region.code, name(h >> 8, male: h & 1 == 1), phone(1_000_000 + o, h >> 20), "Asia/Shanghai"])
        }
        try file.close()

        file = try open("volunteers.csv")
        file.row(["name", "sex", "birth_date", "document_type", "document_number", "residence_area", "phone", "skills",
                  "service_categories", "organizations"])
        var memberships = 0
        for o in 0..<organizations {
            let second = layout.secondOf[o]
            let joining = layout.joinerCount(o)
            for v in layout.blockStart[o]..<layout.blockStart[o + 1] {
                let person = volunteer(v)
                let h = Self.mix(seed ^ 0x5C111, UInt64(v))
                let orgs = v - layout.blockStart[o] < joining ? codes[o] + ";" + codes[second!] : codes[o]
                memberships += v - layout.blockStart[o] < joining ? 2 : 1
                file.row([person.name, person.male ? "男" : "女", person.birth.description, "居民身份证", person.document,
                          "无锡市" + Self.districts[Int(h % UInt64(Self.districts.count))].name, person.phone,
                          Self.skills[Int((h >> 8) % UInt64(Self.skills.count))],
                          ServiceCategory.allCases[Int((h >> 16) % 10)].chineseLabel, orgs])
            }
        }
        try file.close()
        progress?("volunteers.csv: \(volunteers) volunteers")

        var activities = try open("activities.csv")
        activities.row(["organization", "title", "content", "category", "place", "start", "end", "leader"])
        var recordTotal = 0
        for o in 0..<organizations {
            let count = layout.activityCount[o]
            // Members: the own block (first organization: mornings), then the joiners (second: afternoons).
            var members: [(index: Int32, second: Bool)] = (layout.blockStart[o]..<layout.blockStart[o + 1]).map { (Int32($0), false) }
            for p in layout.joiners[o] {
                members += (layout.blockStart[p]..<(layout.blockStart[p] + layout.joinerCount(p))).map { (Int32($0), true) }
            }
            var records = try open("records/\(codes[o]).csv")
            records.bytes += CSVWriter.byteOrderMark
            records.row(["姓名", "证件号码", "活动", "开始时间", "结束时间", "服务时长(小时)", "备注", "登记时间"])
            let total = layout.recordCount[o]
            for j in 0..<count {
                let day = Self.firstDay.adding(days: j * Self.activityDays / count)
                let h = Self.mix(seed ^ 0xAC7, UInt64(o) << 24 | UInt64(j))
                let category = ServiceCategory.allCases[Int(h % 10)]
                let title = "\(day.year)年第\(j + 1)期\(category.chineseLabel)志愿服务"
                activities.row([codes[o], title, "组织志愿者开展\(category.chineseLabel)服务，服务结束后按实际时长登记。", category.chineseLabel,
                                Self.districts[o % Self.districts.count].name + Self.streets[Int((h >> 8) % UInt64(Self.streets.count))] + "社区服务中心",
                                "\(day) 08:00", "\(day) 17:30", name(h >> 16, male: h & 0x100 == 0)])
                let n = total / count + (j < total % count ? 1 : 0)
                let offset = Int((h >> 24) % UInt64(members.count))
                for t in 0..<n {
                    let member = members[(offset + t) % members.count]
                    let person = volunteer(Int(member.index))
                    let r = Self.mix(seed ^ 0x2EC, UInt64(o) << 40 | UInt64(j) << 20 | UInt64(t))
                    // Quarter hours from the slot's opening: 08:00–12:00 or 13:00–17:30.
                    let open = member.second ? 13 * 4 : 8 * 4, close = member.second ? 17 * 4 + 2 : 12 * 4
                    let start = open + Int(r % 5)
                    let quarters = 4 + Int((r >> 4) % UInt64(close - start - 3))
                    let end = start + quarters
                    let late = (r >> 12) % 10 == 0
                    let recordedMinutes = end * 15 + (late ? (20 + Int((r >> 16) % 11)) * 1440 : Int((r >> 16) % (3 * 1440)))
                    let note = (r >> 32) % 50 == 0 ? "补录, 纸质签到表已存档" : ""
                    records.row([person.name, person.document, title, Self.time(day, start * 15), Self.time(day, end * 15),
                                 Self.hours(quarters), note, Self.time(day, recordedMinutes)])
                    recordTotal += 1
                }
            }
            try records.close()
            if let progress, organizations >= 10, (o + 1) % (organizations / 10) == 0 {
                progress("records: \(o + 1) of \(organizations) organizations, \(recordTotal) records")
            }
        }
        try activities.close()

        file = try open("recruitments.csv")
        file.row(["organization", "title", "content", "category", "place", "starts_in_days", "start", "end", "leader", "audience",
                  "capacity", "deadline_days_before"])
        for o in 0..<min(organizations, 50) {
            let h = Self.mix(seed ^ 0x2EC2, UInt64(o))
            let category = ServiceCategory.allCases[Int(h % 10)]
            file.row([codes[o], "近期\(category.chineseLabel)志愿者招募", "报名后请按时到场签到。", category.chineseLabel,
                      Self.districts[o % Self.districts.count].name + "志愿服务站", String(3 + Int((h >> 8) % 28)), "09:00", "12:00",
                      name(h >> 16, male: true), o % 5 == 4 ? "members" : "everyone", String(10 + Int((h >> 24) % 40)), "1"])
        }
        try file.close()

        // The same log-ins as samples/users.csv: org1 is the largest organization, volunteer1 its first member.
        file = try open("users.csv")
        file.row(["username", "password", "role", "organization", "volunteer_document_number"])
        file.row(["admin", "admin-demo-2026", "platform_admin", "", ""])
        for o in 0..<min(organizations, 4) {
            file.row(["org\(o + 1)-admin", "demo-2026", "org_admin", codes[o], ""])
            file.row(["org\(o + 1)-staff", "demo-2026", "org_staff", codes[o], ""])
        }
        file.row(["inspector1", "demo-2026", "inspector", "", ""])
        file.row(["inspector2", "demo-2026", "inspector", "", ""])
        for (n, v) in [0, layout.blockStart[min(1, organizations - 1)], volunteers - 1].enumerated() {
            file.row(["volunteer\(n + 1)", "demo-2026", "volunteer", "", volunteer(v).document])
        }
        try file.close()
        return Summary(organizations: organizations, volunteers: volunteers, memberships: memberships,
                       activities: layout.activityCount.reduce(0, +), records: recordTotal, largestOrganization: layout.members(0))
    }

    // MARK: - People and codes

    struct Person {
        var name: String
        var male: Bool
        var birth: LocalDate
        var document: String
        var phone: String
    }

    /// Birth dates span 1948-01-01 to 2005-12-31 (18 to 75 on the first activity day).
    static let birthFirst = LocalDate(year: 1948, month: 1, day: 1)!
    static let birthDays = 21_184

    /// Volunteer `v`, a pure function of the seed and `v`: (region, birth date, sequence) is one-to-one in `v`.
    func volunteer(_ v: Int) -> Person {
        let h = Self.mix(seed ^ 0x0E1, UInt64(v))
        let regions = Self.idRegions.count
        let rest = v / regions
        let region = Self.idRegions[v % regions]
        let dayIndex = (rest % Self.birthDays) * 7_919 % Self.birthDays
        let birth = Self.birthFirst.adding(days: dayIndex)
        let male = h & 1 == 1
        let shift = Int(Self.mix(seed ^ 0x5E9, UInt64(v % regions) << 32 | UInt64(dayIndex)) % 500)
        let sequence = ((rest / Self.birthDays + shift) % 500) * 2 + (male ? 1 : 0)
        var body = region + Self.digits(birth.year, 4) + Self.digits(birth.month, 2) + Self.digits(birth.day, 2)
        body += Self.digits(sequence, 3)
        let document = body + String(ResidentIDNumber.checkCharacter(for: body)!)
        return Person(name: name(h >> 1, male: male), male: male, birth: birth, document: document, phone: phone(v, h >> 40))
    }

    /// Unique for `n` below 10^8: 7,919 is prime to 10^8.
    func phone(_ n: Int, _ h: UInt64) -> String {
        Self.phonePrefixes[Int(h % UInt64(Self.phonePrefixes.count))] + Self.digits((n * 7_919 + 1_234_567) % 100_000_000, 8)
    }

    func name(_ h: UInt64, male: Bool) -> String {
        let given = male ? Self.maleGiven : Self.femaleGiven
        let surname = Self.surnames[Int(h % UInt64(Self.surnames.count))]
        let first = given[Int((h >> 8) % UInt64(given.count))]
        return (h >> 16) % 3 == 0 ? surname + first : surname + first + given[Int((h >> 24) % UInt64(given.count))]
    }

    /// `51` (民政, 社会团体) + region + organization code (8 characters and its GB 11714 check) + check character.
    func creditCode(_ o: Int) -> String {
        let first8 = "MJ" + Self.digits(o, 6)
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var total = 0
        for (character, weight) in zip(first8.unicodeScalars, weights) {
            let value = character.properties.numericType != nil ? Int(character.value) - 48 : Int(character.value) - 55
            total += value * weight
        }
        let check = 11 - total % 11
        let organizationCode = first8 + (check == 10 ? "X" : check == 11 ? "0" : String(check))
        let body = "51" + Self.districts[o % Self.districts.count].code + organizationCode
        return body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!)
    }

    // MARK: - Formatting without Foundation's formatters (millions of rows)

    static func digits(_ value: Int, _ width: Int) -> String {
        var text = String(value)
        if text.count < width { text = String(repeating: "0", count: width - text.count) + text }
        return text
    }

    /// `YYYY-MM-DD HH:MM` of `minutes` after the start of `day` (may pass into later days).
    static func time(_ day: LocalDate, _ minutes: Int) -> String {
        let date = minutes >= 1440 ? day.adding(days: minutes / 1440) : day
        let m = minutes % 1440
        return "\(date) " + digits(m / 60, 2) + ":" + digits(m % 60, 2)
    }

    static func hours(_ quarters: Int) -> String {
        switch quarters % 4 {
        case 0: String(quarters / 4)
        case 1: "\(quarters / 4).25"
        case 2: "\(quarters / 4).5"
        default: "\(quarters / 4).75"
        }
    }

    /// SplitMix64 of `key` under `seed`: the generator's only source of variety.
    static func mix(_ seed: UInt64, _ key: UInt64) -> UInt64 {
        var z = seed &+ key &* 0x9E37_79B9_7F4A_7C15 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let districts: [(code: String, name: String)] = [
        ("320213", "梁溪区"), ("320211", "滨湖区"), ("320214", "新吴区"), ("320206", "惠山区"), ("320205", "锡山区"),
        ("320281", "江阴市"), ("320282", "宜兴市"),
    ]
    static let idRegions = ["320213", "320211", "320214", "320206", "320205", "320281", "320282", "320102", "320506", "330106"]
    static let streets = ["崇安寺", "广益", "扬名", "蠡园", "河埒", "梅村", "旺庄", "堰桥", "东亭", "澄江", "宜城", "太湖", "金星", "通江"]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
                           "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
                           "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "沈", "姚", "钱", "华", "欧阳", "上官"]
    static let maleGiven = ["伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
                            "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "建", "国", "志", "文"]
    static let femaleGiven = ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "萍", "红", "婷", "雪", "琳", "晶",
                              "颖", "倩", "慧", "佳", "欣", "悦", "梅", "兰", "云", "洁", "琴", "英", "华", "月", "蓉"]
    static let skills = ["急救", "心理咨询", "法律咨询", "摄影", "驾驶", "外语", "计算机", "教育辅导", "医护", "文艺表演", "维修", "烹饪"]
    static let phonePrefixes = ["130", "133", "135", "137", "138", "139", "150", "152", "158", "177", "180", "186", "189"]
}

/// A file written through a buffer of about a megabyte.
struct BufferedFile {
    private let handle: FileHandle
    var bytes: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SampleDataError(message: "cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        bytes.reserveCapacity(1 << 20)
    }

    mutating func row(_ fields: [String]) {
        CSVWriter.append(row: fields, to: &bytes)
        if bytes.count >= 1 << 20 { flush() }
    }

    private mutating func flush() {
        handle.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        try handle.close()
    }
}
