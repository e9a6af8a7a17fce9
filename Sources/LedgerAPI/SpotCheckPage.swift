import Foundation
import LedgerCore

/// The public HTML page of a published spot check: every value escaped, no personal data.
public enum SpotCheckPage {
    public static func html(_ p: SpotCheckPublication) -> String {
        let c = p.campaign
        let r = p.results
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape("抽查结果公示 · \(c.title)"))</title>
            <style>
            body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
            code{word-break:break-all}.muted{color:#666}
            </style>
            </head>
            <body>
            <h1>\(escape("抽查结果公示 / Spot-check results"))</h1>
            <h2>\(escape(c.title))</h2>
            <table>
            \(row("编号 Campaign", "#\(c.id)"))
            \(row("抽查对象 Unit", unitLabel(c.unit)))
            \(row("期间 Period", "\(c.scope.from?.description ?? "…") — \(c.scope.to?.description ?? "…")"))
            \(row("组织 Organizations", c.scope.organizations.isEmpty ? "全部 / all" : c.scope.organizations.joined(separator: ", ")))
            \(row("区划 Regions", c.scope.regionCodes.isEmpty ? "全部 / all" : c.scope.regionCodes.joined(separator: ", ")))
            \(row("最低时长 Minimum hours", c.scope.minimumMinutes.map { HoursFormat.hours(fromMinutes: $0) } ?? "—"))
            \(row("样本量 Sample size", "\(c.sampleSize)" + (c.sizeMethod.map { " (\($0.rawValue))" } ?? "")))
            \(row("分层 Stratified", c.stratified ? "按组织比例分配 / by organization" : "否 / no"))
            \(row("加权 Weighting", c.weighting.rawValue))
            \(row("检查人员 Inspectors per unit", "\(c.inspectorsPerUnit)"))
            \(row("创建 Created", p.dates.created))
            \(row("冻结 Frozen", p.dates.frozen ?? "—"))
            \(row("抽取 Drawn", p.dates.drawn ?? "—"))
            \(row("分配 Assigned", p.dates.assigned ?? "—"))
            \(row("公示 Published", p.dates.published ?? "—"))
            </table>
            <h3>\(escape("抽查范围与随机种子 / Population and seed"))</h3>
            <table>
            \(row("总体 Population", "\(p.population.size)" + (p.population.secondStageSize.map { " (+\($0) records)" } ?? "")))
            \(row("SHA-256", p.population.digest, code: true))
            \(row("随机种子 Seed", p.seed, code: true))
            </table>
            <p class="muted">\(escape("重现方法 / To re-derive: download the JSON, then run `vledger spot-check reproduce FILE`, or draw with the PyPI package consistent-sampler using the seed and the ids of the population (population.txt, first column)."))</p>
            <p><a href="/api/v1/public/spot-checks/\(c.id)">JSON</a> · <a href="/api/v1/public/spot-checks/\(c.id)/results.csv">CSV</a> · <a href="/api/v1/public/spot-checks/\(c.id)/population.txt">population.txt</a></p>
            <h3>\(escape("算法 / Algorithms"))</h3>
            <ul>
            <li>\(escape(p.algorithm.sampling))</li>
            <li>\(escape(p.algorithm.weighting))</li>
            <li>\(escape(p.algorithm.allocation))</li>
            <li>\(escape(p.algorithm.sampleSize))</li>
            <li>\(escape(p.algorithm.assignment))</li>
            <li>\(escape(p.algorithm.interval))</li>
            </ul>
            <h3>\(escape("结果 / Results"))</h3>
            <table>
            \(row("核查 Items", "\(r.items)"))
            \(row("属实 Confirmed", "\(r.confirmed)"))
            \(row("不属实 Discrepancies", "\(r.discrepancies)"))
            \(row("无法核实 Unverifiable", "\(r.unverifiable)"))
            \(row("不属实率 Discrepancy rate", r.discrepancyRate.map(percent) ?? "—"))
            \(row("95% Wilson", r.wilson.map { "\(percent($0.lower)) – \(percent($0.upper))" } ?? "—"))
            \(row("95% Clopper-Pearson", r.clopperPearson.map { "\(percent($0.lower)) – \(percent($0.upper))" } ?? "—"))
            """
        if let a = r.attribute {
            html += row("可容忍偏差率 Tolerable rate", "\(percent(a.tolerableRate)) @ \(percent(a.confidence))")
            html += row("偏差上限 Upper bound", "\(percent(a.upperBound)) (\(a.deviations) / \(a.sampleSize), \(a.method.rawValue))")
            html += row("是否超过 Exceeded", a.tolerableRateExceeded ? "是 / yes" : "否 / no")
        }
        html += "</table>\n<h3>\(escape("各组织结果 / By organization"))</h3>\n<table>\n"
        html += "<tr><th>组织 Organization</th><th>统一社会信用代码</th><th>核查</th><th>属实</th><th>不属实</th><th>无法核实</th></tr>\n"
        for o in p.byOrganization {
            html += "<tr>" + [o.name, o.organization, "\(o.items)", "\(o.confirmed)", "\(o.discrepancies)", "\(o.unverifiable)"]
                .map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</table>\n<h3>\(escape("样本与检查结果 / Sample and findings"))</h3>\n<table>\n"
        html += "<tr><th>阶段</th><th>顺序</th><th>编号 Id</th><th>组织</th><th>Ticket</th><th>检查人员</th><th>结果</th></tr>\n"
        let teams = Dictionary(p.assignments.map { ($0.unit, $0.inspectors) }, uniquingKeysWith: { a, _ in a })
        let findings = Dictionary(p.findings.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        for unit in p.sample {
            let finding = findings[unit.id].map { f in f.outcomeLabel + (f.discrepancyLabel.map { "（\($0)）" } ?? "") } ?? ""
            html += "<tr>" + ["\(unit.stage)", "\(unit.order)", unit.id, unit.organization, unit.ticket,
                              (teams[unit.stage == 2 ? unit.organization : unit.id] ?? []).joined(separator: ", "), finding]
                .map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</table>\n</body>\n</html>\n"
        return html
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func row(_ label: String, _ value: String, code: Bool = false) -> String {
        let shown = code ? "<code>\(escape(value))</code>" : escape(value)
        return "<tr><th>\(escape(label))</th><td>\(shown)</td></tr>\n"
    }

    private static func percent(_ value: Double) -> String {
        String(format: "%.2f %%", value * 100)
    }

    private static func unitLabel(_ unit: SpotCheckUnit) -> String {
        switch unit {
        case .records: "服务记录 / records"
        case .certificates: "证明 / certificates"
        case .organizations: "组织（及其记录）/ organizations, then their records"
        }
    }
}
