import Foundation

/// Every failure a use case reports to a person, with a stable code and a bilingual message.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Broad classes that interfaces map to status codes.
    public enum Kind: Sendable { case invalidInput, notFound, conflict, forbidden, unauthenticated, throttled, tooLarge, unavailable }

    case invalidField(field: String, reason: String)
    case notFound(entity: String, key: String)
    case forbidden(String)
    case unauthenticated
    case invalidCredentials
    case duplicateCreditCode(String)
    case duplicateUsername(String)
    case duplicateActivityTitle(String)
    case notAMember(volunteerNumber: String)
    case endNotAfterStart
    case minutesNotPositive
    case minutesExceedSpan(minutes: Int, spanMinutes: Int)
    case outsideActivityWindow(activityStart: String, activityEnd: String)
    case inFuture
    case overlapsRecord(recordId: Int64, start: String, end: String)
    case dailyLimitExceeded(day: String, alreadyMinutes: Int)
    case recordVoided(recordId: Int64)
    case reasonRequired
    case nothingChanged
    /// Certificates: nothing to certify in the period asked for, or revoking twice.
    case noRecordsToCertify
    case certificateRevoked(serial: String)
    /// Spot checks: a step taken out of order, a second finding on an item, publishing with items open.
    case spotCheckState(id: Int64, status: SpotCheckStatus, expected: String)
    case findingExists(item: String)
    case itemsUndecided(count: Int)
    /// On-site check-in: outside the activity's check-in time, already on site, or no longer open.
    case checkInClosed(activityStart: String, activityEnd: String)
    case alreadyCheckedIn(checkInId: Int64, activityId: Int64)
    case checkInNotOpen(checkInId: Int64, state: CheckInState)
    /// Sign-up: the activity takes none (not open, or past its deadline), the volunteer already signed up,
    /// lacks a required skill, or the sign-up was already withdrawn or decided.
    case signUpClosed(activityId: Int64)
    case alreadySignedUp(signUpId: Int64, state: SignUpState)
    case missingSkills([String])
    case signUpNotActive(signUpId: Int64, state: SignUpState)
    /// The attendance code is not the activity's current (or previous) one.
    case attendanceCodeInvalid
    /// A self check-out with no open self check-in at the activity.
    case notCheckedIn(activityId: Int64)
    /// A self check-in or check-out away from a site that requires presence (`positionGiven` false: the phone gave no
    /// position). It says neither how far nor which way: a refusal must not help to find the site.
    case notOnSite(positionGiven: Bool)
    /// The volunteer of an invitation already has a login.
    case alreadyHasLogin(volunteerNumber: String)
    /// A claim already decided the other way.
    case claimDecided(claimId: Int64, state: HoursClaimState)
    /// An approval repeated with other minutes than the claim was approved with.
    case claimApprovedWithOtherMinutes(claimId: Int64, approvedMinutes: Int, askedMinutes: Int)
    /// Too many wrong passwords for this account or from this address: try again after the delay.
    case loginThrottled(retryAfterSeconds: Int)
    /// Too many wrong attendance codes from this volunteer or at this activity: try again after the delay.
    case attendanceCodeThrottled(retryAfterSeconds: Int)
    /// Too many wrong invitation codes from this address, or wrong document numbers for this code: try again later.
    case invitationThrottled(retryAfterSeconds: Int)
    /// A one-time code that does not match; `remainingTries` more may be made with it.
    case verificationCodeWrong(remainingTries: Int)
    /// No code is waiting for this purpose and destination, or it is older than five minutes.
    case verificationCodeExpired
    /// The code's tries are used up: ask for a new one.
    case verificationCodeUsedUp
    /// Too many codes asked for, or too many wrong ones, for this destination or from this address.
    case verificationCodeThrottled(retryAfterSeconds: Int)
    /// The mail server or SMS gateway did not take the message (`channel`: `sms` or `email`).
    case messageNotDelivered(channel: String)
    /// An uploaded file could not be read as text: its encoding is wrong, or a line breaks a limit.
    case unreadableFile(String)
    /// An upload is larger than the documented limit.
    case uploadTooLarge(limitBytes: Int)
    /// Joining an organization: a request is already waiting, the volunteer is already a member, the organization
    /// takes no requests, or the request was already decided.
    case joinRequestPending(requestId: Int64)
    case alreadyMember(organizationId: Int64)
    case joinRequestsClosed(organizationId: Int64)
    case joinRequestDecided(requestId: Int64, state: JoinRequestState)
    /// An organization's application: one is already pending for the credit code, it was already decided, or too many
    /// applications came from one client address.
    case organizationApplicationPending(creditCode: String)
    case organizationApplicationDecided(applicationId: Int64, state: OrganizationApplicationState)
    case organizationApplicationThrottled(retryAfterSeconds: Int)
    /// Self-registration: the document number already has a login; the person registered by an organization has no
    /// mobile phone on file to prove (they ask one of `organizations` for an invitation); too many registrations from
    /// one client address.
    case documentHasAccount
    case takeoverNeedsInvitation(organizations: [String])
    case registrationThrottled(retryAfterSeconds: Int)

    public var kind: Kind {
        switch self {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .unauthenticated, .invalidCredentials: .unauthenticated
        case .loginThrottled, .attendanceCodeThrottled, .invitationThrottled, .registrationThrottled: .throttled
        case .documentHasAccount, .takeoverNeedsInvitation: .conflict
        case .uploadTooLarge: .tooLarge
        case .organizationApplicationThrottled: .throttled
        case .organizationApplicationPending, .organizationApplicationDecided: .conflict
        case .verificationCodeThrottled: .throttled
        case .messageNotDelivered: .unavailable
        case .duplicateCreditCode, .duplicateUsername, .duplicateActivityTitle, .overlapsRecord,
             .dailyLimitExceeded, .recordVoided, .certificateRevoked,
             .spotCheckState, .findingExists, .itemsUndecided, .checkInClosed, .alreadyCheckedIn,
             .checkInNotOpen, .signUpClosed, .alreadySignedUp, .missingSkills, .signUpNotActive, .notCheckedIn, .notOnSite, .alreadyHasLogin, .claimDecided, .claimApprovedWithOtherMinutes,
             .joinRequestPending, .alreadyMember, .joinRequestsClosed, .joinRequestDecided: .conflict
        default: .invalidInput
        }
    }

    /// A stable identifier, used as the problem `type` suffix and in import reports.
    public var code: String {
        switch self {
        case .invalidField: "invalid-field"
        case .notFound: "not-found"
        case .forbidden: "forbidden"
        case .unauthenticated: "unauthenticated"
        case .invalidCredentials: "invalid-credentials"
        case .duplicateCreditCode: "duplicate-credit-code"
        case .duplicateUsername: "duplicate-username"
        case .duplicateActivityTitle: "duplicate-activity-title"
        case .notAMember: "not-a-member"
        case .endNotAfterStart: "end-not-after-start"
        case .minutesNotPositive: "minutes-not-positive"
        case .minutesExceedSpan: "minutes-exceed-span"
        case .outsideActivityWindow: "outside-activity-window"
        case .inFuture: "in-future"
        case .overlapsRecord: "overlapping-record"
        case .dailyLimitExceeded: "daily-limit-exceeded"
        case .recordVoided: "record-voided"
        case .reasonRequired: "reason-required"
        case .nothingChanged: "nothing-changed"
        case .noRecordsToCertify: "no-records-to-certify"
        case .certificateRevoked: "certificate-revoked"
        case .spotCheckState: "spot-check-state"
        case .findingExists: "finding-exists"
        case .itemsUndecided: "items-undecided"
        case .checkInClosed: "check-in-closed"
        case .alreadyCheckedIn: "already-checked-in"
        case .checkInNotOpen: "check-in-not-open"
        case .signUpClosed: "sign-up-closed"
        case .alreadySignedUp: "already-signed-up"
        case .missingSkills: "missing-skills"
        case .signUpNotActive: "sign-up-not-active"
        case .attendanceCodeInvalid: "attendance-code-invalid"
        case .notCheckedIn: "not-checked-in"
        case .notOnSite: "not-on-site"
        case .alreadyHasLogin: "already-has-login"
        case .claimDecided: "claim-decided"
        case .claimApprovedWithOtherMinutes: "claim-approved-with-other-minutes"
        case .loginThrottled: "login-throttled"
        case .attendanceCodeThrottled: "attendance-code-throttled"
        case .invitationThrottled: "invitation-throttled"
        case .verificationCodeWrong: "verification-code-wrong"
        case .verificationCodeExpired: "verification-code-expired"
        case .verificationCodeUsedUp: "verification-code-used-up"
        case .verificationCodeThrottled: "verification-code-throttled"
        case .messageNotDelivered: "message-not-delivered"
        case .unreadableFile: "unreadable-file"
        case .uploadTooLarge: "upload-too-large"
        case .joinRequestPending: "join-request-pending"
        case .alreadyMember: "already-member"
        case .joinRequestsClosed: "join-requests-closed"
        case .joinRequestDecided: "join-request-decided"
        case .organizationApplicationPending: "organization-application-pending"
        case .organizationApplicationDecided: "organization-application-decided"
        case .organizationApplicationThrottled: "organization-application-throttled"
        case .documentHasAccount: "document-has-account"
        case .takeoverNeedsInvitation: "takeover-needs-invitation"
        case .registrationThrottled: "registration-throttled"
        }
    }

    /// The field a person has to fix, where there is one.
    public var field: String? {
        switch self {
        case .invalidField(let field, _): field
        case .endNotAfterStart, .outsideActivityWindow, .inFuture, .overlapsRecord, .dailyLimitExceeded: "end"
        case .minutesNotPositive, .minutesExceedSpan, .claimApprovedWithOtherMinutes: "minutes"
        case .duplicateCreditCode: "creditCode"
        case .duplicateUsername: "username"
        case .duplicateActivityTitle: "title"
        case .reasonRequired: "reason"
        case .attendanceCodeInvalid, .attendanceCodeThrottled, .invitationThrottled: "code"
        case .verificationCodeWrong, .verificationCodeExpired, .verificationCodeUsedUp, .verificationCodeThrottled: "code"
        case .unreadableFile, .uploadTooLarge: "file"
        case .organizationApplicationPending: "creditCode"
        case .documentHasAccount, .takeoverNeedsInvitation: "documentNumber"
        default: nil
        }
    }

    /// Chinese first, then English.
    public var message: String {
        switch self {
        case .invalidField(let field, let reason):
            "\(field): \(reason)"
        case .notFound(let entity, let key):
            "未找到\(Self.chineseName(entity)) / \(entity) \(key) not found"
        case .forbidden(let what):
            "无权操作 / not allowed: \(what)"
        case .unauthenticated:
            "请先登录 / authentication required: send a valid bearer token"
        case .invalidCredentials:
            "用户名或密码错误 / wrong username or password"
        case .duplicateCreditCode(let code):
            "统一社会信用代码 \(code) 已登记 / an organization with credit code \(code) already exists"
        case .duplicateUsername(let name):
            "用户名 \(name) 已被使用 / username \(name) is taken"
        case .duplicateActivityTitle(let title):
            "本组织已有同名活动“\(title)” / this organization already has an activity titled \(title)"
        case .notAMember(let number):
            "志愿者 \(number) 不是本组织成员 / volunteer \(number) is not a member of this organization"
        case .endNotAfterStart:
            "结束时间必须晚于开始时间 / the end must be after the start"
        case .minutesNotPositive:
            "服务时长必须大于零 / service time must be more than zero"
        case .minutesExceedSpan(let minutes, let span):
            "服务时长 \(HoursFormat.hours(fromMinutes: minutes)) 小时超过起止时间跨度 \(HoursFormat.hours(fromMinutes: span)) 小时 / service time \(HoursFormat.hours(fromMinutes: minutes)) h exceeds the span of \(HoursFormat.hours(fromMinutes: span)) h between start and end"
        case .outsideActivityWindow(let start, let end):
            "服务时间不在活动时间 \(start) 至 \(end) 之内 / the service time is outside the activity's time \(start) to \(end)"
        case .inFuture:
            "不能登记尚未发生的服务 / the service cannot end in the future"
        case .overlapsRecord(let id, let start, let end):
            "与该志愿者的服务记录 #\(id)（\(start) 至 \(end)）时间重叠 / overlaps this volunteer's record #\(id) (\(start) to \(end))"
        case .dailyLimitExceeded(let day, let already):
            "该志愿者 \(day) 已登记 \(HoursFormat.hours(fromMinutes: already)) 小时，每日合计不得超过 24 小时 / the volunteer already has \(HoursFormat.hours(fromMinutes: already)) h on \(day); at most 24 h a day"
        case .recordVoided(let id):
            "记录 #\(id) 已作废，不能再更正 / record #\(id) is void and cannot be corrected"
        case .reasonRequired:
            "请填写更正或作废的原因 / a reason is required"
        case .nothingChanged:
            "更正内容与当前记录相同 / the correction changes nothing"
        case .noRecordsToCertify:
            "所选范围内没有该志愿者的服务记录，无法出具证明 / the volunteer has no service records in this scope and period, so there is nothing to certify"
        case .certificateRevoked(let serial):
            "证明 \(serial) 已撤销 / certificate \(serial) is already revoked"
        case .spotCheckState(let id, let status, let expected):
            "抽查 #\(id) 当前状态为 \(status.rawValue)：\(expected) / spot check #\(id) is \(status.rawValue)"
        case .findingExists(let item):
            "\(item) 已登记检查结果，不能重复登记 / a finding on \(item) is already recorded"
        case .itemsUndecided(let count):
            "还有 \(count) 个抽查对象未登记检查结果，不能公示 / \(count) items are still undecided; publish when all are decided"
        case .checkInClosed(let start, let end):
            "活动时间为 \(start) 至 \(end)，只能在开始前两小时至结束前签到 / check-in is open from two hours before the activity starts (\(start)) until it ends (\(end))"
        case .alreadyCheckedIn(let id, let activityId):
            "该志愿者已在活动 #\(activityId) 签到（签到 #\(id)），请先签退或撤销 / the volunteer is already checked in at activity #\(activityId) (check-in #\(id)); check them out or cancel it first"
        case .checkInNotOpen(let id, let state):
            "签到 #\(id) 已\(state == .canceled ? "撤销" : state == .autoClosed ? "由系统关闭" : "签退") / check-in #\(id) is already \(state == .canceled ? "canceled" : state == .autoClosed ? "closed automatically" : "checked out")"
        case .signUpClosed(let activityId):
            "活动 #\(activityId) 未开放报名或报名已截止 / activity #\(activityId) is not open for sign-up, or its deadline has passed"
        case .alreadySignedUp(let id, let state):
            "已报名该活动（报名 #\(id)，\(state == .waitlisted ? "候补中" : state == .confirmed ? "已录用" : "待确认")） / already signed up for this activity (sign-up #\(id), \(state.rawValue))"
        case .missingSkills(let skills):
            "该活动要求以下技能：\(skills.joined(separator: "、")) / the activity requires these skills: \(skills.joined(separator: ", "))"
        case .signUpNotActive(let id, let state):
            "报名 #\(id) 已\(state == .canceled ? "取消" : state == .declined ? "被婉拒" : "处理")，不能再更改 / sign-up #\(id) is \(state.rawValue) and can no longer change"
        case .attendanceCodeInvalid:
            "签到码无效或已过期，请重新扫描现场屏幕上的二维码 / the attendance code is wrong or has expired; scan the QR code on the screen at the site again"
        case .notCheckedIn(let activityId):
            "你尚未在活动 #\(activityId) 签到，不能签退 / you are not checked in at activity #\(activityId), so there is nothing to check out"
        case .claimDecided(let id, let state):
            "补录申请 #\(id) 已\(state == .approved ? "批准" : "驳回")，不能再更改 / hours claim #\(id) is already \(state.rawValue) and can no longer change"
        case .claimApprovedWithOtherMinutes(let id, let approved, let asked):
            "补录申请 #\(id) 已按 \(approved) 分钟批准，不能再按 \(asked) 分钟批准；如需调整请更正其服务记录 / hours claim #\(id) is already approved with \(approved) minutes, not \(asked); correct its record to change them"
        case .alreadyHasLogin(let number):
            "志愿者 \(number) 已有登录账号，可用原账号登录或请平台重置密码 / volunteer \(number) already has a login: sign in with it, or ask the platform to reset its password"
        case .notOnSite(let positionGiven):
            positionGiven
                ? "你的手机离活动地点太远，须在现场才能签到或签退 / your phone is too far from the activity's site: check in and out on site"
                : "该活动须在现场签到或签退，请允许浏览器获取位置后重试 / this activity needs you on site: allow the browser to share your position and try again"
        case .loginThrottled(let seconds):
            "密码错误次数过多，请 \(seconds) 秒后再试 / too many wrong passwords; try again in \(seconds) seconds"
        case .attendanceCodeThrottled(let seconds):
            "签到码错误次数过多，请 \(seconds) 秒后再扫描现场屏幕上的二维码 / too many wrong attendance codes; scan the QR code on the screen at the site again in \(seconds) seconds"
        case .invitationThrottled(let seconds):
            "邀请码或证件号码错误次数过多，请 \(seconds) 秒后再试 / too many wrong invitation codes or document numbers; try again in \(seconds) seconds"
        case .verificationCodeWrong(let remaining):
            "验证码错误，还可再试 \(remaining) 次 / wrong code; \(remaining) more tries"
        case .verificationCodeExpired:
            "验证码已过期或未发送，请重新获取 / the code has expired or was never sent: ask for a new one"
        case .verificationCodeUsedUp:
            "验证码错误次数过多，已失效，请重新获取 / too many wrong tries: this code no longer works, ask for a new one"
        case .verificationCodeThrottled(let seconds):
            "验证码请求或错误次数过多，请 \(seconds) 秒后再试 / too many codes asked for or wrong codes; try again in \(seconds) seconds"
        case .messageNotDelivered(let channel):
            channel == "sms" ? "短信发送失败，请稍后再试 / the text message could not be sent; try again later"
                : "邮件发送失败，请稍后再试 / the email could not be sent; try again later"
        case .unreadableFile(let reason):
            reason
        case .uploadTooLarge(let limit):
            "文件超过 \(Self.size(limit)) 的上限 / the file is larger than the limit of \(Self.size(limit))"
        case .joinRequestPending(let id):
            "你已申请加入该组织（申请 #\(id)），请等待组织处理 / you already asked to join this organization (request #\(id)); wait for its staff to decide"
        case .alreadyMember:
            "你已是该组织的成员 / you are already a member of this organization"
        case .joinRequestsClosed:
            "该组织暂不接受加入申请 / this organization does not take join requests"
        case .joinRequestDecided(let id, let state):
            "加入申请 #\(id) 已\(state == .accepted ? "通过" : state == .declined ? "婉拒" : "撤回")，不能再更改 / join request #\(id) is already \(state.rawValue) and can no longer change"
        case .organizationApplicationPending(let code):
            "统一社会信用代码 \(code) 已有一份入驻申请在审核中，请等待结果 / an application for credit code \(code) is already waiting for review"
        case .organizationApplicationDecided(let id, let state):
            "入驻申请 #\(id) 已\(state == .approved ? "批准" : "退回")，不能再更改 / organization application #\(id) is already \(state.rawValue) and can no longer change"
        case .organizationApplicationThrottled(let seconds):
            "入驻申请提交过于频繁，请 \(seconds) 秒后再试 / too many applications from this address: try again in \(seconds) s"
        case .documentHasAccount:
            "该证件号码已开通账号，请直接登录；忘记密码请找回密码 / this document number already has an account: log in, or reset a forgotten password"
        case .takeoverNeedsInvitation(let organizations):
            "该证件号码已由\(organizations.isEmpty ? "志愿服务组织" : organizations.joined(separator: "、"))登记，但没有可接收验证码的手机号码，请向该组织索取邀请码（/invite） / this document number was registered by \(organizations.isEmpty ? "an organization" : organizations.joined(separator: ", ")) without a mobile phone to send a code to: ask that organization for an invitation (/invite)"
        case .registrationThrottled(let seconds):
            "注册尝试过于频繁，请 \(seconds) 秒后再试 / too many registration attempts: try again in \(seconds) s"
        }
    }

    public var description: String { message }

    /// Seconds to wait before trying again, for a refusal that asks to wait (sent as `Retry-After`).
    public var retryAfterSeconds: Int? {
        switch self {
        case .loginThrottled(let seconds), .attendanceCodeThrottled(let seconds), .invitationThrottled(let seconds),
             .organizationApplicationThrottled(let seconds), .verificationCodeThrottled(let seconds), .registrationThrottled(let seconds): seconds
        default: nil
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes >> 10) KB"
    }

    private static func chineseName(_ entity: String) -> String {
        switch entity {
        case "organization": "组织"
        case "volunteer": "志愿者"
        case "activity": "活动"
        case "record": "服务记录"
        case "user": "用户"
        case "certificate": "证明"
        case "status list": "状态列表"
        case "spot check": "抽查"
        case "spot-check item": "抽查对象"
        case "inspector": "检查人员"
        case "exclusion": "回避信息"
        case "check-in": "签到"
        case "join request": "加入申请"
        case "membership": "成员资格"
        default: entity
        }
    }
}
