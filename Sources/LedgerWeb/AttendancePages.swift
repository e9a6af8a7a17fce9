import Foundation
import Hummingbird
import LedgerCore
import LedgerDocuments

/// Self check-in by the rotating code (扫码签到): the attendance screen staff put up at the site, whose QR code
/// renews itself every 30 seconds, and the page that code opens on a volunteer's phone to check in and out.
struct AttendancePages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/org/activities/:id/attendance") { _, context in try await screen(context) }
        pages.get("/org/activities/:id/attendance.json") { _, context in try await currentCode(context) }
        pages.post("/org/activities/:id/site") { _, context in try await setSite(context) }
        pages.get("/a/:id") { request, context in try await checkInPage(request, context, error: nil) }
        pages.post("/a/:id") { request, context in try await checkInOrOut(request, context) }
    }

    // MARK: The screen at the site

    struct ScreenPage {
        var id: Int64
        var title: String
        var time: String
        var code: String
        var url: String
        var qr: String
        var expiresAt: Int64
        var error: String?
        var site: SiteForm
        var siteErrors: [String: String]
    }

    /// The site form, as stored or as typed.
    struct SiteForm {
        var latitude = "", longitude = "", radius = "200", presenceRequired = false, isSet = false
    }

    func screen(_ context: WebRequestContext, site typed: SiteForm? = nil, siteErrors: FieldErrors = FieldErrors()) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let activity = try await ledger.activity(id: id, by: scope.principal)
        let zone = try await scope.timeZone(ledger)
        let stored = activity.site.map {
            SiteForm(latitude: String($0.latitude), longitude: String($0.longitude), radius: String($0.radius),
                     presenceRequired: $0.presenceRequired, isSet: true)
        }
        var page = ScreenPage(id: id, title: activity.title,
                              time: PageFormat.span(activity, zone),
                              code: "", url: "", qr: "", expiresAt: 0, site: typed ?? stored ?? SiteForm(), siteErrors: siteErrors.dictionary)
        do {
            let code = try await ledger.attendanceCode(activityId: id, by: scope.principal)
            page.code = code.code
            page.url = code.url
            page.qr = try Self.qrDataURL(code.url)
            page.expiresAt = Int64(code.expiresAt.timeIntervalSince1970 * 1000)
        } catch let error as LedgerError where error.kind == .conflict {
            page.error = BilingualText.pick(error.message, context.language)
        }
        return renderer.render("org/attendance", title: "\(renderer.text("attendance_screen", context.language)) · \(activity.title)",
                               page: page, context: context, status: siteErrors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Sets the activity's site from the form (often the staff phone's own position), or clears it.
    func setSite(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let id = try context.pathID()
        let f = context.form
        if f["clear"] != nil {
            _ = try await ledger.setActivitySite(activityId: id, nil, by: scope.principal)
            return WebRedirect.to("/org/activities/\(id)/attendance")
        }
        let form = SiteForm(latitude: String((f["latitude"] ?? "").prefix(30)), longitude: String((f["longitude"] ?? "").prefix(30)),
                            radius: String((f["radius"] ?? "").prefix(10)), presenceRequired: f["presenceRequired"] != nil, isSet: false)
        var errors = FieldErrors()
        let latitude = Double(form.latitude.trimmingCharacters(in: .whitespaces))
        let longitude = Double(form.longitude.trimmingCharacters(in: .whitespaces))
        let radius = Int(form.radius.trimmingCharacters(in: .whitespaces))
        if latitude == nil { errors.add("latitude", renderer.text("error_number", context.language)) }
        if longitude == nil { errors.add("longitude", renderer.text("error_number", context.language)) }
        if radius == nil { errors.add("radius", renderer.text("error_whole_number", context.language)) }
        guard errors.isEmpty, let latitude, let longitude, let radius else { return try await screen(context, site: form, siteErrors: errors) }
        do {
            _ = try await ledger.setActivitySite(activityId: id, ActivitySite(latitude: latitude, longitude: longitude, radius: radius,
                                                                              presenceRequired: form.presenceRequired), by: scope.principal)
            return WebRedirect.to("/org/activities/\(id)/attendance")
        } catch let error as LedgerError where error.kind == .invalidInput {
            errors.add(error, context.language, defaultField: "latitude")
            return try await screen(context, site: form, siteErrors: errors)
        }
    }

    /// The screen's next code, fetched by its script when the current one expires.
    func currentCode(_ context: WebRequestContext) async throws -> Response {
        let scope = try StaffScope(context)
        let code = try await ledger.attendanceCode(activityId: try context.pathID(), by: scope.principal)
        let body: [String: String] = ["code": code.code, "url": code.url, "qr": try Self.qrDataURL(code.url),
                                      "expiresAt": String(Int64(code.expiresAt.timeIntervalSince1970 * 1000))]
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        let json = try JSONEncoder().encode(body)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    static func qrDataURL(_ text: String) throws -> String {
        "data:image/svg+xml;base64," + Data(try QRCode(text).svg().utf8).base64EncodedString()
    }

    // MARK: The volunteer's phone

    struct CheckInPage {
        var id: Int64
        var title: String
        var place: String
        var time: String
        var code: String
        /// The volunteer's open check-in here: the page offers the check-out.
        var checkedInAt: String?
        var justCheckedIn: Bool
        var error: String?
    }

    /// The volunteer's check-in page; with `error`, answered with `errorStatus`, the status the API gives the same refusal.
    func checkInPage(_ request: Request, _ context: WebRequestContext, error: String?, errorStatus: HTTPResponse.Status = .conflict,
                     justCheckedIn: Bool = false) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let id = try context.pathID()
        let code = String((context.form["code"] ?? request.uri.queryParameters.get("code").map { String($0) } ?? "").prefix(20))
        let activity: Activity
        do {
            activity = try await ledger.attendanceActivity(activityId: id, code: code, by: principal)
        } catch let refusal as LedgerError where refusal.kind == .invalidInput || refusal.kind == .throttled {
            return codeRefused(refusal, id: id, context)
        }
        let zone = try await ledger.timeZones(of: [activity.organizationId])[activity.organizationId] ?? .ledgerDefault
        let open = try await ledger.ownOpenCheckIn(by: principal)
        let here = open?.activityId == activity.id ? open : nil
        let page = CheckInPage(id: id, title: activity.title, place: activity.place,
                               time: PageFormat.span(activity, zone),
                               code: code, checkedInAt: here.map { PageFormat.moment($0.checkedInAt, zone) }, justCheckedIn: justCheckedIn,
                               error: error)
        return renderer.render("me/check-in", title: activity.title, page: page, context: context,
                               status: error == nil ? .ok : errorStatus)
    }

    /// The page without the activity, for a code refused (422) or a volunteer who must wait (429 with `Retry-After`).
    func codeRefused(_ refusal: LedgerError, id: Int64, _ context: WebRequestContext) -> Response {
        let page = CheckInPage(id: id, title: renderer.text("self_check_in", context.language), place: "", time: "", code: "",
                               justCheckedIn: false, error: BilingualText.pick(refusal.message, context.language))
        var response = renderer.render("me/check-in", title: renderer.text("self_check_in", context.language), page: page, context: context,
                                       status: refusal.retryAfterSeconds == nil ? .unprocessableContent : .tooManyRequests)
        if let seconds = refusal.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    func checkInOrOut(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try context.requireVolunteer()
        let id = try context.pathID()
        let f = context.form
        let code = f["code"] ?? ""
        do {
            let position = try GeoPosition.checked(latitude: f["latitude"].flatMap(Self.number), longitude: f["longitude"].flatMap(Self.number),
                                                   accuracy: f["accuracy"].flatMap(Self.number))
            if f["action"] == "check-out" {
                let (_, record) = try await ledger.selfCheckOut(activityId: id, code: code, position: position, by: principal)
                return WebRedirect.to("/me/records/\(record.id)")
            }
            _ = try await ledger.selfCheckIn(activityId: id, code: code, position: position, by: principal)
            return try await checkInPage(request, context, error: nil, justCheckedIn: true)
        } catch let error as LedgerError where error == .attendanceCodeInvalid || error.kind == .throttled {
            // Shown without checking the code again, which would count it twice.
            return codeRefused(error, id: id, context)
        } catch let error as LedgerError where error.kind == .conflict || error.kind == .invalidInput || error.kind == .forbidden {
            return try await checkInPage(request, context, error: BilingualText.pick(error.message, context.language), errorStatus: error.httpStatus)
        }
    }

    /// A coordinate the page's script filled in; empty when the browser gave none.
    private static func number(_ text: String) -> Double? {
        text.isEmpty ? nil : Double(text.prefix(30))
    }
}
