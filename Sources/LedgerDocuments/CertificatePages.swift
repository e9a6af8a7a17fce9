import Foundation
import LedgerCore

/// The HTML pages of certificates: the verification page a phone opens from the QR code, and the
/// certificate itself for the screen. Every value is escaped with `HTMLText.escape`.
public enum CertificatePages {
    /// Where the issuance stands in the public transparency log (`/log/checkpoint`), once sequenced.
    static func logLine(_ result: CertificateVerification) -> String {
        guard let index = result.logIndex else { return "" }
        let covered = result.inSignedCheckpoint == true
            ? "已纳入签名检查点 / in the signed checkpoint" : "待纳入签名检查点 / awaiting the next signed checkpoint"
        // With a signed checkpoint, the C2SP tlog-proof that `vledger verify --checkpoint` checks offline.
        let proof = result.inSignedCheckpoint == true ? result.certificate.map {
            " <a id=\"log-proof\" href=\"/api/v1/log/certificate-proofs/\(HTMLText.escape($0.serial))\" download>下载日志证明 / log proof</a>"
        } ?? "" : ""
        return "<dt>透明日志 Transparency log</dt><dd id=\"log-index\">#\(index)（\(covered)\(result.inCosignedCheckpoint == true ? "；已经见证方联署 / cosigned by witnesses" : "")）\(proof)</dd>\n"
    }

    /// The verification page: in one glance 有效 / 已撤销 / 已更正 / 无效, then the certificate's public facts
    /// (the volunteer's name masked), and for a superseded certificate the records that changed.
    public static func verification(_ result: CertificateVerification) -> String {
        let e = HTMLText.escape
        let (symbol, tone) = switch result.status {
        case .valid: ("✓", "valid")
        case .revoked: ("✗", "revoked")
        case .superseded: ("!", "superseded")
        case .invalid: ("✗", "invalid")
        }
        var body = """
            <main>
            <section class="verdict \(tone)" role="status">
            <div class="symbol" aria-hidden="true">\(symbol)</div>
            <h1>\(e(result.headline))</h1>
            <p>\(e(result.explanation))</p>

            """
        if result.status == .invalid, let reason = result.reason {
            body += "<p class=\"code\">原因 Reason: <code>\(e(reason.rawValue))</code></p>\n"
            if let at = result.keyCompromisedAt {
                body += "<p class=\"code\">密钥作废于 Key compromised on \(e(CertificateText.iso(LocalDate(at, in: .ledgerDefault))))</p>\n"
            }
        }
        if result.status == .revoked, let revocation = result.certificate?.revocation {
            let zone = result.certificate?.timeZone ?? .ledgerDefault
            body += """
                <dl class="revocation">
                <dt>撤销日期 Revoked on</dt><dd>\(e(CertificateText.iso(LocalDate(revocation.at, in: zone))))</dd>
                <dt>撤销原因 Reason</dt><dd>\(e(revocation.reason))</dd>
                </dl>

                """
        }
        body += "</section>\n"
        if let certificate = result.certificate {
            body += """
                <section class="facts">
                <h2>证明信息 Certificate</h2>
                <dl>
                <dt>证明编号 Serial</dt><dd><code>\(e(certificate.groupedSerial))</code></dd>
                <dt>志愿者 Volunteer</dt><dd>\(e(Masking.name(certificate.volunteerName)))</dd>
                <dt>志愿者编号 Volunteer no.</dt><dd>\(e(certificate.volunteerNumber))</dd>
                <dt>出具单位 Issuer</dt><dd>\(e(certificate.issuerName))</dd>
                <dt>统一社会信用代码 Credit code</dt><dd>\(e(CertificateText.issuerCode(certificate)))</dd>
                <dt>服务期间 Period</dt><dd>\(e(CertificateText.period(certificate)))</dd>
                <dt>累计时长 Hours</dt><dd>\(e(CertificateText.hours(certificate.minutes))) 小时 h（\(certificate.recordCount) 条记录 records）</dd>
                <dt>出具日期 Issued on</dt><dd>\(e(CertificateText.iso(CertificateText.issueDate(certificate))))</dd>
                \(logLine(result))</dl>
                </section>

                """
        }
        if result.status == .superseded {
            body += """
                <section class="changes">
                <h2>出具后变更的记录 Records changed after issue</h2>
                <table>
                <thead><tr><th>记录 Record</th><th>服务内容 Activity</th><th>日期 Date</th><th>证明所载 Certified</th><th>现为 Now</th></tr></thead>
                <tbody>

                """
            for change in result.changes {
                let now = change.current.isVoid ? "已作废 voided" : CertificateText.hours(change.current.minutes) + " h"
                body += "<tr><td>#\(change.certified.recordId)</td><td>\(e(change.certified.activityTitle))</td>"
                    + "<td>\(e(CertificateText.iso(change.certified.serviceDate)))</td>"
                    + "<td>\(e(CertificateText.hours(change.certified.minutes))) h</td><td>\(e(now))</td></tr>\n"
            }
            body += "</tbody>\n</table>\n"
            if let current = result.currentMinutes {
                body += "<p>所列记录现合计 \(e(CertificateText.hours(current))) 小时 / the covered records now total \(e(CertificateText.hours(current))) h</p>\n"
            }
            body += "</section>\n"
        }
        body += """
            <footer>
            <p>志愿服务记录证明核验 · Certificate verification · VolunteerLedger</p>
            </footer>
            </main>
            """
        return page(title: "证明核验 \(result.headline)", body: body)
    }

