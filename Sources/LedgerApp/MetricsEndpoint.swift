import Crypto
import Foundation
import Hummingbird
import LedgerAPI
import Metrics
import Prometheus

/// The process's Prometheus registry, made the swift-metrics backend the first time it is used (before the
/// router, whose middleware makes its counters when built).
public enum MetricsBackend {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
            .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// `GET /metrics` in the Prometheus text format. With a token configured a scraper must send it as a bearer
/// token; without one only a client on the loopback interface, not relayed by a proxy, may read it.
struct MetricsEndpoint {
    let registry: PrometheusCollectorRegistry
    let token: String?

    func register(on router: Router<LedgerRequestContext>) {
        router.get("/metrics") { request, context -> Response in
            guard allowed(request, context) else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    private func allowed(_ request: Request, _ context: LedgerRequestContext) -> Bool {
        if let token {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
            // Compared as digests, so the time taken says nothing about the token.
            return SHA256.hash(data: Data(header.dropFirst(7).utf8)) == SHA256.hash(data: Data(token.utf8))
        }
        let forwarded = request.headers[.init("X-Forwarded-For")!] != nil || request.headers[.init("Forwarded")!] != nil
        return !forwarded && ["127.0.0.1", "::1"].contains(context.clientAddress ?? "")
    }
}
