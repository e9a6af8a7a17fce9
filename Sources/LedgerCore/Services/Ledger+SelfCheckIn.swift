import Foundation

/// The code on an activity's attendance screen, the URL its QR code opens, and when it is replaced.
public struct AttendanceCode: Sendable, Hashable {
    /// The organization of the activity, whose time zone shows `expiresAt`.
    public var organizationId: Int64
    public var code: String
    public var url: String
    public var expiresAt: Date
}

extension Ledger {
    /// Volunteers may check themselves out this long after the activity ended (the service counted ends at the
    /// activity's end); the attendance screen shows codes until then.
    public static let selfCheckOutGrace: TimeInterval = 2 * 3600

    /// The current attendance code of an activity of the principal's organization, from two hours before it starts
    /// until two hours after it ends.
    public func attendanceCode(activityId: Int64, by principal: Principal) async throws -> AttendanceCode {
        let codes = try attendanceCodes()
        let now = clock()
        let activity = try await store.read { r in
            try Self.writableActivity(id: activityId, in: r, by: principal,
                                      refusal: "只能显示本组织活动的签到码 / you can only show the attendance code of your own organization's activities")
        }
        guard now >= activity.startAt.addingTimeInterval(-CheckInRules.earlyArrival),
              now < activity.endAt.addingTimeInterval(Self.selfCheckOutGrace) else {
            let zone = try await timeZones(of: [activity.organizationId])[activity.organizationId] ?? .ledgerDefault
            throw LedgerError.checkInClosed(activityStart: LocalDateTime(activity.startAt, in: zone).description,
                                            activityEnd: LocalDateTime(activity.endAt, in: zone).description)
        }
        let current = codes.code(activityId: activity.id, at: now)
        return AttendanceCode(organizationId: activity.organizationId, code: current.code, url: codes.url(activityId: activity.id, code: current.code), expiresAt: current.expiresAt)
    }

    /// Checks the principal volunteer in at an activity with the code of its attendance screen (扫码签到), now, with
    /// where their phone was. A volunteer with a confirmed sign-up may, or, where the activity takes no sign-ups, a
    /// member of its organization. Checking in again at the same activity answers the open check-in (`isNew` false).
    /// The code is checked (and wrong codes throttled) before any transaction starts.
    public func selfCheckIn(activityId: Int64, code: String, position: GeoPosition?,
                            by principal: Principal) async throws -> (checkIn: CheckIn, isNew: Bool) {
        let volunteerId = try selfServiceVolunteer(principal)
        let instant = clock()
        let now = instant.wholeSeconds
        try checkAttendanceCode(code, activityId: activityId, volunteerId: volunteerId, at: instant)
        return try await throttlingOffSite(volunteerId: volunteerId) { try await store.write { w in
            guard let activity = try w.activity(id: activityId) else { throw LedgerError.notFound(entity: "activity", key: String(activityId)) }
            try Self.checkMayTakePart(volunteerId: volunteerId, in: activity, w)
            guard CheckInRules.isOpen(activity, at: now) else {
                let zone = try w.organization(id: activity.organizationId)?.timeZone ?? .ledgerDefault
                throw LedgerError.checkInClosed(activityStart: LocalDateTime(activity.startAt, in: zone).description,
                                                activityEnd: LocalDateTime(activity.endAt, in: zone).description)
            }
            try w.lockVolunteer(id: volunteerId)
            if let open = try w.openCheckIn(volunteerId: volunteerId) {
                if open.activityId == activity.id { return (open, false) }
                throw LedgerError.alreadyCheckedIn(checkInId: open.id, activityId: open.activityId)
            }
            let offSite = try Self.isOffSite(position, activity)
            return (try w.insert(CheckIn(id: 0, activityId: activity.id, organizationId: activity.organizationId, volunteerId: volunteerId,
                                         checkedInAt: now, checkedInBy: principal.userId, method: .selfService, position: position,
                                         offSite: offSite)), true)
        } }
    }

    /// Whether `position` is away from the activity's site, where that is accepted; refused (`notOnSite`, saying neither
    /// how far nor which way) where the activity requires presence.
    static func isOffSite(_ position: GeoPosition?, _ activity: Activity) throws -> Bool {
        guard let site = activity.site, !site.covers(position) else { return false }
        guard !site.presenceRequired else { throw LedgerError.notOnSite(positionGiven: position != nil) }
        return true
    }

    /// Refuses a code while the volunteer or the activity must wait (`attendanceCodeThrottled`, before the code is
    /// compared, so waiting tells nothing), and a wrong code (`attendanceCodeInvalid`), counting it for both.
    private func checkAttendanceCode(_ code: String, activityId: Int64, volunteerId: Int64, at instant: Date) throws {
        let codes = try attendanceCodes()
        let volunteer = GuessKey.volunteer(volunteerId), activity = GuessKey.activity(activityId)
        if let wait = attendanceThrottle.delay(account: volunteer, address: activity, now: instant) {
            LedgerMetrics.guessThrottled("attendance_code")
            throw LedgerError.attendanceCodeThrottled(retryAfterSeconds: wait)
        }
        guard codes.accepts(code, activityId: activityId, at: instant) else {
            attendanceThrottle.recordFailure(account: volunteer, address: activity, now: instant)
            throw LedgerError.attendanceCodeInvalid
        }
    }

