import Foundation

extension Ledger {
    /// How long security events are kept at least (MLPS 2.0 asks for six months of audit records).
    public static let securityLogMinimumRetentionDays = 180
    /// Events an export reads per statement.
    public static let securityLogExportPageSize = 2_000

    /// The security log, newest first, a page at a time: for platform admins only. `username` narrows to one
    /// account (an unknown name finds nothing).
    public func securityEvents(_ filter: SecurityEventFilter, username: String? = nil, beforeId: Int64?, limit: Int?,
                               by principal: Principal) async throws -> Page<SecurityEvent> {
        let filter = try await securityFilter(filter, username: username, by: principal)
        let limit = try InputCheck.limit(limit)
        guard let filter else { return Page(items: [], nextAfter: nil) }
        let fetched = try await store.readAllowingLag { try $0.securityEvents(filter, beforeId: beforeId, limit: limit + 1) }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// Writes the events matching the filter as CSV for Excel (UTF-8 with BOM) to `sink`, a page of
    /// `securityLogExportPageSize` rows per statement, so the log never sits in memory. Times in Asia/Shanghai.
    public func exportSecurityEvents(_ filter: SecurityEventFilter, username: String? = nil, by principal: Principal,
                                     write sink: ([UInt8]) async throws -> Void) async throws {
        let filter = try await securityFilter(filter, username: username, by: principal)
        var csv = CSVWriter()
        csv.writeRow(Self.securityLogExportHeader)
        var beforeId: Int64?
        let pageSize = Self.securityLogExportPageSize
        let store = self.store
        while let filter {
            let after = beforeId
            let rows = try await store.readAllowingLag { try $0.securityEvents(filter, beforeId: after, limit: pageSize) }
            for event in rows {
                csv.writeRow([String(event.id), Self.securityLogTime(event.at), event.kind.rawValue, event.kind.label,
                              event.accountId.map(String.init) ?? "", event.username, event.actorId.map(String.init) ?? "",
                              event.clientAddress ?? "", event.userAgent ?? "", event.detail ?? ""])
            }
            try await sink(csv.takeBytes())
            guard rows.count == pageSize, let last = rows.last else { break }
            beforeId = last.id
        }
        let rest = csv.takeBytes()
        if !rest.isEmpty { try await sink(rest) }
    }

    /// The header row of the security log export, Chinese and English.
    public static let securityLogExportHeader = [
        "编号 id", "时间 time", "事件 event", "事件说明 event_label", "账号编号 account_id", "用户名 username", "操作人 actor_id",
        "客户端地址 client_address", "浏览器 user_agent", "说明 detail",
    ]

    /// Deletes events older than `retentionDays` (at least 180), in batches: for the command line and platform admins.
    /// Answers how many went.
    public func pruneSecurityLog(retentionDays: Int = securityLogMinimumRetentionDays, by principal: Principal) async throws -> Int {
        guard principal.role == .platformAdmin else {
            throw LedgerError.forbidden("只有平台管理员可以清理安全日志 / only platform admins prune the security log")
        }
        guard (Self.securityLogMinimumRetentionDays...36_500).contains(retentionDays) else {
            throw LedgerError.invalidField(field: "retentionDays",
                reason: "须在 180 到 36500 天之间 / must be between 180 and 36500 days")
        }
        let cutoff = now.addingTimeInterval(-Double(retentionDays) * 86_400)
        var total = 0
        while true {
            let gone = try await store.write { try $0.pruneSecurityEvents(olderThan: cutoff, limit: 5_000) }
            total += gone
            if gone < 5_000 { return total }
        }
    }

    /// The filter a platform admin asked for, with the account named by `username` resolved; nil when the name is
    /// unknown (nothing matches).
    func securityFilter(_ filter: SecurityEventFilter, username: String?, by principal: Principal) async throws -> SecurityEventFilter? {
        guard principal.role == .platformAdmin else {
            throw LedgerError.forbidden("只有平台管理员可以查看安全日志 / only platform admins read the security log")
        }
        if let from = filter.from, let before = filter.before, from >= before {
            throw LedgerError.invalidField(field: "to", reason: "须晚于开始日期 / must be after the start date")
        }
        var filter = filter
        let name = username?.trimmingCharacters(in: .whitespaces) ?? ""
        if !name.isEmpty {
            guard name.count <= 64 else {
                throw LedgerError.invalidField(field: "account", reason: "最多 64 个字符 / at most 64 characters")
            }
            guard let account = try await store.readAllowingLag({ try $0.user(username: name) }) else { return nil }
            filter.accountId = account.id
        }
        return filter
    }

    /// An instant as the platform shows it: local time in Asia/Shanghai with its offset.
    static func securityLogTime(_ date: Date) -> String {
        RFC3339.string(date, in: .ledgerDefault)
    }

    /// Appends an event in the transaction of `w` (the change it records commits with it, or neither does).
    static func logSecurityEvent(_ w: any SecurityLogWriter, _ kind: SecurityEventKind, account: UserAccount?, username: String? = nil,
                                 actor: Principal? = nil, origin: RequestOrigin, at: Date, detail: String? = nil) throws {
        let actorId = actor?.userId.flatMap { $0 == account?.id ? nil : $0 }
        try w.append(SecurityEvent(kind: kind, at: at, accountId: account?.id, username: account?.username ?? username ?? "",
                                   actorId: actorId, origin: origin, detail: detail))
    }
}
