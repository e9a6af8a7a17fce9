import Foundation

extension Ledger {
    /// Records an export reads a statement at a time: large pages of one index range by id, names joined.
    public static let exportPageSize = 5_000

    /// Writes records matching `filter` as CSV for Excel (UTF-8 with BOM) to `sink` in chunks of about 64 KiB,
    /// so millions of rows never sit in memory: keyset pages of `exportPageSize` records, each read with its
    /// volunteer's and activity's names in one statement while the page before is formatted. Document numbers
    /// are masked; times are in the organization's zone.
    public func exportRecords(_ filter: RecordFilter, by principal: Principal,
                              write sink: ([UInt8]) async throws -> Void) async throws {
        let filter = try recordFilter(filter, visibleTo: principal)
        var csv = CSVRowBuffer()
        for field in Self.recordExportHeader { csv.field(field) }
        csv.endRow()
        var organizations: [Int64: (name: [UInt8], offsets: ZoneOffsets)] = [:]
        var zones: [String: ZoneOffsets] = [:]
        // Names already encoded, bounded: a volunteer or activity usually comes back within a page or two.
        var volunteers: [Int64: [UInt8]] = [:]
        var activities: [Int64: [UInt8]] = [:]
        let late = CSVRowBuffer.encoded(["是"]), onTime = CSVRowBuffer.encoded(["否"])
        let void = CSVRowBuffer.encoded(["已作废 void"]), valid = CSVRowBuffer.encoded(["有效 valid"])
        let sources = Dictionary(uniqueKeysWithValues: RecordSource.allCases.map { ($0, CSVRowBuffer.encoded([$0.rawValue])) })

        let store = self.store
        let pageSize = Self.exportPageSize
        func page(after: Int64?) -> Task<[RecordExportRow], any Error> {
            Task { try await store.readAllowingLag { try $0.exportRows(filter, after: after, limit: pageSize) } }
        }
        var next: Task<[RecordExportRow], any Error>? = page(after: nil)
        defer { next?.cancel() }
        while let reading = next {
            let rows = try await reading.value
            next = rows.count == pageSize ? page(after: rows.last?.record.id) : nil
            let organizationIds = Set(rows.map(\.record.organizationId)).filter { organizations[$0] == nil }
            if !organizationIds.isEmpty {
                let found = try await store.readAllowingLag { r in try organizationIds.map { ($0, try r.organization(id: $0)) } }
                for (id, organization) in found {
                    let zone = organization?.timeZone ?? .ledgerDefault
                    let offsets = zones[zone.identifier] ?? ZoneOffsets(zone)
                    zones[zone.identifier] = offsets
                    organizations[id] = (CSVRowBuffer.encoded([organization?.name ?? ""]), offsets)
                }
            }
            if volunteers.count > 100_000 { volunteers.removeAll(keepingCapacity: true) }
            if activities.count > 50_000 { activities.removeAll(keepingCapacity: true) }
            for row in rows {
                let record = row.record
                guard let organization = organizations[record.organizationId] else { continue }
                csv.field(record.id)
                if let encoded = volunteers[record.volunteerId] {
                    csv.fields(encoded: encoded, count: 3)
                } else {
                    let encoded = CSVRowBuffer.encoded([row.volunteerNumber ?? "", row.volunteerName ?? "",
                                                        row.documentNumber.map(Masking.documentNumber) ?? ""])
                    volunteers[record.volunteerId] = encoded
                    csv.fields(encoded: encoded, count: 3)
                }
                csv.field(encoded: organization.name)
                if let encoded = activities[record.activityId] {
                    csv.fields(encoded: encoded, count: 2)
                } else {
                    let encoded = CSVRowBuffer.encoded([row.activityTitle ?? "", row.activityCategory?.chineseLabel ?? ""])
                    activities[record.activityId] = encoded
                    csv.fields(encoded: encoded, count: 2)
                }
                let start = Self.wholeSeconds(record.startAt), end = Self.wholeSeconds(record.endAt)
                let recorded = Self.wholeSeconds(record.recordedAt)
                csv.field(localTime: start, offset: organization.offsets.offset(at: start))
                csv.field(localTime: end, offset: organization.offsets.offset(at: end))
                csv.field(hoursFromMinutes: record.minutes)
                csv.field(encoded: sources[record.source] ?? [])
                csv.field(localTime: recorded, offset: organization.offsets.offset(at: recorded))
                csv.field(encoded: record.isLate ? late : onTime)
                csv.field(encoded: record.isVoid ? void : valid)
                csv.field(record.note)
                csv.endRow()
                if csv.isFull {
                    try await sink(csv.bytes)
                    csv.clear()
                }
            }
        }
        if !csv.bytes.isEmpty { try await sink(csv.bytes) }
    }

    /// The header row of the records export, Chinese and English.
    public static let recordExportHeader = [
        "记录编号 record_id", "志愿者编号 volunteer_number", "姓名 name", "证件号码 id_number", "组织 organization", "活动 activity",
        "服务类别 category", "开始时间 start", "结束时间 end", "服务时长(小时) hours", "来源 source", "登记时间 recorded_at",
        "逾期登记 late", "状态 status", "备注 note",
    ]

    /// Seconds since 1970 rounded down, as `LocalDateTime` reads an instant.
    static func wholeSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// Writes each volunteer's total hours (current, non-void records matching `filter`) as CSV for Excel.
    public func exportVolunteerTotals(_ filter: RecordFilter, by principal: Principal,
                                      write sink: ([UInt8]) async throws -> Void) async throws {
        let filter = try recordFilter(filter, visibleTo: principal)
        var csv = CSVWriter()
        csv.writeRow(["志愿者编号 volunteer_number", "姓名 name", "证件号码 id_number", "服务时长(小时) hours",
                      "记录数 records", "星级 star_level"])
        var after: Int64?
        let pageSize = Self.exportPageSize
        repeat {
            // A page of totals, then its volunteers and their all-time totals in a statement each.
            let page = try await store.readAllowingLag { [after] r -> [(KeyedMinuteTotal, Volunteer?, Int)] in
                let totals = try r.totalsByVolunteer(filter, after: after, limit: pageSize)
                let ids = totals.map(\.key)
                let volunteers = Dictionary(try r.volunteers(ids: ids).map { ($0.id, $0) }) { a, _ in a }
                let allTime = try r.totals(volunteerIds: ids)
                return totals.map { ($0, volunteers[$0.key], allTime[$0.key]?.minutes ?? 0) }
            }
            for (item, volunteer, allTimeMinutes) in page {
                csv.writeRow([
                    volunteer?.number ?? "", volunteer?.name ?? "",
                    volunteer.map { Masking.documentNumber($0.documentNumber) } ?? "",
                    HoursFormat.hours(fromMinutes: item.total.minutes), String(item.total.records),
                    String(StarLevel(totalMinutes: allTimeMinutes).rawValue),
                ])
            }
            try await sink(csv.takeBytes())
            after = page.count == pageSize ? page.last?.0.key : nil
        } while after != nil
    }
}
