import Foundation
import Hummingbird
import LedgerCore

/// Per-request state: the signed-in principal, once the authentication middleware has found one.
public struct LedgerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, or nil for an anonymous request.
    public var principal: Principal?
    /// The bearer token presented, kept so that logout can revoke it.
    public var bearerToken: String?

    /// The peer's IP address (the proxy's, behind one), for throttling logins.
    public var clientAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// JSON with sorted keys and unescaped slashes, so responses read well and diff well.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// JSON bodies decoded strictly: a field the API document does not declare is refused (422 naming it).
    public var requestDecoder: StrictJSONDecoder { StrictJSONDecoder() }

    /// JSON bodies up to 64 KiB without a login (a login, an invitation), 1 MiB with one; CSV uploads stream past this
    /// limit on their own routes, after the access check.
    public var maxUploadSize: Int { principal == nil ? 64 << 10 : 1 << 20 }

    /// The principal, or an "authentication required" problem.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw LedgerError.unauthenticated }
        return principal
    }
}
