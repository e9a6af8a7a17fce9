import Foundation
import Hummingbird
import LedgerCore

/// The security log for platform admins: a page of events (`listSecurityEvents`) and the whole selection as CSV
/// (`exportSecurityEvents`), filtered by `kind`, `account` (a username) and days `from`/`to` (Asia/Shanghai, inclusive).
struct SecurityLogRoutes {
    let ledger: Ledger

    struct EventBody: ResponseEncodable {
        var id: Int64
        var kind: SecurityEventKind
        var at: String
        var accountId: Int64?
        var username: String
        var actorId: Int64?
        var clientAddress: String?
        var userAgent: String?
        var detail: String?

        init(_ event: SecurityEvent) {
            id = event.id
            kind = event.kind
            at = Wire.time(event.at, .ledgerDefault)
            accountId = event.accountId
            username = event.username
            actorId = event.actorId
            clientAddress = event.clientAddress
            userAgent = event.userAgent
            detail = event.detail
        }
    }

    static func filter(_ request: Request) throws -> (SecurityEventFilter, username: String?) {
        let filter = try SecurityEventFilter.days(kind: request.uri.queryParameters.get("kind"), fromDay: try request.queryDate("from"),
                                                  toDay: try request.queryDate("to"))
        return (filter, request.uri.queryParameters.get("account").map { String($0) })
    }

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.get("security-log") { request, context -> ListBody<EventBody> in
            let principal = try context.requirePrincipal()
            let (filter, username) = try Self.filter(request)
            let page = try await ledger.securityEvents(filter, username: username, beforeId: try request.cursor(),
                                                       limit: try request.queryInt("limit"), by: principal)
            return page.body(EventBody.init)
        }
        api.get("security-log.csv") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let (filter, username) = try Self.filter(request)
            // Refusals and bad filters answer before the stream starts.
            _ = try await ledger.securityEvents(filter, username: username, beforeId: nil, limit: 1, by: principal)
            return ImportExportRoutes.csvResponse(name: "security-log.csv") { sink in
                try await ledger.exportSecurityEvents(filter, username: username, by: principal, write: sink)
            }
        }
    }
}

extension LedgerRequestContext {
    /// Where the request came from, for the security log.
    func origin(_ request: Request) -> RequestOrigin {
        RequestOrigin(clientAddress: clientAddress, userAgent: request.headers[.userAgent])
    }
}
