import Foundation
import Hummingbird
import LedgerCore

/// Organizations apply to the platform (组织入驻申请): `applyForOrganization` needs no account (the contact phone is proven
/// by a one-time code); the applicant reads the state with the status token given once; platform admins list the queue,
/// read the certificate, and approve or return an application with a reason.
struct OrganizationApplicationRoutes {
    let ledger: Ledger

    struct ApplyInput: Decodable {
        var name: String
        var creditCode: String
        var regionCode: String
        var registrationType: String
        var contactName: String
        var contactPhone: String
        var code: String
        var adminUsername: String
        var adminPassword: String
        /// The registration certificate, base64: a PDF, JPEG or PNG of at most 5 MiB.
        var certificate: String
    }

    struct DecisionInput: Decodable {
        var decision: OrganizationApplicationDecision
        var reason: String?
    }

    enum OrganizationApplicationDecision: String, Decodable {
        case approve
        case `return`
    }

    /// The largest body: a 5 MiB certificate in base64 and the other fields.
    static let maximumBody = (RegistrationCertificateFile.maximumSize / 3 + 1) * 4 + 16 * 1024

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("organization-applications") { request, context -> EditedResponse<SubmittedBody> in
            let bytes = try await request.body.collect(upTo: Self.maximumBody)
            let input: ApplyInput
            do { input = try StrictJSONDecoder().decode(ApplyInput.self, from: Data(buffer: bytes)) } catch let error as LedgerError {
                throw error  // an undeclared field, named
            } catch {
                throw HTTPError(.badRequest, message: "请求体不是有效的入驻申请 JSON / the body is not a valid organization application JSON object")
            }
            guard let certificate = Data(base64Encoded: input.certificate) else {
                throw LedgerError.invalidField(field: "certificate", reason: "须为 base64 编码的 PDF、JPEG 或 PNG 文件 / must be a base64-encoded PDF, JPEG or PNG file")
            }
            let submitted = try await ledger.applyForOrganization(OrganizationApplicationInput(
                name: input.name, creditCode: input.creditCode, regionCode: input.regionCode, registrationType: input.registrationType,
                contactName: input.contactName, contactPhone: input.contactPhone, code: input.code, adminUsername: input.adminUsername,
                adminPassword: input.adminPassword, certificate: [UInt8](certificate)), clientAddress: context.clientAddress)
            context.logger.notice("organization application submitted", metadata: [
                "application": "\(submitted.application.id)", "address": "\(context.clientAddress ?? "-")"])
            let id = submitted.application.id
            return EditedResponse(status: .created, headers: [.location: "/api/v1/organization-applications/\(id)"],
                                  response: SubmittedBody(application: OrganizationApplicationBody(submitted.application, masked: true),
                                                          statusToken: submitted.statusToken,
                                                          statusUrl: "/organizations/applications/\(id)?token=\(submitted.statusToken)"))
        }
        api.get("organization-applications") { request, context -> ListBody<OrganizationApplicationBody> in
            let principal = try context.requirePrincipal()
            let state = try Self.state(request.uri.queryParameters.raw("state"))
            let page = try await ledger.organizationApplications(state: state, after: try request.cursor(), limit: try request.queryInt("limit"),
                                                                  by: principal)
            return page.body { OrganizationApplicationBody($0, masked: false) }
        }
        api.get("organization-applications/:id") { request, context -> OrganizationApplicationBody in
            let id = try context.id()
            if let token = request.uri.queryParameters.get("token") {
                return OrganizationApplicationBody(try await ledger.organizationApplication(id: id, statusToken: String(token)), masked: true)
            }
            let principal = try context.requirePrincipal()
            return OrganizationApplicationBody(try await ledger.organizationApplication(id: id, by: principal), masked: false)
        }
        api.get("organization-applications/:id/certificate") { _, context -> Response in
            let principal = try context.requirePrincipal()
            let file = try await ledger.registrationCertificate(applicationId: try context.id(), by: principal)
            return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "private, no-store",
                                                   .contentDisposition: "inline; filename=\"certificate\(Self.fileExtension(file.contentType))\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
        api.post("organization-applications/:id/decision") { request, context -> OrganizationApplicationBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: DecisionInput.self, context: context)
            let id = try context.id()
            let decided = switch input.decision {
            case .approve: try await ledger.approveOrganizationApplication(id: id, by: principal, origin: context.origin(request))
            case .return: try await ledger.returnOrganizationApplication(id: id, reason: input.reason, by: principal)
            }
            return OrganizationApplicationBody(decided, masked: false)
        }
    }

    static func fileExtension(_ contentType: String) -> String {
        switch contentType {
        case "application/pdf": ".pdf"
        case "image/png": ".png"
        default: ".jpg"
        }
    }

    /// `pending` (the default), `returned`, `approved`, or `all`.
    static func state(_ text: String?) throws -> OrganizationApplicationState? {
        guard let text, !text.isEmpty else { return .pending }
        if text == "all" { return nil }
        guard let state = OrganizationApplicationState(rawValue: text) else {
            throw LedgerError.invalidField(field: "state", reason: "必须是 pending、returned、approved 或 all / must be pending, returned, approved or all")
        }
        return state
    }
}

/// An organization's application; the contact phone masked for the applicant's status view.
struct OrganizationApplicationBody: ResponseEncodable {
    var id: Int64
    var name: String
    var creditCode: String
    var regionCode: String
    var registrationType: OrganizationRegistrationType
    var contactName: String
    var contactPhone: String
    var adminUsername: String
    var state: OrganizationApplicationState
    var submittedAt: String
    var decidedAt: String?
    var reason: String?
    var organizationId: Int64?

    init(_ a: OrganizationApplication, masked: Bool) {
        id = a.id
        name = a.name
        creditCode = a.creditCode
        regionCode = a.regionCode
        registrationType = a.registrationType
        contactName = a.contactName
        contactPhone = masked ? Masking.phone(a.contactPhone) : a.contactPhone
        adminUsername = a.adminUsername
        state = a.state
        submittedAt = Wire.time(a.submittedAt, .ledgerDefault)
        decidedAt = a.decidedAt.map { Wire.time($0, .ledgerDefault) }
        reason = a.reason
        organizationId = a.organizationId
    }
}

/// A stored application and its status token, shown this once.
struct SubmittedBody: ResponseEncodable {
    var application: OrganizationApplicationBody
    var statusToken: String
    /// The applicant's status page.
    var statusUrl: String
}
