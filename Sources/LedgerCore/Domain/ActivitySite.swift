import Foundation

/// Where an activity takes place, for self check-in: a point and a radius. A phone reporting a position outside it
/// is refused where the activity requires presence, else checked in and flagged as off site (which raises the
/// record's spot-check risk weight).
public struct ActivitySite: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    /// Metres around the point that count as on site; phones are often 20–50 m off, so at least that.
    public var radius: Int
    /// Whether a self check-in away from the site (or without a position) is refused rather than flagged.
    public var presenceRequired: Bool

    public static let radiusRange = 20...5_000

    public init(latitude: Double, longitude: Double, radius: Int, presenceRequired: Bool) {
        self.latitude = latitude
        self.longitude = longitude
        self.radius = radius
        self.presenceRequired = presenceRequired
    }

    /// The site with its coordinates and radius checked, else the field that is wrong.
    public static func checked(latitude: Double, longitude: Double, radius: Int, presenceRequired: Bool) throws(LedgerError) -> ActivitySite {
        guard let point = try GeoPosition.checked(latitude: latitude, longitude: longitude, accuracy: nil) else {
            throw LedgerError.invalidField(field: "latitude", reason: "缺少坐标 / the coordinates are missing")
        }
        guard radiusRange.contains(radius) else {
            throw LedgerError.invalidField(field: "radius", reason:
                "须在 \(radiusRange.lowerBound) 到 \(radiusRange.upperBound) 米之间 / must be \(radiusRange.lowerBound) to \(radiusRange.upperBound) metres")
        }
        return ActivitySite(latitude: point.latitude, longitude: point.longitude, radius: radius, presenceRequired: presenceRequired)
    }

    /// Great-circle distance in metres from the site's point to `position` (haversine, mean Earth radius).
    public func distance(to position: GeoPosition) -> Double {
        let earth = 6_371_008.8
        let φ1 = latitude * .pi / 180, φ2 = position.latitude * .pi / 180
        let Δφ = φ2 - φ1, Δλ = (position.longitude - longitude) * .pi / 180
        let a = sin(Δφ / 2) * sin(Δφ / 2) + cos(φ1) * cos(φ2) * sin(Δλ / 2) * sin(Δλ / 2)
        return 2 * earth * atan2(a.squareRoot(), (1 - a).squareRoot())
    }

    /// Whether `position` lies within the radius; no position is not on site.
    public func covers(_ position: GeoPosition?) -> Bool {
        guard let position else { return false }
        return distance(to: position) <= Double(radius)
    }
}

extension ActivitySite {
    /// The stored columns as a site: none without its point and radius.
    public static func stored(latitude: Double?, longitude: Double?, radius: Int?, presenceRequired: Bool) -> ActivitySite? {
        guard let latitude, let longitude, let radius else { return nil }
        return ActivitySite(latitude: latitude, longitude: longitude, radius: radius, presenceRequired: presenceRequired)
    }
}
