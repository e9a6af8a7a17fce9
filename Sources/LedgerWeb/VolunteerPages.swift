import Foundation
import Hummingbird
import LedgerCore
import LedgerDocuments
import NIOPosix

/// A volunteer's own pages, made for a phone: hours and star level, records with their history, and
/// certificates (request one, download the PDF, show the QR code to be scanned).
struct VolunteerPages {
    let ledger: Ledger
    let renderer: PageRenderer

    func register(on pages: RouterGroup<WebRequestContext>) {
        pages.get("/me") { _, context in try await home(context) }
        pages.get("/me/records/:id") { _, context in try await record(context) }
        pages.get("/me/certificates") { _, context in try await certificates(context, errors: FieldErrors()) }
        pages.post("/me/certificates") { _, context in try await request(context) }
        pages.get("/me/certificates/:serial") { _, context in try await certificate(context) }
        pages.get("/me/certificates/:serial/pdf") { request, context in
            try await pdf(context, language: request.uri.queryParameters.get("lang"))
        }
        pages.get("/me/certificates/:serial/qr.svg") { _, context in try await qrCode(context) }
    }

    func volunteerId(_ context: WebRequestContext) throws -> (Principal, Int64) { try context.requireVolunteer() }

    struct OrganizationHours { var name: String; var hours: String; var records: Int }
    struct YearHours { var year: Int; var hours: String }

    struct HomePage {
        var name: String
        var number: String
        var hours: String
        var records: Int
        var stars: Int
        var starSymbols: String
        var nextStar: String?
        var progressPercent: Int
        var byOrganization: [OrganizationHours]
        var byYear: [YearHours]
        var rows: [RecordRow]
    }

    func home(_ context: WebRequestContext) async throws -> Response {
        let (principal, id) = try volunteerId(context)
        let summary = try await ledger.volunteerSummary(volunteerId: id, by: principal)
        let records = try await ledger.records(RecordFilter(volunteerId: id), after: nil, limit: 500, by: principal).items
        let rows = try await RecordRow.rows(records, ledger: ledger, zone: .ledgerDefault, renderer: renderer,
                                            language: context.language, linkPrefix: "/me/records/")
        var byYear: [Int: Int] = [:]
        for record in records { byYear[LocalDate(record.startAt, in: .ledgerDefault).year, default: 0] += record.minutes }
        let stars = summary.starLevel.rawValue
        let thresholds = [0, 100, 300, 600, 1000, 1500].map { $0 * 60 }
        var progress = 100
        if let toNext = summary.minutesToNextStar, stars + 1 < thresholds.count {
            let span = thresholds[stars + 1] - thresholds[stars]
            progress = max(0, min(100, (span - toNext) * 100 / max(span, 1)))
        }
        let page = HomePage(
            name: summary.name, number: summary.volunteerNumber, hours: PageFormat.hours(summary.allTimeMinutes), records: summary.records,
            stars: stars, starSymbols: String(repeating: "★", count: stars) + String(repeating: "☆", count: 5 - stars),
            nextStar: summary.minutesToNextStar.map { PageFormat.hours($0) }, progressPercent: progress,
            byOrganization: summary.byOrganization.map { OrganizationHours(name: $0.organizationName, hours: PageFormat.hours($0.minutes), records: $0.records) },
            byYear: byYear.keys.sorted(by: >).map { YearHours(year: $0, hours: PageFormat.hours(byYear[$0]!)) }, rows: rows)
        return renderer.render("me/home", title: renderer.text("nav_my_hours", context.language), page: page, context: context)
    }

    func record(_ context: WebRequestContext) async throws -> Response {
        let (principal, _) = try volunteerId(context)
        let id = try context.pathID()
        let record = try await ledger.record(id: id, by: principal)
        let history = try await ledger.history(recordId: id, by: principal)
        let zone = try await ledger.timeZones(of: [record.organizationId])[record.organizationId] ?? .ledgerDefault
        let row = try await RecordRow.rows([record], ledger: ledger, zone: zone, renderer: renderer,
                                           language: context.language, linkPrefix: "/me/records/")[0]
        let revisions = RevisionRow.rows(history, zone: zone, renderer: renderer, language: context.language)
        struct Page { var record: RecordRow; var history: [RevisionRow] }
        return renderer.render("me/record", title: "\(renderer.text("record", context.language)) #\(id)",
                               page: Page(record: row, history: revisions), context: context)
    }

    struct CertificateRow {
        var href: String
        var serial: String
        var issuer: String
        var period: String
        var hours: String
        var issuedAt: String
        var status: String
        var statusClass: String
    }

    struct CertificatesPage {
        var certificates: [CertificateRow]
        var organizations: [Choice]
        var from: String
        var to: String
        var errors: [String: String]
    }

