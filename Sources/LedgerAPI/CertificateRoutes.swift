import Foundation
import Hummingbird
import LedgerCore
import LedgerDocuments
import NIOPosix
import Synchronization

/// Certificates: issuing, reading (JSON, PDF, HTML, QR code), revoking; the public verification page
/// `/v/{token}`, the verification API, the public keys (JWKS) and the revocation status lists.
struct CertificateRoutes {
    let ledger: Ledger
    /// Verification pages already rendered, by token; reused while the verdict stays the same.
    let pages = RenderedPages()

    struct RevokeInput: Decodable {
        var reason: String
    }

    /// The public routes outside /api/v1 (no login: a phone camera opens them).
    func registerPublic(on router: Router<LedgerRequestContext>) {
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            guard let certificates = ledger.certificates else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try await certificates.authority.publicKeySet())))
        }
        router.get("/v/:token") { [pages] request, context -> Response in
            let input = context.parameters.get("token") ?? ""
            let result = try await ledger.verifyCertificate(token: input)
            return try Self.verificationResponse(result, request: request, context: context, pages: pages, key: input)
        }
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.post("certificates") { request, context -> EditedResponse<CertificateBody> in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: CertificateRequest.self, context: context)
            let issued = try await ledger.issueCertificate(input, by: principal)
            return EditedResponse(status: .created, headers: [.location: "/api/v1/certificates/\(issued.certificate.groupedSerial)"],
                                  response: CertificateBody(issued))
        }
        api.get("certificates") { request, context -> ListBody<CertificateBody> in
            let page = try await ledger.certificates(
                volunteerId: try request.queryInt64("volunteer"), organizationId: try request.queryInt64("organization"),
                after: try request.cursor(), limit: try request.queryInt("limit"), by: try context.requirePrincipal())
            let settings = ledger.certificates
            return page.body {
                CertificateBody($0, verificationURL: settings?.verificationURL(token: $0.token) ?? "",
                                serialURL: settings?.serialURL(serial: $0.serial) ?? "", records: nil)
            }
        }
        api.get("certificates/:serial") { _, context -> CertificateBody in
            CertificateBody(try await issued(context))
        }
        api.get("certificates/:serial/pdf") { request, context -> Response in
            let language = try Self.pdfLanguage(request.uri.queryParameters.get("lang"))
            let issued = try await issued(context)
            // A few milliseconds of CPU: rendered on NIO's thread pool, off the concurrency pool.
            let pdf = try await NIOThreadPool.singleton.runIfActive { try CertificatePDF.render(issued, language: language) }
            let suffix = language == .chinese ? "" : "-\(language.rawValue)"
            return Response(status: .ok, headers: [
                .contentType: "application/pdf",
                .contentLanguage: language == .chinese ? "zh-CN" : "en",
                .contentDisposition: "inline; filename=\"certificate-\(issued.certificate.groupedSerial)\(suffix).pdf\"",
                .cacheControl: "private, no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
        }
        api.get("certificates/:serial/html") { _, context -> Response in
            let page = try CertificatePages.certificate(try await issued(context))
            return Self.html(page, cache: "private, no-store")
        }
        api.get("certificates/:serial/qr.svg") { _, context -> Response in
            let qr = try QRCode(try await issued(context).verificationURL)
            return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(string: qr.svg())))
        }
        api.get("certificates/:serial/qr.png") { _, context -> Response in
            let png = try QRCode(try await issued(context).verificationURL).png()
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        api.post("certificates/:serial/revoke") { request, context -> CertificateBody in
            let principal = try context.requirePrincipal()
            let input = try await request.decode(as: RevokeInput.self, context: context)
            let certificate = try await ledger.revokeCertificate(serial: try serial(context), reason: input.reason, by: principal)
            let settings = ledger.certificates
            return CertificateBody(certificate, verificationURL: settings?.verificationURL(token: certificate.token) ?? "",
                                   serialURL: settings?.serialURL(serial: certificate.serial) ?? "", records: nil)
        }
        api.get("verify") { request, _ -> VerificationBody in
            if let token = request.uri.queryParameters.get("token"), !token.isEmpty {
                return VerificationBody(try await ledger.verifyCertificate(token: token))
            }
            if let serial = request.uri.queryParameters.get("serial"), !serial.isEmpty {
                return VerificationBody(try await ledger.verifyCertificate(serial: serial))
            }
            throw LedgerError.invalidField(field: "token", reason: "请提供 token 或 serial / give token or serial")
        }
        api.get("status-lists/:id") { _, context -> Response in
            let credential = try await ledger.statusListCredential(list: try context.id())
            return Response(status: .ok, headers: [.contentType: "application/vc+jwt", .cacheControl: "public, max-age=60"],
                            body: .init(byteBuffer: ByteBuffer(string: credential)))
        }
    }

    /// The language of a certificate's PDF from the `lang` query parameter: `zh` (the default when absent) or `en`.
    static func pdfLanguage(_ parameter: String?) throws -> CertificateLanguage {
        guard let parameter, !parameter.isEmpty else { return .chinese }
        guard let language = CertificateLanguage(rawValue: parameter) else {
            throw LedgerError.invalidField(field: "lang", reason: "须为 zh 或 en / must be zh or en")
        }
        return language
    }

    private func serial(_ context: LedgerRequestContext) throws -> String {
        context.parameters.get("serial") ?? ""
    }

    private func issued(_ context: LedgerRequestContext) async throws -> IssuedCertificate {
        try await ledger.certificate(serial: try serial(context), by: try context.requirePrincipal())
    }

    /// HTML for browsers, JSON for `Accept: application/json`; never cached, so a revocation shows at once.
    static func verificationResponse(_ result: CertificateVerification, request: Request, context: LedgerRequestContext,
                                     pages: RenderedPages, key: String) throws -> Response {
        let accept = request.headers[.accept] ?? ""
        if accept.contains("application/json"), !accept.contains("text/html") {
            var response = try VerificationBody(result).response(from: request, context: context)
            response.headers[.cacheControl] = "no-store"
            response.headers[.vary] = "Accept"
            return response
        }
        let page = pages.page(for: key, result) { ByteBuffer(string: CertificatePages.verification(result)) }
        var response = html(page, cache: "no-store")
        response.headers[.vary] = "Accept"
        return response
    }

    static func html(_ page: String, cache: String) -> Response {
        html(ByteBuffer(string: page), cache: cache)
    }

    static func html(_ page: ByteBuffer, cache: String) -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: cache,
            contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
            contentTypeOptions: "nosniff",
        ], body: .init(byteBuffer: page))
    }

    private static let contentSecurityPolicy = HTTPFields.Element.Name("Content-Security-Policy")!
    private static let contentTypeOptions = HTTPFields.Element.Name("X-Content-Type-Options")!
}

