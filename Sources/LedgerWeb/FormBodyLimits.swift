import LedgerCore

/// How large a form post may be, decided before a byte of its body is read: a few KiB for every page (a login, a
/// record, a sign-up), and a large limit only on the routes where an upload belongs, for a session whose role may
/// use that route. An anonymous visitor can therefore never make the server read or parse more than `form` bytes.
enum FormBodyLimits {
    /// Every form without a file or a large table.
    static let form = 64 << 10

    /// A route that takes a file or a large table, its limit and who may send one. `path` is a route pattern: a
    /// `:name` segment matches any one segment. `anyone`: also visitors without a login (and every role).
    struct Upload {
        var path: String
        var bytes: Int
        var roles: Set<Role>
        var anyone = false

        func matches(_ requestPath: String) -> Bool {
            let pattern = path.split(separator: "/"), segments = requestPath.split(separator: "/")
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }

    /// Room for a multipart envelope and the form's other fields around a file.
    static let envelope = 64 << 10

    static let uploads: [Upload] = [
        // Hour records, CSV or Excel (the page's documented limit).
        Upload(path: "/org/import", bytes: ImportLimits.maxPageUploadBytes, roles: [.organizationAdmin, .organizationStaff]),
        // A roster of volunteers, CSV or Excel.
        Upload(path: "/org/volunteers/import", bytes: ImportLimits.maxPageUploadBytes, roles: [.organizationAdmin, .organizationStaff]),
        // An hours claim with its photo.
        Upload(path: "/me/claims", bytes: ClaimEvidence.maximumSize + envelope, roles: [.volunteer]),
        // Hours of up to 500 volunteers on one activity, each row with a note of up to 500 characters.
        Upload(path: "/org/activities/:id/record", bytes: 1 << 20, roles: [.organizationAdmin, .organizationStaff]),
        // The holiday calendar file.
        Upload(path: "/admin/holidays", bytes: 1 << 20, roles: [.platformAdmin]),
        // An organization's application with its registration certificate: the one upload open to visitors without a
        // login, so it has its own limit (the certificate's 5 MiB and the form around it); applications are throttled
        // per client address by the use case.
        Upload(path: "/organizations/apply", bytes: RegistrationCertificateFile.maximumSize + envelope, roles: [], anyone: true),
    ]

    /// The most bytes a POST to `path` by `principal` may carry.
    static func limit(path: String, principal: Principal?) -> Int {
        guard let upload = uploads.first(where: { $0.matches(path) }) else { return form }
        if upload.anyone { return upload.bytes }
        guard let principal, upload.roles.contains(principal.role) else { return form }
        return upload.bytes
    }
}
