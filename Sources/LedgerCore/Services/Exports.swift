import Foundation

extension Ledger {
    /// Writes records matching `filter` as CSV for Excel (UTF-8 with BOM), page by page, so millions of
    /// rows never sit in memory. Document numbers are masked; times are in the organization's zone.
    public func exportRecords(_ filter: RecordFilter, by principal: Principal,
                              write sink: ([UInt8]) async throws -> Void) async throws {
        let filter = try recordFilter(filter, visibleTo: principal)
        var csv = CSVWriter()
        csv.writeRow(["记录编号 record_id", "志愿者编号 volunteer_number", "姓名 name", "证件号码 id_number",
                      "组织 organization", "活动 activity", "服务类别 category", "开始时间 start", "结束时间 end",
                      "服务时长(小时) hours", "来源 source", "登记时间 recorded_at", "逾期登记 late", "状态 status", "备注 note"])
        var after: Int64?
        var organizations: [Int64: Organization] = [:]
        var activities: [Int64: Activity] = [:]
        repeat {
            let page = try await store.readAllowingLag { [after, organizations, activities] r -> ([ServiceRecord], [Int64: Volunteer], [Int64: Organization], [Int64: Activity]) in
                let records = try r.records(filter, after: after, limit: 2000)
                var volunteers: [Int64: Volunteer] = [:]
                var newOrganizations: [Int64: Organization] = [:]
                var newActivities: [Int64: Activity] = [:]
                for record in records {
                    if volunteers[record.volunteerId] == nil { volunteers[record.volunteerId] = try r.volunteer(id: record.volunteerId) }
                    if organizations[record.organizationId] == nil, newOrganizations[record.organizationId] == nil {
                        newOrganizations[record.organizationId] = try r.organization(id: record.organizationId)
                    }
                    if activities[record.activityId] == nil, newActivities[record.activityId] == nil {
                        newActivities[record.activityId] = try r.activity(id: record.activityId)
                    }
                }
                return (records, volunteers, newOrganizations, newActivities)
            }
            organizations.merge(page.2) { a, _ in a }
            activities.merge(page.3) { a, _ in a }
            if activities.count > 50_000 { activities = page.3 }
            for record in page.0 {
                let volunteer = page.1[record.volunteerId]
                let organization = organizations[record.organizationId]
                let zone = organization?.timeZone ?? .ledgerDefault
                let activity = activities[record.activityId]
                csv.writeRow([
                    String(record.id), volunteer?.number ?? "", volunteer?.name ?? "",
                    volunteer.map { Masking.documentNumber($0.documentNumber) } ?? "",
                    organization?.name ?? "", activity?.title ?? "", activity?.category.chineseLabel ?? "",
                    LocalDateTime(record.startAt, in: zone).description, LocalDateTime(record.endAt, in: zone).description,
                    HoursFormat.hours(fromMinutes: record.minutes), record.source.rawValue,
                    LocalDateTime(record.recordedAt, in: zone).description, record.isLate ? "是" : "否",
                    record.isVoid ? "已作废 void" : "有效 valid", record.note,
                ])
            }
            try await sink(csv.takeBytes())
            after = page.0.count == 2000 ? page.0.last?.id : nil
        } while after != nil
    }

    /// Writes each volunteer's total hours (current, non-void records matching `filter`) as CSV for Excel.
    public func exportVolunteerTotals(_ filter: RecordFilter, by principal: Principal,
                                      write sink: ([UInt8]) async throws -> Void) async throws {
        let filter = try recordFilter(filter, visibleTo: principal)
        var csv = CSVWriter()
        csv.writeRow(["志愿者编号 volunteer_number", "姓名 name", "证件号码 id_number", "服务时长(小时) hours",
                      "记录数 records", "星级 star_level"])
        var after: Int64?
        repeat {
            let page = try await store.readAllowingLag { [after] r -> [(KeyedMinuteTotal, Volunteer?, Int)] in
                try r.totalsByVolunteer(filter, after: after, limit: 2000).map { item in
                    (item, try r.volunteer(id: item.key), try r.total(RecordFilter(volunteerId: item.key)).minutes)
                }
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
            after = page.count == 2000 ? page.last?.0.key : nil
        } while after != nil
    }
}