/// Rendered verification pages by token, each kept with the verdict it shows and reused only for an
/// equal verdict, so a revocation or correction re-renders at once. Only pages of certificates on file
/// are kept (an invalid token costs a render, never memory), and the cache is bounded in bytes: when
/// full it starts over.
final class RenderedPages: Sendable {
    private struct Entry {
        var result: CertificateVerification
        var page: ByteBuffer
        var bytes: Int
    }

    private struct Pages {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let pages = Mutex(Pages())
    /// Pages and keys together; a page is about 6 KB, so some 2,000 pages.
    let capacityBytes: Int

    init(capacityBytes: Int = 16 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Bytes held now (keys and pages).
    var bytesHeld: Int { pages.withLock { $0.bytes } }

    func page(for key: String, _ result: CertificateVerification, render: () -> ByteBuffer) -> ByteBuffer {
        guard result.certificate != nil, key.utf8.count <= Ledger.maxTokenLength else { return render() }
        if let entry = pages.withLock({ $0.entries[key] }), entry.result == result {
            LedgerMetrics.cacheLookup("verification_page", hit: true)
            return entry.page
        }
        LedgerMetrics.cacheLookup("verification_page", hit: false)
        let page = render()
        let size = page.readableBytes + key.utf8.count
        pages.withLock { pages in
            if let old = pages.entries[key] { pages.bytes -= old.bytes }
            if pages.bytes + size > capacityBytes {
                pages.entries.removeAll(keepingCapacity: true)
                pages.bytes = 0
            }
            pages.entries[key] = Entry(result: result, page: page, bytes: size)
            pages.bytes += size
        }
        return page
    }
}