    /// Runs a self check-in or check-out, counting a refusal away from the site as a wrong guess of the volunteer's
    /// (not of the activity's: a crowd with poor reception must not hold the others back), so positions cannot be tried
    /// freely to find the site.
    private func throttlingOffSite<T>(volunteerId: Int64, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch LedgerError.notOnSite(let positionGiven) {
            if positionGiven { attendanceThrottle.recordFailure(account: GuessKey.volunteer(volunteerId), address: nil, now: clock()) }
            throw LedgerError.notOnSite(positionGiven: positionGiven)
        }
    }

    /// Sets where an activity of the principal's organization takes place for self check-in (nil: anywhere).
    public func setActivitySite(activityId: Int64, _ site: ActivitySite?, by principal: Principal) async throws -> Activity {
        let site = try site.map { try ActivitySite.checked(latitude: $0.latitude, longitude: $0.longitude, radius: $0.radius,
                                                           presenceRequired: $0.presenceRequired) }
        return try await store.write { w in
            var activity = try Self.writableActivity(id: activityId, in: w, by: principal,
                                                     refusal: "只能管理本组织的活动 / you can only manage your own organization's activities")
            try w.updateSite(activityId: activity.id, site: site)
            activity.site = site
            return activity
        }
    }

    /// Checks the principal volunteer out of their open check-in at the activity with its current code, now, and
    /// stores the record through the same path as a staff check-out (every rule, one transaction). Where the phone was
    /// is kept and checked as at check-in: refused away from a site that requires presence, else flagged.
    public func selfCheckOut(activityId: Int64, code: String, position: GeoPosition?,
                             by principal: Principal) async throws -> (CheckIn, ServiceRecord) {
        let volunteerId = try selfServiceVolunteer(principal)
        let instant = clock()
        let now = instant.wholeSeconds
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        try checkAttendanceCode(code, activityId: activityId, volunteerId: volunteerId, at: instant)
        return try await throttlingOffSite(volunteerId: volunteerId) { try await store.write { w in
            guard let activity = try w.activity(id: activityId) else { throw LedgerError.notFound(entity: "activity", key: String(activityId)) }
            guard let open = try w.openCheckIn(volunteerId: volunteerId), open.activityId == activity.id else {
                throw LedgerError.notCheckedIn(activityId: activity.id)
            }
            let offSite = try Self.isOffSite(position, activity)
            return try Self.closeWithRecord(open, minutes: nil, note: "", actorId: principal.userId, in: w, now: now,
                                            deadlineDays: deadlineDays, organizations: organizations, position: position, offSite: offSite)
        } }
    }

    /// The principal volunteer's open check-in, if any, for the check-in page.
    public func ownOpenCheckIn(by principal: Principal) async throws -> CheckIn? {
        let volunteerId = try selfServiceVolunteer(principal)
        return try await store.read { try $0.openCheckIn(volunteerId: volunteerId) }
    }

    /// The activity a volunteer holding its code may see on the check-in page: title, place and times.
    /// The code is checked (and throttled) as for checking in, before anything is read.
    public func attendanceActivity(activityId: Int64, code: String, by principal: Principal) async throws -> Activity {
        let volunteerId = try selfServiceVolunteer(principal)
        try checkAttendanceCode(code, activityId: activityId, volunteerId: volunteerId, at: clock())
        guard let activity = try await store.read({ try $0.activity(id: activityId) }) else {
            throw LedgerError.notFound(entity: "activity", key: String(activityId))
        }
        return activity
    }

    private func attendanceCodes() throws -> AttendanceCodes {
        guard let attendance else { throw LedgerError.forbidden("本平台未开启扫码签到 / self check-in is not set up on this platform") }
        return attendance
    }

    private func selfServiceVolunteer(_ principal: Principal) throws -> Int64 {
        guard principal.role == .volunteer, let volunteerId = principal.volunteerId else {
            throw LedgerError.forbidden("扫码签到仅供志愿者本人使用，工作人员请在活动页为志愿者签到 / only volunteers check themselves in; staff check volunteers in on the activity's page")
        }
        return volunteerId
    }

    /// A volunteer takes part with a confirmed sign-up, or, where the activity takes no sign-ups, as a member.
    static func checkMayTakePart(volunteerId: Int64, in activity: Activity, _ r: any LedgerReader) throws {
        if try r.recruitment(activityId: activity.id) != nil {
            guard let signUp = try r.activeSignUp(activityId: activity.id, volunteerId: volunteerId), signUp.state == .confirmed else {
                throw LedgerError.forbidden("只有报名已被录用的志愿者可以签到 / only volunteers whose sign-up was confirmed can check in")
            }
        } else {
            guard try r.isMember(volunteerId: volunteerId, of: activity.organizationId) else {
                throw LedgerError.forbidden("只有本组织的志愿者可以签到 / only members of the organization can check in")
            }
        }
    }
}
