import Foundation
import Hummingbird
import LedgerAPI
import LedgerCore

/// Where the web interface finds its files and whether it sits behind a proxy.
public struct WebSettings: Sendable {
    public var resourcesFolder: String
    public var trustProxy: Bool

    public init(resourcesFolder: String, trustProxy: Bool = false) {
        self.resourcesFolder = resourcesFolder
        self.trustProxy = trustProxy
    }
}

/// The web pages, served by the same process and port as the API: public pages, and the pages of
/// organization staff, volunteers, inspectors and platform admins. Every page calls the same `Ledger`
/// use cases as the API, so access checks and rules are the same.
public struct WebInterface: Sendable {
    let ledger: Ledger
    let renderer: PageRenderer
    let staticFiles: StaticFiles
    /// The terms and privacy notice residents accept when registering.
    let terms: TermsTexts
    let settings: WebSettings
    /// Imports running from the browser.
    let importJobs = ImportJobs()
    /// Batches of certificates, shared with the API's routes.
    let certificateBatches: CertificateBatchJobs
    /// Names of region codes (`Resources/region-codes.csv`).
    let regions: RegionCodes

    public init(ledger: Ledger, settings: WebSettings, certificateBatches: CertificateBatchJobs = CertificateBatchJobs()) async throws {
        self.ledger = ledger
        self.settings = settings
        self.certificateBatches = certificateBatches
        self.renderer = try await PageRenderer(resourcesFolder: settings.resourcesFolder)
        self.staticFiles = try StaticFiles(folder: settings.resourcesFolder)
        self.regions = try RegionCodes.load(resourcesFolder: settings.resourcesFolder)
        self.terms = try TermsTexts(resourcesFolder: settings.resourcesFolder)
    }

    public func register(on router: Router<LedgerRequestContext>) {
        router.get("/static/:name") { [staticFiles] _, context in staticFiles.response(context.parameters.get("name") ?? "") }
        router.get("/favicon.ico") { [staticFiles] _, _ in staticFiles.response("favicon.svg") }
        let pages = router.group(context: WebRequestContext.self)
            .add(middleware: WebSessionMiddleware(ledger: ledger, renderer: renderer, trustProxy: settings.trustProxy))
        PublicPages(ledger: ledger, renderer: renderer).register(on: pages)
        PublicActivityPages(ledger: ledger, renderer: renderer).register(on: pages)
        JoinRequestPages(ledger: ledger, renderer: renderer).register(on: pages)
        RegistrationPages(ledger: ledger, renderer: renderer, terms: terms).register(on: pages)
        MyProfilePages(ledger: ledger, renderer: renderer).register(on: pages)
        TransparencyLogPages(ledger: ledger, renderer: renderer).register(on: pages)
        StaffPages(ledger: ledger, renderer: renderer).register(on: pages)
        StaffRecordPages(ledger: ledger, renderer: renderer).register(on: pages)
        StaffImportPages(ledger: ledger, renderer: renderer, jobs: importJobs).register(on: pages)
        StaffImportPages(ledger: ledger, renderer: renderer, jobs: importJobs, kind: .roster).register(on: pages)
        RosterTemplateFiles().register(on: pages)
        StaffCertificatePages(ledger: ledger, renderer: renderer, batches: certificateBatches).register(on: pages)
        StaffSignUpPages(ledger: ledger, renderer: renderer).register(on: pages)
        AttendancePages(ledger: ledger, renderer: renderer).register(on: pages)
        InvitationPages(ledger: ledger, renderer: renderer).register(on: pages)
        ClaimPages(ledger: ledger, renderer: renderer).register(on: pages)
        OrganizationSettingsPages(ledger: ledger, renderer: renderer).register(on: pages)
        VolunteerPages(ledger: ledger, renderer: renderer).register(on: pages)
        VolunteerSignUpPages(ledger: ledger, renderer: renderer).register(on: pages)
        InspectorPages(ledger: ledger, renderer: renderer).register(on: pages)
        AdminPages(ledger: ledger, renderer: renderer).register(on: pages)
        SecurityLogPages(ledger: ledger, renderer: renderer).register(on: pages)
        OrganizationApplicationPages(ledger: ledger, renderer: renderer).register(on: pages)
        AdminSpotCheckPages(ledger: ledger, renderer: renderer).register(on: pages)
        StatisticsPages(ledger: ledger, renderer: renderer, regions: regions).register(on: pages)
        // Only in development mode (`messages = dev`): elsewhere /dev/outbox is not found.
        if let outbox = ledger.messages as? DevelopmentOutbox { DevOutboxPages(outbox: outbox, renderer: renderer).register(on: pages) }
    }
}
