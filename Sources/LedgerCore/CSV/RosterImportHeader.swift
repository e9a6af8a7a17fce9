/// A column of a roster file (志愿者花名册): the fields of the staff's volunteer registration form.
public enum RosterImportColumn: String, ImportColumn {
    case name, documentType, documentNumber, sex, birthDate, phone, residenceArea, skills, serviceCategories

    /// Header texts accepted for this column, the template's first; compared after `ImportHeader.normalize`.
    public var aliases: [String] {
        switch self {
        case .name: ["姓名", "志愿者姓名", "name"]
        case .documentType: ["证件类型", "document_type", "id_type"]
        case .documentNumber: ["证件号码", "身份证号", "身份证号码", "id_number", "document_number"]
        case .sex: ["性别", "sex", "gender"]
        case .birthDate: ["出生日期", "birth_date", "date_of_birth"]
        case .phone: ["手机号码", "手机号", "联系电话", "电话", "phone", "mobile"]
        case .residenceArea: ["居住区域", "居住地", "所在区域", "residence_area", "residence"]
        case .skills: ["技能特长", "技能", "特长", "skills"]
        case .serviceCategories: ["服务类别", "服务意向", "service_categories", "categories"]
        }
    }

    public var englishName: String {
        switch self {
        case .name: "name"
        case .documentType: "document_type"
        case .documentNumber: "document_number"
        case .sex: "sex"
        case .birthDate: "birth_date"
        case .phone: "phone"
        case .residenceArea: "residence_area"
        case .skills: "skills"
        case .serviceCategories: "service_categories"
        }
    }

    /// Name, document number and phone; a resident ID card gives sex and birth date, other documents need them in the row.
    public static let requiredColumns: [RosterImportColumn] = [.name, .documentNumber, .phone]
    public static var oneOfColumns: [RosterImportColumn] { [] }

    /// The column a registration check's field is reported against.
    init?(field: String?) {
        switch field {
        case "name": self = .name
        case "documentNumber": self = .documentNumber
        case "sex": self = .sex
        case "birthDate": self = .birthDate
        case "phone": self = .phone
        case "residenceArea": self = .residenceArea
        case "skills": self = .skills
        default: return nil
        }
    }
}

public typealias RosterImportHeader = ImportHeader<RosterImportColumn>
