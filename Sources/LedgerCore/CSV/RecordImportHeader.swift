/// A column of the service-record import file (服务记录导入文件).
public enum RecordImportColumn: String, ImportColumn {
    case name, documentType, documentNumber, volunteerNumber, activity, start, end, hours, note, recordedAt

    /// Header texts accepted for this column; they are compared after `RecordImportHeader.normalize`.
    public var aliases: [String] {
        switch self {
        case .name: ["姓名", "志愿者姓名", "name"]
        case .documentType: ["证件类型", "document_type", "id_type"]
        case .documentNumber: ["证件号码", "身份证号", "身份证号码", "id_number", "document_number"]
        case .volunteerNumber: ["志愿者编号", "volunteer_number"]
        case .activity: ["活动", "活动名称", "活动编号", "activity", "activity_id"]
        case .start: ["开始时间", "start", "start_time"]
        case .end: ["结束时间", "end", "end_time"]
        case .hours: ["服务时长(小时)", "服务时长", "时长(小时)", "hours", "service_hours"]
        case .note: ["备注", "note"]
        case .recordedAt: ["登记时间", "recorded_at"]
        }
    }

    /// The English header used in templates and messages.
    public var englishName: String {
        switch self {
        case .name: "name"
        case .documentType: "document_type"
        case .documentNumber: "document_number"
        case .volunteerNumber: "volunteer_number"
        case .activity: "activity"
        case .start: "start_time"
        case .end: "end_time"
        case .hours: "hours"
        case .note: "note"
        case .recordedAt: "recorded_at"
        }
    }

    /// Columns every import file must have; one of `identifierColumns` is required as well.
    public static let requiredColumns: [RecordImportColumn] = [.name, .activity, .start, .end]

    /// Columns that identify the volunteer; at least one must be present.
    public static let identifierColumns: [RecordImportColumn] = [.documentNumber, .volunteerNumber]
    public static var oneOfColumns: [RecordImportColumn] { identifierColumns }
}

/// The header row of a service-record import file, mapped to column positions.
public typealias RecordImportHeader = ImportHeader<RecordImportColumn>
public typealias RecordImportHeaderError = ImportHeaderError<RecordImportColumn>

extension ImportHeaderError where Column == RecordImportColumn {
    /// Neither 证件号码 (document number) nor 志愿者编号 (volunteer number) is present.
    public static var missingIdentifierColumn: Self { .missingOneOf(RecordImportColumn.identifierColumns) }
}
