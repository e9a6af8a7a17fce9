import Foundation
import Hummingbird
import LedgerCore

/// The staff pages of a volunteer organization: the home page, volunteers and activities.
struct StaffPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org") { _, context in try await home(context) }
        pages.get("/org/volunteers") { request, context in
            try await volunteers(context, after: request.uri.queryParameters.get("after").flatMap { Int64($0) },
                                 query: request.uri.queryParameters.get("q") ?? "")
        }
        pages.get("/org/volunteers/new") { _, context in
            _ = try StaffScope(context)
            return registrationForm(RegistrationForm(), errors: FieldErrors(), context: context)
        }
        pages.post("/org/volunteers/new") { _, context in try await register(context) }
        pages.post("/org/volunteers/add") { _, context in try await addMember(context) }
        pages.get("/org/volunteers/:id") { _, context in try await volunteer(context) }
        pages.get("/org/activities") { request, context in try await activities(request, context) }
        pages.get("/org/activities/new") { _, context in
            _ = try StaffScope(context)
            return activityForm(ActivityForm.blank(), errors: FieldErrors(), context: context)
        }
        pages.post("/org/activities/new") { _, context in try await createActivity(context) }
        pages.get("/org/activities/:id") { _, context in try await activity(context) }
        pages.post("/org/activities/:id/check-ins") { _, context in try await checkIn(context) }
        pages.post("/org/check-ins/:id/check-out") { _, context in try await checkOut(context) }
        pages.post("/org/check-ins/:id/cancel") { _, context in try await cancelCheckIn(context) }
    }

    // MARK: Home

    struct HomePage {
        var organization: String
        var year: Int
        var monthHours: String
        var monthRecords: Int
        var yearHours: String
        var yearRecords: Int
        var activeVolunteers: Int
        var lateCount: Int
        var rows: [RecordRow]
        var chart: HoursChart
    }

    func home(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let dashboard = try await ledger.organizationDashboard(organizationId: scope.organizationId, by: scope.principal)
        let zone = dashboard.organization.timeZone
        let rows = try await RecordRow.rows(dashboard.lateRecords, ledger: ledger, zone: zone, renderer: renderer,
                                            language: context.language)
        let page = HomePage(
            organization: dashboard.organization.name, year: dashboard.year,
            monthHours: PageFormat.hours(dashboard.thisMonth.minutes), monthRecords: dashboard.thisMonth.records,
            yearHours: PageFormat.hours(dashboard.thisYear.minutes), yearRecords: dashboard.thisYear.records,
            activeVolunteers: dashboard.activeVolunteers, lateCount: dashboard.lateRecordCount, rows: rows,
            chart: HoursChart(minutesByMonth: dashboard.minutesByMonth, currentMonth: dashboard.month,
                              monthLabel: { renderer.text("month_\($0)", context.language) }))
        return renderer.render("org/home", title: renderer.text("nav_org_home", context.language), page: page, context: context)
    }

    // MARK: Volunteers

    struct VolunteerListPage {
        var volunteers: [VolunteerRow]
        var next: String?
        var query: String
        var addNumber: String
        var addError: String?
    }

    struct VolunteerRow {
        var href: String
        var number: String
        var name: String
        var phone: String
        var document: String
    }

    /// The members, a page at a time or those matching `query`; with the add-a-member form's error when it failed.
    func volunteers(_ context: WebRequestContext, after: Int64?, query rawQuery: String, addError: String? = nil,
                    addNumber: String = "") async throws -> Response {
        let scope = try StaffScope(context)
        let query = String(rawQuery.trimmingCharacters(in: .whitespaces).prefix(50))
        let page = query.isEmpty
            ? try await ledger.members(organizationId: scope.organizationId, after: after, limit: 50, by: scope.principal)
            : Page(items: try await ledger.searchMembers(organizationId: scope.organizationId, text: query, limit: 100, by: scope.principal),
                   nextAfter: nil)
        let rows = page.items.map { v in
            VolunteerRow(href: "/org/volunteers/\(v.id)", number: v.number, name: v.name, phone: v.phone, document: v.documentNumber)
        }
        let body = VolunteerListPage(volunteers: rows, next: page.nextAfter.map { "/org/volunteers?after=\($0)" }, query: query,
                                     addNumber: addNumber, addError: addError)
        return renderer.render("org/volunteers", title: renderer.text("nav_volunteers", context.language), page: body, context: context,
                               status: addError == nil ? .ok : .unprocessableContent)
    }

    struct RegistrationForm {
        var name = "", sex = "", birthDate = "", documentType = "resident_id", documentNumber = "", phone = "", residenceArea = ""
        var documentTypes: [Choice] { Choice.list([("resident_id", "居民身份证 / Resident ID"), ("passport", "护照 / Passport"), ("other", "其他 / Other")], selected: documentType) }
        var sexes: [Choice] { Choice.list([("", "—"), ("male", "男 / Male"), ("female", "女 / Female")], selected: sex) }
    }

    func registrationForm(_ form: RegistrationForm, errors: FieldErrors, context: WebRequestContext) -> Response {
        // Mustache reads stored properties only, so the choices are handed over as values.
        struct Page { var form: RegistrationForm; var documentTypes: [Choice]; var sexes: [Choice]; var errors: [String: String] }
        return renderer.render("org/volunteer-new", title: renderer.text("volunteer_register", context.language),
                               page: Page(form: form, documentTypes: form.documentTypes, sexes: form.sexes, errors: errors.dictionary),
                               context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func register(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let f = context.form
        let form = RegistrationForm(name: f["name"] ?? "", sex: f["sex"] ?? "", birthDate: f["birthDate"] ?? "",
                                    documentType: f["documentType"] ?? "resident_id", documentNumber: f["documentNumber"] ?? "",
                                    phone: f["phone"] ?? "", residenceArea: f["residenceArea"] ?? "")
        var errors = FieldErrors()
        let birthDate = form.birthDate.isEmpty ? nil : LocalDate(iso: form.birthDate)
        if !form.birthDate.isEmpty, birthDate == nil { errors.add("birthDate", renderer.text("error_date", context.language)) }
        guard errors.isEmpty else { return registrationForm(form, errors: errors, context: context) }
        let input = VolunteerRegistration(
            name: form.name, sex: Sex(rawValue: form.sex), birthDate: birthDate, documentType: DocumentType(rawValue: form.documentType),
            documentNumber: form.documentNumber, residenceArea: form.residenceArea.isEmpty ? nil : form.residenceArea, phone: form.phone)
        do {
            let outcome = try await ledger.registerVolunteer(input, organizationId: scope.organizationId, by: scope.principal)
            return WebRedirect.to("/org/volunteers/\(outcome.volunteer.id)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language)
            return registrationForm(form, errors: errors, context: context)
        }
    }

    func addMember(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let number = context.form["volunteerNumber"] ?? ""
        do {
            let volunteer = try await ledger.addMember(volunteerNumber: number, organizationId: scope.organizationId, by: scope.principal)
            return WebRedirect.to("/org/volunteers/\(volunteer.id)")
        } catch let error as LedgerError where error.kind != .forbidden {
            return try await volunteers(context, after: nil, query: "", addError: BilingualText.pick(error.message, context.language),
                                        addNumber: String(number.prefix(20)))
        }
    }

    struct VolunteerPage {
        var volunteer: VolunteerRow
        var sex: String
        var birthDate: String
        var hours: String
        var records: Int
        var rows: [RecordRow]
        var id: Int64
        var notice: String?
    }

    func volunteer(_ context: WebRequestContext, notice: String? = nil) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let volunteer = try await ledger.volunteer(id: id, by: scope.principal)
        let summary = try await ledger.volunteerSummary(volunteerId: id, by: scope.principal)
        let records = try await ledger.records(RecordFilter(organizationId: scope.organizationId, volunteerId: id), after: nil, limit: 100,
                                               by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let rows = try await RecordRow.rows(records.items, ledger: ledger, zone: zone, renderer: renderer,
                                            language: context.language)
        let page = VolunteerPage(
            volunteer: VolunteerRow(href: "", number: volunteer.number, name: volunteer.name, phone: volunteer.phone,
                                    document: volunteer.documentNumber),
            sex: volunteer.sex.chineseLabel, birthDate: volunteer.birthDate.description, hours: PageFormat.hours(summary.minutes),
            records: summary.records, rows: rows, id: volunteer.id, notice: notice)
        return renderer.render("org/volunteer", title: volunteer.name, page: page, context: context,
                               status: notice == nil ? .ok : .conflict)
    }

    // MARK: Activities

    struct ActivityRow {
        var href: String
        var title: String
        var category: String
        var place: String
        var start: String
        var end: String
    }

    func activities(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let after = request.uri.queryParameters.get("after").flatMap { Int64($0) }
        let page = try await ledger.activities(organizationId: scope.organizationId, after: after, limit: 50, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let rows = page.items.map { a in
            ActivityRow(href: "/org/activities/\(a.id)", title: a.title, category: a.category.chineseLabel, place: a.place,
                        start: PageFormat.time(a.startAt, zone), end: PageFormat.time(a.endAt, zone))
        }
        struct Page { var activities: [ActivityRow]; var next: String? }
        return renderer.render("org/activities", title: renderer.text("nav_activities", context.language),
                               page: Page(activities: rows, next: page.nextAfter.map { "/org/activities?after=\($0)" }), context: context)
    }

    struct ActivityForm {
        var title = "", content = "", category = "community_service", place = "", start = "", end = "", leader = ""
        var categories: [Choice] { Choice.list(ServiceCategory.allCases.map { ($0.rawValue, $0.chineseLabel) }, selected: category) }
        static func blank() -> ActivityForm { ActivityForm() }
    }

    func activityForm(_ form: ActivityForm, errors: FieldErrors, context: WebRequestContext) -> Response {
        struct Page { var form: ActivityForm; var categories: [Choice]; var errors: [String: String] }
        return renderer.render("org/activity-new", title: renderer.text("activity_new", context.language),
                               page: Page(form: form, categories: form.categories, errors: errors.dictionary), context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func createActivity(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let f = context.form
        let form = ActivityForm(title: f["title"] ?? "", content: f["content"] ?? "", category: f["category"] ?? "",
                                place: f["place"] ?? "", start: f["start"] ?? "", end: f["end"] ?? "", leader: f["leader"] ?? "")
        let zone = try await scope.timeZone(ledger)
        var errors = FieldErrors()
        let start = PageFormat.parseTime(form.start, zone), end = PageFormat.parseTime(form.end, zone)
        if start == nil { errors.add("start", renderer.text("error_time", context.language)) }
        if end == nil { errors.add("end", renderer.text("error_time", context.language)) }
        let category = ServiceCategory(rawValue: form.category)
        if category == nil { errors.add("category", renderer.text("error_choice", context.language)) }
        guard errors.isEmpty, let start, let end, let category else { return activityForm(form, errors: errors, context: context) }
        do {
            let activity = try await ledger.createActivity(
                ActivityInput(title: form.title, content: form.content, category: category, place: form.place, start: start, end: end,
                              leader: form.leader), organizationId: scope.organizationId, by: scope.principal)
            return WebRedirect.to("/org/activities/\(activity.id)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            errors.add(error, context.language, defaultField: "title")
            return activityForm(form, errors: errors, context: context)
        }
    }

    struct CheckInRow {
        var id: Int64
        var volunteer: String
        var number: String
        var checkedInAt: String
        var state: String
        var isOpen: Bool
        /// How the volunteer was checked in when it was by themselves, with where the phone was.
        var selfService: String?
    }

    struct ActivityPage {
        var id: Int64
        var title: String
        var category: String
        var place: String
        var leader: String
        var content: String
        var start: String
        var end: String
        var hours: String
        var recordCount: Int
        var rows: [RecordRow]
        var checkIns: [CheckInRow]
        var checkInError: String?
        var checkInNumber: String
    }

    func activity(_ context: WebRequestContext, checkInError: String? = nil, checkInNumber: String = "") async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let activity = try await ledger.activity(id: id, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let summary = try await ledger.activitySummary(activityId: id, by: scope.principal)
        let records = try await ledger.records(RecordFilter(activityId: id), after: nil, limit: 200, by: scope.principal)
        let rows = try await RecordRow.rows(records.items, ledger: ledger, zone: zone, renderer: renderer,
                                            language: context.language)
        let checkIns = try await ledger.checkIns(activityId: id, after: nil, limit: 200, by: scope.principal).items
        var checkInRows: [CheckInRow] = []
        for checkIn in checkIns {
            let volunteer = try await ledger.volunteer(id: checkIn.volunteerId, by: scope.principal)
            checkInRows.append(CheckInRow(id: checkIn.id, volunteer: volunteer.name, number: volunteer.number,
                                          checkedInAt: PageFormat.moment(checkIn.checkedInAt, zone),
                                          state: renderer.text("check_in_\(checkIn.state.rawValue)", context.language),
                                          isOpen: checkIn.state == .open, selfService: selfServiceNote(checkIn, context.language)))
        }
        let page = ActivityPage(
            id: activity.id, title: activity.title, category: activity.category.chineseLabel, place: activity.place,
            leader: activity.leader, content: activity.content, start: PageFormat.time(activity.startAt, zone),
            end: PageFormat.time(activity.endAt, zone), hours: PageFormat.hours(summary.minutes), recordCount: summary.records,
            rows: rows, checkIns: checkInRows, checkInError: checkInError, checkInNumber: checkInNumber)
        return renderer.render("org/activity", title: activity.title, page: page, context: context,
                               status: checkInError == nil ? .ok : .unprocessableContent)
    }

    /// "Self check-in (30.27410, 120.15510 ±18 m)" for a self check-in, nil for one made by staff; a self check-out
    /// follows with its own position: "· 签退 (30.27412, 120.15508 ±20 m) · off site".
    func selfServiceNote(_ checkIn: CheckIn, _ language: PageLanguage) -> String? {
        guard checkIn.method == .selfService else { return nil }
        let away = " · " + renderer.text("off_site", language)
        let arrived = Self.placed(renderer.text("source_self_check_in", language), checkIn.position) + (checkIn.offSite ? away : "")
        guard checkIn.state == .checkedOut, checkIn.checkOutPosition != nil || checkIn.checkOutOffSite else { return arrived }
        return arrived + " · " + Self.placed(renderer.text("self_check_out", language), checkIn.checkOutPosition) + (checkIn.checkOutOffSite ? away : "")
    }

    private static func placed(_ label: String, _ position: GeoPosition?) -> String {
        guard let p = position else { return label }
        let accuracy = p.accuracy.map { " ±\(Int($0.rounded())) m" } ?? ""
        return "\(label) (\(String(format: "%.5f", p.latitude)), \(String(format: "%.5f", p.longitude))\(accuracy))"
    }

    func checkIn(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let number = context.form["volunteerNumber"] ?? ""
        do {
            _ = try await ledger.checkIn(volunteerNumber: number, activityId: id, by: scope.principal)
            return WebRedirect.to("/org/activities/\(id)#check-ins")
        } catch let error as LedgerError where error.kind != .forbidden && error.kind != .unauthenticated {
            return try await activity(context, checkInError: BilingualText.pick(error.message, context.language),
                                      checkInNumber: String(number.prefix(20)))
        }
    }

    func checkOut(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let checkIn = try await ledger.checkIn(id: try context.pathID(), by: scope.principal)
        do {
            _ = try await ledger.checkOut(checkInId: checkIn.id, by: scope.principal)
            return WebRedirect.to("/org/activities/\(checkIn.activityId)#check-ins")
        } catch let error as LedgerError where error.kind != .forbidden {
            var activityContext = context
            activityContext.overridePathID = checkIn.activityId
            return try await activity(activityContext, checkInError: BilingualText.pick(error.message, context.language))
        }
    }

    func cancelCheckIn(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let checkIn = try await ledger.checkIn(id: try context.pathID(), by: scope.principal)
        do {
            _ = try await ledger.cancelCheckIn(id: checkIn.id, reason: context.form["reason"] ?? "", by: scope.principal)
            return WebRedirect.to("/org/activities/\(checkIn.activityId)#check-ins")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict {
            var activityContext = context
            activityContext.overridePathID = checkIn.activityId
            return try await activity(activityContext, checkInError: BilingualText.pick(error.message, context.language))
        }
    }
}

/// An organization staff member's own organization: every staff page works on it and nothing else.
struct StaffScope {
    let principal: Principal
    let organizationId: Int64

    init(_ context: WebRequestContext) throws {
        let principal = try context.requirePrincipal()
        guard principal.role == .organizationAdmin || principal.role == .organizationStaff, let organizationId = principal.organizationId else {
            throw LedgerError.forbidden("此页面仅供志愿服务组织工作人员使用 / this page is for staff of a volunteer organization")
        }
        self.principal = principal
        self.organizationId = organizationId
    }

    var isAdmin: Bool { principal.role == .organizationAdmin }

    func timeZone(_ ledger: Ledger) async throws -> TimeZone {
        try await ledger.timeZones(of: [organizationId])[organizationId] ?? .ledgerDefault
    }
}

/// One option of a `<select>`.
struct Choice {
    var value: String
    var label: String
    var selected: Bool

    static func list(_ options: [(String, String)], selected: String) -> [Choice] {
        options.map { Choice(value: $0.0, label: $0.1, selected: $0.0 == selected) }
    }
}

extension WebRequestContext {
    /// The numeric `:id` of the path (or the id a page was re-rendered for).
    func pathID() throws -> Int64 {
        if let overridePathID { return overridePathID }
        guard let text = parameters.get("id"), let id = Int64(text), id > 0 else {
            throw LedgerError.notFound(entity: "page", key: String((parameters.get("id") ?? "").prefix(20)))
        }
        return id
    }
}
