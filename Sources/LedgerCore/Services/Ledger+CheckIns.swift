import Foundation

extension Ledger {
    /// Checks a member volunteer in at an activity of the principal's organization (现场签到), now.
    /// Check-in opens two hours before the activity starts and closes when it ends; a volunteer is on site
    /// at one activity at a time.
    public func checkIn(volunteerNumber: String, activityId: Int64, by principal: Principal) async throws -> CheckIn {
        let number = volunteerNumber.trimmingCharacters(in: .whitespaces).uppercased()
        let now = self.now.wholeSeconds
        return try await store.write { w in
            let (activity, volunteer) = try Self.recordingTarget(activityId: activityId, volunteerNumber: number, in: w, by: principal)
            guard CheckInRules.isOpen(activity, at: now) else {
                let zone = try w.organization(id: activity.organizationId)?.timeZone ?? .ledgerDefault
                throw LedgerError.checkInClosed(activityStart: LocalDateTime(activity.startAt, in: zone).description,
                                                activityEnd: LocalDateTime(activity.endAt, in: zone).description)
            }
            try w.lockVolunteer(id: volunteer.id)
            if let open = try w.openCheckIn(volunteerId: volunteer.id) {
                throw LedgerError.alreadyCheckedIn(checkInId: open.id, activityId: open.activityId)
            }
            return try w.insert(CheckIn(id: 0, activityId: activity.id, organizationId: activity.organizationId,
                                        volunteerId: volunteer.id, checkedInAt: now, checkedInBy: principal.userId))
        }
    }

