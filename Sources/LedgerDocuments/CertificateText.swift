import Foundation
import LedgerCore

/// The wording shared by the PDF and the HTML view of a certificate, Chinese first.
enum CertificateText {
    static let title = "志愿服务记录证明"
    static let englishTitle = "Certificate of Volunteer Service Record"

    /// `2026-06-15`, without going through `String(format:)`.
    static func iso(_ date: LocalDate) -> String {
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(date.year, 4) + "-" + digits(date.month, 2) + "-" + digits(date.day, 2)
    }

    /// `2026年6月15日`.
    static func chineseDate(_ date: LocalDate) -> String {
        "\(date.year)年\(date.month)月\(date.day)日"
    }

    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"]

    /// `15 June 2026`.
    static func englishDate(_ date: LocalDate) -> String {
        "\(date.day) \(englishMonths[date.month - 1]) \(date.year)"
    }

    /// `15 Jun 2026`, for table cells.
    static func shortEnglishDate(_ date: LocalDate) -> String {
        "\(date.day) \(englishMonths[date.month - 1].prefix(3)) \(date.year)"
    }

    static func issueDate(_ certificate: Certificate) -> LocalDate {
        LocalDate(certificate.issuedAt, in: certificate.timeZone)
    }

    static func hours(_ minutes: Int) -> String {
        HoursFormat.hours(fromMinutes: minutes)
    }

    static func issuerCode(_ certificate: Certificate) -> String {
        certificate.issuerCode.isEmpty ? "—" : certificate.issuerCode
    }

    /// "于 2026-01-01 至 2026-06-30 期间" and the like; empty for all records.
    static func periodPhrase(_ certificate: Certificate) -> String {
        switch (certificate.periodFrom, certificate.periodTo) {
        case (nil, nil): ""
        case (let from?, nil): "自 \(chineseDate(from)) 起"
        case (nil, let to?): "截至 \(chineseDate(to))"
        case (let from?, let to?): "于 \(chineseDate(from)) 至 \(chineseDate(to)) 期间"
        }
    }

    static func period(_ certificate: Certificate) -> String {
        switch (certificate.periodFrom, certificate.periodTo) {
        case (nil, nil): "全部记录 / all records"
        case (let from?, nil): "\(iso(from)) 起 / from \(iso(from))"
        case (nil, let to?): "截至 \(iso(to)) / until \(iso(to))"
        case (let from?, let to?): "\(iso(from)) 至 \(iso(to))"
        }
    }

    /// The statement of the certificate in Chinese.
    static func statement(_ certificate: Certificate) -> String {
        let place = certificate.isPlatformIssued ? "各志愿服务组织" : certificate.issuerName
        let period = periodPhrase(certificate)
        return "兹证明 \(certificate.volunteerName)（志愿者编号 \(certificate.volunteerNumber)，证件号码 "
            + "\(certificate.maskedDocumentNumber)）\(period.isEmpty ? "" : period + "，")在\(place)参加志愿服务 "
            + "\(certificate.recordCount) 次，累计志愿服务时长 \(hours(certificate.minutes)) 小时。"
    }

    /// The statement in English.
    static func englishStatement(_ certificate: Certificate) -> String {
        let period: String = switch (certificate.periodFrom, certificate.periodTo) {
        case (nil, nil): ""
        case (let from?, nil): " from \(from)"
        case (nil, let to?): " until \(to)"
        case (let from?, let to?): " from \(from) to \(to)"
        }
        let recorder = certificate.isPlatformIssued ? "the volunteer organizations of this platform" : certificate.issuerName
        let times = certificate.recordCount == 1 ? "once" : "\(certificate.recordCount) times"
        return "This certifies that \(certificate.volunteerName) (volunteer no. \(certificate.volunteerNumber)) served"
            + "\(period) \(times), \(hours(certificate.minutes)) hours in total, as recorded by \(recorder)."
    }

    /// The period of the facts table in English: "1 January 2026 – 30 June 2026" and the like.
    static func englishPeriod(_ certificate: Certificate) -> String {
        switch (certificate.periodFrom, certificate.periodTo) {
        case (nil, nil): "all records"
        case (let from?, nil): "from \(englishDate(from))"
        case (nil, let to?): "until \(englishDate(to))"
        case (let from?, let to?): "\(englishDate(from)) – \(englishDate(to))"
        }
    }

    /// The statement of the English certificate; names stay as recorded.
    static func englishCertificateStatement(_ certificate: Certificate) -> String {
        let period: String = switch (certificate.periodFrom, certificate.periodTo) {
        case (nil, nil): ""
        case (let from?, nil): " since \(englishDate(from))"
        case (nil, let to?): " until \(englishDate(to))"
        case (let from?, let to?): " from \(englishDate(from)) to \(englishDate(to))"
        }
        let place = certificate.isPlatformIssued ? "the volunteer organizations listed below" : certificate.issuerName
        let times = certificate.recordCount == 1 ? "once" : "\(certificate.recordCount) times"
        return "This is to certify that \(certificate.volunteerName) (volunteer no. \(certificate.volunteerNumber), ID number "
            + "\(certificate.maskedDocumentNumber)) took part in volunteer service with \(place) \(times)\(period), "
            + "for a total of \(hours(certificate.minutes)) hours of volunteer service."
    }

    static let basis = "本证明依据《志愿服务记录与证明出具办法（试行）》免费出具，扫描二维码或访问下列网址可核验真伪。"
    static let englishBasis = "Issued free of charge under the Measures for Volunteer Service Records and Certificates (2020). Scan the QR code or open the address below to verify it."
}
