import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerCore
import Logging

/// How the log server reaches its witnesses: a plain HTTP POST with a 10-second limit, so a slow witness delays only its
/// own cosignature, never the log.
enum WitnessHTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 15
        return URLSession(configuration: configuration)
    }()

    static let post: WitnessPost = { url, body in
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await session.upload(for: request, from: Data(body))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data.prefix(64 * 1024)))
    }
}

extension PeriodicService {
    /// Every two seconds, submits the latest signed checkpoint to the witnesses that have not cosigned it; a witness
    /// that fails is named in a warning (never its URL's credentials, nor any key) and tried again next round.
    static func witnessCosignatures(_ log: LogPublisher, logger: Logger) -> PeriodicService {
        PeriodicService(interval: .seconds(2), logger: logger, round: {
            for failure in await log.collectCosignatures() {
                logger.warning("witness gave no cosignature", metadata: ["reason": "\(failure)"])
            }
        }, failure: "collecting witness cosignatures failed")
    }
}