    /// The certificate for the screen: what the PDF prints, with the QR code as inline SVG.
    public static func certificate(_ issued: IssuedCertificate) throws -> String {
        let e = HTMLText.escape
        let certificate = issued.certificate
        let qr = try QRCode(issued.verificationURL)
        var body = """
            <main class="certificate">
            <p class="serial">证明编号 No. <code>\(e(certificate.groupedSerial))</code></p>
            <h1>\(e(CertificateText.title))</h1>
            <p class="subtitle">\(e(CertificateText.englishTitle))</p>

            """
        if let revocation = certificate.revocation {
            body += "<p class=\"banner revoked\">已撤销 Revoked \(e(CertificateText.iso(LocalDate(revocation.at, in: certificate.timeZone))))：\(e(revocation.reason))</p>\n"
        }
        body += """
            <p class="statement">\(e(CertificateText.statement(certificate)))</p>
            <p class="english">\(e(CertificateText.englishStatement(certificate)))</p>
            <dl>
            <dt>志愿者 Volunteer</dt><dd>\(e(certificate.volunteerName))（\(e(certificate.volunteerNumber))）</dd>
            <dt>证件号码 ID number</dt><dd>\(e(certificate.maskedDocumentNumber))</dd>
            <dt>出具单位 Issuer</dt><dd>\(e(certificate.issuerName))</dd>
            <dt>统一社会信用代码 Credit code</dt><dd>\(e(CertificateText.issuerCode(certificate)))</dd>
            <dt>服务期间 Period</dt><dd>\(e(CertificateText.period(certificate)))</dd>
            <dt>累计时长 Total hours</dt><dd>\(e(CertificateText.hours(certificate.minutes))) 小时（\(certificate.recordCount) 条记录 records）</dd>
            </dl>
            <table>
            <thead><tr><th>序号</th><th>服务内容 Activity</th>\(certificate.isPlatformIssued ? "<th>记录单位 Recorded by</th>" : "")<th>服务日期 Date</th><th>时长(小时) Hours</th></tr></thead>
            <tbody>

            """
        for (index, record) in issued.records.enumerated() {
            body += "<tr><td>\(index + 1)</td><td>\(e(record.activityTitle))</td>"
                + (certificate.isPlatformIssued ? "<td>\(e(record.organizationName))</td>" : "")
                + "<td>\(e(CertificateText.iso(record.serviceDate)))</td><td class=\"number\">\(e(CertificateText.hours(record.minutes)))</td></tr>\n"
        }
        body += """
            </tbody>
            </table>
            <div class="closing">
            <figure class="qr">\(qr.svg(pixels: 180))<figcaption><code>\(e(certificate.groupedSerial))</code></figcaption></figure>
            <div class="seal">
            <div class="seal-space">出具单位（盖章）<br>Issuer's seal</div>
            <p>\(e(certificate.issuerName))</p>
            <p>出具日期 \(e(CertificateText.chineseDate(CertificateText.issueDate(certificate))))</p>
            </div>
            </div>
            <p class="basis">\(e(CertificateText.basis))<br>\(e(CertificateText.englishBasis))</p>
            <p class="url"><a href="\(e(issued.serialURL))">\(e(issued.serialURL))</a></p>
            </main>
            """
        return page(title: "\(CertificateText.title) \(certificate.groupedSerial)", body: body)
    }

    private static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(HTMLText.escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    private static let style = """
        body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;\
        background:#f4f4f2;color:#1b1b1b;line-height:1.5}
        main{max-width:42rem;margin:0 auto;padding:1rem}
        .verdict{border-radius:12px;padding:1.25rem;text-align:center;color:#fff}
        .verdict h1{margin:.25rem 0;font-size:2.25rem}
        .verdict .symbol{font-size:3.5rem;line-height:1}
        .valid{background:#1e7d32}.revoked,.invalid{background:#b3261e}.superseded{background:#a15c00}
        .code{font-size:.9rem}
        section{margin-top:1rem}
        .facts,.changes{background:#fff;border-radius:12px;padding:1rem}
        h2{font-size:1.1rem;margin:0 0 .5rem}
        dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem;margin:0}
        dt{color:#555}dd{margin:0;font-weight:600;word-break:break-all}
        .revocation{background:rgba(0,0,0,.15);border-radius:8px;padding:.5rem;text-align:left;color:#fff}
        .revocation dt{color:#fff}
        table{width:100%;border-collapse:collapse;font-size:.9rem}
        th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}
        .number{text-align:right}
        .certificate{background:#fff;border:3px double #9e1717;margin-top:1rem}
        .certificate h1{text-align:center;font-family:"Noto Serif CJK SC",serif;letter-spacing:.2em;margin:.5rem 0 0}
        .subtitle{text-align:center;color:#555;margin-top:0}
        .serial{text-align:right;font-size:.85rem}
        .statement{font-family:"Noto Serif CJK SC",serif;font-size:1.1rem;text-indent:2em}
        .english,.basis{color:#555;font-size:.85rem}
        .banner{padding:.5rem;border-radius:6px;color:#fff}
        .closing{display:flex;justify-content:space-between;align-items:flex-end;margin-top:1rem;gap:1rem}
        .qr{margin:0;text-align:center}
        .seal{text-align:center}
        .seal-space{width:8rem;height:8rem;border:1px dashed #9e1717;border-radius:50%;display:flex;\
        align-items:center;justify-content:center;color:#595959;font-size:.8rem;margin:0 auto}
        footer{color:#555;font-size:.8rem;text-align:center;margin-top:1.5rem}
        """
}