    func certificates(_ context: WebRequestContext, errors: FieldErrors) async throws -> Response {
        let (principal, id) = try volunteerId(context)
        let issued = try await ledger.certificates(volunteerId: id, organizationId: nil, after: nil, limit: 100, by: principal).items
        var rows: [CertificateRow] = []
        for certificate in issued {
            let verdict = try await ledger.verifyCertificate(serial: certificate.serial)
            rows.append(CertificateRow(
                href: "/me/certificates/\(certificate.groupedSerial)", serial: certificate.groupedSerial, issuer: certificate.issuerName,
                period: Self.period(certificate, context.language, renderer), hours: PageFormat.hours(certificate.minutes),
                issuedAt: PageFormat.time(certificate.issuedAt, .ledgerDefault),
                status: renderer.text("verdict_\(verdict.status.rawValue)", context.language), statusClass: verdict.status.rawValue))
        }
        let summary = try await ledger.volunteerSummary(volunteerId: id, by: principal)
        let selected = context.form["organization"] ?? ""
        var options = [Choice(value: "", label: renderer.text("certificate_all_organizations", context.language), selected: selected.isEmpty)]
        options += summary.byOrganization.map { Choice(value: String($0.organizationId), label: $0.organizationName, selected: selected == String($0.organizationId)) }
        let page = CertificatesPage(certificates: rows, organizations: options, from: context.form["from"] ?? "", to: context.form["to"] ?? "",
                                    errors: errors.dictionary)
        return renderer.render("me/certificates", title: renderer.text("nav_my_certificates", context.language), page: page, context: context,
                               status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    static func period(_ certificate: Certificate, _ language: PageLanguage, _ renderer: PageRenderer) -> String {
        let all = renderer.text("period_open", language)
        return "\(certificate.periodFrom?.description ?? all) – \(certificate.periodTo?.description ?? all)"
    }

    func request(_ context: WebRequestContext) async throws -> Response {
        let (principal, id) = try volunteerId(context)
        let f = context.form
        var errors = FieldErrors()
        let from = f["from"].map { LocalDate(iso: $0) }, to = f["to"].map { LocalDate(iso: $0) }
        if case .some(.none) = from { errors.add("from", renderer.text("error_date", context.language)) }
        if case .some(.none) = to { errors.add("to", renderer.text("error_date", context.language)) }
        guard errors.isEmpty else { return try await certificates(context, errors: errors) }
        do {
            let issued = try await ledger.issueCertificate(
                CertificateRequest(volunteerId: id, organizationId: f["organization"].flatMap { Int64($0) },
                                   from: from ?? nil, to: to ?? nil), by: principal)
            return WebRedirect.to("/me/certificates/\(issued.certificate.groupedSerial)")
        } catch let error as LedgerError where error.kind == .invalidInput || error.kind == .conflict || error.kind == .notFound {
            errors.add(error, context.language, defaultField: "form")
            return try await certificates(context, errors: errors)
        }
    }

    /// The certificate of the path, if it is the volunteer's own (anyone else's is "not found").
    func ownCertificate(_ context: WebRequestContext) async throws -> IssuedCertificate {
        let (principal, id) = try volunteerId(context)
        let serial = context.parameters.get("serial") ?? ""
        let issued = try await ledger.certificate(serial: serial, by: principal)
        guard issued.certificate.volunteerId == id else { throw LedgerError.notFound(entity: "certificate", key: String(serial.prefix(24))) }
        return issued
    }

    func certificate(_ context: WebRequestContext) async throws -> Response {
        let issued = try await ownCertificate(context)
        let c = issued.certificate
        let verdict = try await ledger.verifyCertificate(serial: c.serial)
        struct Page {
            var serial: String
            var issuer: String
            var period: String
            var hours: String
            var records: Int
            var status: String
            var statusClass: String
            var verificationURL: String
            var serialURL: String
        }
        let page = Page(serial: c.groupedSerial, issuer: c.issuerName, period: Self.period(c, context.language, renderer),
                        hours: PageFormat.hours(c.minutes), records: c.recordCount,
                        status: renderer.text("verdict_\(verdict.status.rawValue)", context.language), statusClass: verdict.status.rawValue,
                        verificationURL: issued.verificationURL, serialURL: issued.serialURL)
        return renderer.render("me/certificate", title: c.groupedSerial, page: page, context: context)
    }

    /// The certificate's PDF; `?lang=en` gives the English rendering (anything else the Chinese default).
    func pdf(_ context: WebRequestContext, language parameter: String? = nil) async throws -> Response {
        let language = parameter.flatMap(CertificateLanguage.init(rawValue:)) ?? .chinese
        let issued = try await ownCertificate(context)
        // Rendering takes milliseconds of CPU: off the concurrency pool.
        let pdf = try await NIOThreadPool.singleton.runIfActive { try CertificatePDF.render(issued, language: language) }
        var headers: HTTPFields = [
            .contentType: "application/pdf",
            .contentDisposition: "attachment; filename=\"certificate-\(issued.certificate.groupedSerial)\(language == .chinese ? "" : "-en").pdf\"",
        ]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    func qrCode(_ context: WebRequestContext) async throws -> Response {
        let issued = try await ownCertificate(context)
        let svg = try QRCode(issued.verificationURL).svg()
        var headers: HTTPFields = [.contentType: "image/svg+xml"]
        SecurityHeaders.apply(to: &headers, signedIn: true)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
    }
}

extension WebRequestContext {
    /// The volunteer behind the session; other roles have their own pages.
    func requireVolunteer() throws -> (Principal, Int64) {
        let principal = try require(.volunteer, "此页面仅供志愿者本人使用 / this page is for volunteers")
        guard let id = principal.volunteerId else { throw LedgerError.forbidden("no volunteer behind this account") }
        return (principal, id)
    }
}
