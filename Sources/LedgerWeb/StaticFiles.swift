import Foundation
import Hummingbird

/// The CSS, scripts and icons of `Resources/static`, read once at start: served at `/static/NAME` by name
/// only (no paths, so nothing outside the folder can be asked for), cacheable for a day.
struct StaticFiles: Sendable {
    private let files: [String: (type: String, bytes: [UInt8])]

    init(folder: String) throws {
        let directory = URL(fileURLWithPath: folder).appendingPathComponent("static")
        var files: [String: (type: String, bytes: [UInt8])] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let type: String
            switch (name as NSString).pathExtension {
            case "css": type = "text/css; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "svg": type = "image/svg+xml"
            case "png": type = "image/png"
            default: continue
            }
            files[name] = (type, Array(try Data(contentsOf: directory.appendingPathComponent(name))))
        }
        self.files = files
    }

    func response(_ name: String) -> Response {
        guard let file = files[name] else { return Response(status: .notFound) }
        var headers: HTTPFields = [.contentType: file.type, .cacheControl: "public, max-age=86400"]
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
