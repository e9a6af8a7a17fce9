import Foundation
import LedgerCore

/// All of a person's data (个人信息查阅/复制) as one sheet: sections one after another, each a title row, a header row and
/// its rows, times in `zone`, hours with two decimals.
public enum PersonalDataWorkbook {
    public static func bytes(_ data: PersonalDataExport, zone: TimeZone = .ledgerDefault) throws -> [UInt8] {
        var w = XLSXWriter()
        func time(_ date: Date?) -> XLSXWriter.Cell {
            guard let date else { return .text("") }
            return .text(RFC3339.string(date, in: zone))
        }
        func section(_ title: String, _ header: [String]) {
            w.writeRow([])
            w.writeRow([.text(title)])
            w.writeRow(header.map { .text($0) })
        }
        let v = data.volunteer
        w.writeRow([.text("个人信息 / My data"), time(data.exportedAt)])
        section("资料 / Profile", ["项目 / Field", "内容 / Value"])
        let profile: [(String, String)] = [
            ("志愿者编号 / Number", v.number), ("姓名 / Name", v.name), ("性别 / Sex", v.sex.rawValue),
            ("出生日期 / Birth date", v.birthDate.description), ("证件类型 / Document type", v.documentType.rawValue),
            ("证件号码 / Document number", v.documentNumber), ("手机 / Phone", v.phone), ("居住地区 / Residence", v.residenceArea),
            ("服务类别 / Categories", v.serviceCategories.map(\.rawValue).joined(separator: ", ")),
            ("技能 / Skills", v.skills.joined(separator: ", ")), ("用户名 / Username", data.username),
        ]
        for (field, value) in profile { w.writeRow([.text(field), .text(value)]) }
        w.writeRow([.text("注册时间 / Registered"), time(v.registeredAt)])
        section("同意 / Consents", ["协议版本 / Terms version", "同意时间 / Accepted", "监护人 / Guardian", "监护人电话 / Guardian phone",
                                  "监护人同意时间 / Guardian consented", "认领已有登记 / Took over"])
        if let c = data.consent {
            w.writeRow([.text(c.termsVersion), time(c.termsAcceptedAt), .text(c.guardianName ?? ""), .text(c.guardianPhone ?? ""),
                        time(c.guardianConsentedAt), .text(c.tookOver ? "是 / yes" : "否 / no")])
        }
        section("所属组织 / Memberships", ["组织 / Organization", "加入时间 / Joined", "退出时间 / Left"])
        for m in data.memberships { w.writeRow([.text(m.organizationName), time(m.joinedAt), .text("")]) }
        for e in data.membershipEndings { w.writeRow([.text("#\(e.organizationId)"), time(e.joinedAt), time(e.leftAt)]) }
        section("加入申请 / Join requests", ["编号 / Id", "组织 / Organization", "状态 / State", "申请时间 / Asked", "说明 / Note"])
        for r in data.joinRequests {
            w.writeRow([.number(Double(r.id)), .text("#\(r.organizationId)"), .text(r.state.rawValue), time(r.requestedAt), .text(r.note)])
        }
        section("服务记录 / Service records", ["记录 / Record", "版本 / Revision", "类型 / Kind", "开始 / Start", "结束 / End",
                                              "时长（小时） / Hours", "原因 / Reason", "时间 / At"])
        for exported in data.records {
            for h in exported.history {
                w.writeRow([.number(Double(h.recordId)), .number(Double(h.revision)), .text(h.kind.rawValue), time(h.startAt), time(h.endAt),
                            .number((Double(h.minutes) / 60 * 100).rounded() / 100), .text(h.reason), time(h.at)])
            }
        }
        section("证书 / Certificates", ["编号 / Serial", "签发方 / Issuer", "时长（小时） / Hours", "签发时间 / Issued", "撤销 / Revoked"])
        for c in data.certificates {
            w.writeRow([.text(c.serial), .text(c.issuerName), .number((Double(c.minutes) / 60 * 100).rounded() / 100), time(c.issuedAt),
                        time(c.revocation?.at)])
        }
        section("活动报名 / Sign-ups", ["编号 / Id", "活动 / Activity", "状态 / State", "报名时间 / Signed up"])
        for s in data.signUps { w.writeRow([.number(Double(s.id)), .number(Double(s.activityId)), .text(s.state.rawValue), time(s.signedUpAt)]) }
        section("补录申请 / Hours claims", ["编号 / Id", "活动 / Activity", "状态 / State", "时长（小时） / Hours", "提交时间 / Submitted"])
        for c in data.claims {
            w.writeRow([.number(Double(c.id)), .number(Double(c.activityId)), .text(c.state.rawValue),
                        .number((Double(c.minutes) / 60 * 100).rounded() / 100), time(c.submittedAt)])
        }
        return try w.bytes()
    }
}