    /// Checks a volunteer out (签退), now, and stores the service record of their stay: from the check-in
    /// (at the earliest the activity's start) to now (at the latest its end), with `minutes` of actual
    /// service when less than that span. Every record rule applies; if one fails, the check-in stays open.
    public func checkOut(checkInId: Int64, minutes: Int? = nil, note: String? = nil,
                         by principal: Principal) async throws -> (CheckIn, ServiceRecord) {
        let note = try InputCheck.optional(note, field: "note", maxLength: 500)
        let now = self.now.wholeSeconds
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            let found = try Self.closableCheckIn(id: checkInId, in: w, by: principal)
            return try Self.closeWithRecord(found, minutes: minutes, note: note, actorId: principal.userId, in: w, now: now,
                                            deadlineDays: deadlineDays, organizations: organizations)
        }
    }

    /// Stores the record of an open check-in's stay and closes it, in the caller's transaction: the one check-out
    /// path of staff and of volunteers checking themselves out (source `self_check_in` for a self check-in), who give
    /// where their phone was (`position`) and whether that was away from the site (`offSite`).
    static func closeWithRecord(_ found: CheckIn, minutes: Int?, note: String, actorId: Int64?, in w: any LedgerWriter, now: Date,
                                deadlineDays: Int, organizations: OrganizationCache,
                                position: GeoPosition? = nil, offSite: Bool = false) throws -> (CheckIn, ServiceRecord) {
        // Locks in the order every writer takes them: the organization's chain, then the volunteer.
        var head = try w.lockChain(organizationId: found.organizationId)
        var checkIn = try Self.stillOpen(found, in: w)
        guard let activity = try w.activity(id: checkIn.activityId) else {
            throw LedgerError.notFound(entity: "activity", key: String(checkIn.activityId))
        }
        let context = try RecordContext.load(in: w, organizationId: checkIn.organizationId, now: now, deadlineDays: deadlineDays, organizations: organizations)
        let span = CheckInRules.serviceSpan(checkedInAt: checkIn.checkedInAt, checkedOutAt: now, activity: activity)
        let spanMinutes = ServiceTimeRules.spanMinutes(start: span.start, end: span.end)
        guard spanMinutes >= 1 else {
            throw LedgerError.invalidField(field: "checkOut", reason:
                "签到后在活动时间内不足一分钟，没有可登记的服务时长；签到有误请撤销 / less than a minute of the stay lies within the activity's time, so there is no service to record; cancel the check-in if it was a mistake")
        }
        let record = try Self.insertRecord(
            in: w, context: context, volunteerId: checkIn.volunteerId, activity: activity, start: span.start, end: span.end,
            minutes: minutes ?? spanMinutes, note: note,
            source: checkIn.method == .selfService ? .selfCheckIn : .checkIn, actorId: actorId, recordedAt: now, chain: &head)
        try w.advanceChain(organizationId: checkIn.organizationId, to: head)
        checkIn.state = .checkedOut
        checkIn.closedAt = now
        checkIn.closedBy = actorId
        checkIn.recordId = record.id
        checkIn.checkOutPosition = position
        checkIn.checkOutOffSite = offSite
        try w.close(checkIn)
        return (checkIn, record)
    }

    /// Cancels an open check-in made by mistake; nothing is recorded.
    public func cancelCheckIn(id: Int64, reason: String, by principal: Principal) async throws -> CheckIn {
        let reason = try InputCheck.optional(reason, field: "reason", maxLength: 500)
        guard !reason.isEmpty else { throw LedgerError.reasonRequired }
        let now = self.now.wholeSeconds
        return try await store.write { w in
            var checkIn = try Self.stillOpen(try Self.closableCheckIn(id: id, in: w, by: principal), in: w)
            checkIn.cancel(at: now, by: principal.userId, reason: reason)
            try w.close(checkIn)
            return checkIn
        }
    }

    /// Closes check-ins nobody checked out once their activity ended and the organization's check-out grace passed
    /// (`OrganizationSettings.checkOutGraceMinutes`). The stay, from the check-in to the activity's end, becomes a pending
    /// claim (origin `auto_close`) that counts nowhere until staff confirm or adjust it, and the check-in is marked closed
    /// automatically; a stay of less than a minute within the activity's time is canceled with nothing to confirm.
    /// Otherwise the volunteer could not check in anywhere again. Returns how many were closed.
    @discardableResult
    public func closeForgottenCheckIns(limit: Int = 500) async throws -> Int {
        let now = self.now.wholeSeconds
        let deadlineDays = recordingDeadlineWorkingDays
        let organizations = organizationCache
        return try await store.write { w in
            var closed = 0
            // One context (organization, holiday calendar) per organization of the round, not per check-in.
            var contexts: [Int64: RecordContext] = [:]
            for found in try w.forgottenCheckIns(at: now, defaultGraceMinutes: OrganizationSettings.defaultCheckOutGraceMinutes, limit: limit) {
                try w.lockVolunteer(id: found.volunteerId)
                // Another process may have closed it since the query; `stillOpen` would throw, a round just skips it.
                guard var checkIn = try w.checkIn(id: found.id), checkIn.state == .open,
                      let activity = try w.activity(id: checkIn.activityId) else { continue }
                let span = CheckInRules.serviceSpan(checkedInAt: checkIn.checkedInAt, checkedOutAt: activity.endAt, activity: activity)
                let minutes = ServiceTimeRules.spanMinutes(start: span.start, end: span.end)
                guard minutes >= 1 else {
                    checkIn.cancel(at: now, by: nil, reason:
                        "未签退，且签到后在活动时间内不足一分钟，由系统撤销 / not checked out, with less than a minute within the activity's time; canceled by the system")
                    try w.close(checkIn)
                    closed += 1
                    continue
                }
                let context = try contexts[checkIn.organizationId] ?? RecordContext.load(
                    in: w, organizationId: checkIn.organizationId, now: now, deadlineDays: deadlineDays, organizations: organizations)
                contexts[checkIn.organizationId] = context
                checkIn.state = .autoClosed
                checkIn.closedAt = now
                try w.close(checkIn)
                _ = try w.insert(HoursClaim(
                    id: 0, activityId: activity.id, organizationId: activity.organizationId, volunteerId: checkIn.volunteerId,
                    startAt: span.start, endAt: span.end, minutes: minutes,
                    note: "未签退，系统按活动结束时间自动签退，待工作人员确认 / not checked out: closed automatically at the activity's end, awaiting staff confirmation",
                    evidenceHash: nil, isLate: context.isLate(recordedAt: now, activity: activity), submittedAt: now,
                    origin: .autoClose, checkInId: checkIn.id))
                closed += 1
            }
            return closed
        }
    }

    /// An activity's check-ins, for its organization's staff, the platform and inspectors.
    public func checkIns(activityId: Int64, after: Int64?, limit: Int?, by principal: Principal) async throws -> Page<CheckIn> {
        let limit = try InputCheck.limit(limit)
        return try await store.readAllowingLag { r in
            guard let activity = try r.activity(id: activityId),
                  AccessPolicy.canReadOrganizationData(principal, organizationId: activity.organizationId) else {
                throw LedgerError.notFound(entity: "activity", key: String(activityId))
            }
            return Page(fetched: try r.checkIns(activityId: activityId, after: after, limit: limit + 1), limit: limit, id: \.id)
        }
    }

    /// A check-in, for the same readers as its activity's check-ins.
    public func checkIn(id: Int64, by principal: Principal) async throws -> CheckIn {
        let found = try await store.read { try $0.checkIn(id: id) }
        guard let found,
              AccessPolicy.canReadOrganizationData(principal, organizationId: found.organizationId) else {
            throw LedgerError.notFound(entity: "check-in", key: String(id))
        }
        return found
    }

    /// A check-in the principal may close, with the same 404/403 distinction.
    private static func closableCheckIn(id: Int64, in w: any LedgerWriter, by principal: Principal) throws -> CheckIn {
        guard let checkIn = try w.checkIn(id: id),
              AccessPolicy.canReadOrganizationData(principal, organizationId: checkIn.organizationId) else {
            throw LedgerError.notFound(entity: "check-in", key: String(id))
        }
        guard AccessPolicy.canWriteOrganizationData(principal, organizationId: checkIn.organizationId) else {
            throw LedgerError.forbidden("只能为本组织签退 / you can only check out at your own organization's activities")
        }
        return checkIn
    }

    /// The check-in as it stands once its volunteer is locked (another process may have closed it), if still open.
    static func stillOpen(_ checkIn: CheckIn, in w: any LedgerWriter) throws -> CheckIn {
        try w.lockVolunteer(id: checkIn.volunteerId)
        let current = try w.checkIn(id: checkIn.id) ?? checkIn
        guard current.state == .open else { throw LedgerError.checkInNotOpen(checkInId: current.id, state: current.state) }
        return current
    }
}
