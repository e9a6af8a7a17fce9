import Foundation

/// A registration that passed the checks of the staff form: the document validated (for a resident ID card,
/// sex and birth date read from the number and cross-checked when given), phone and texts within bounds.
struct CheckedRegistration: Sendable {
    var name: String
    var document: IdentityDocument
    var sex: Sex
    var birthDate: LocalDate
    var phone: String
    var residenceArea: String
    var skills: [String]
    var serviceCategories: [ServiceCategory]

    /// The volunteer this registration makes, under `number`.
    func volunteer(number: String, registeredAt: Date) -> Volunteer {
        Volunteer(id: 0, number: number, name: name, sex: sex, birthDate: birthDate, documentType: document.type,
                  documentNumber: document.number, residenceArea: residenceArea, phone: phone, skills: skills,
                  serviceCategories: serviceCategories, registeredAt: registeredAt)
    }
}

extension VolunteerRegistration {
    /// The registration checked as the staff form, the API and the roster import check it; a failure names its field
    /// (name, documentNumber, sex, birthDate, phone, residenceArea, skills).
    func checked(today: LocalDate) throws(LedgerError) -> CheckedRegistration {
        let name = try InputCheck.required(name, field: "name", maxLength: 50)
        let document: IdentityDocument
        do {
            document = try IdentityDocument.validated(type: documentType ?? .residentID, number: documentNumber,
                                                      declaredBirthDate: birthDate, declaredSex: sex, today: today)
        } catch {
            throw .invalidField(field: "documentNumber", reason: "\(error)")
        }
        var sex = self.sex
        var birthDate = self.birthDate
        if document.type == .residentID, let id = try? ResidentIDNumber(document.number, today: today) {
            sex = id.sex
            birthDate = id.birthDate
        }
        guard let sex else { throw .invalidField(field: "sex", reason: "不能为空 / is required") }
        guard let birthDate else { throw .invalidField(field: "birthDate", reason: "不能为空 / is required") }
        let phone = try InputCheck.phone(phone)
        let residenceArea = try InputCheck.optional(residenceArea, field: "residenceArea", maxLength: 100)
        let skills = (skills ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard skills.count <= 20, skills.allSatisfy({ $0.count <= 50 }) else {
            throw .invalidField(field: "skills", reason: "最多 20 项，每项不超过 50 个字符 / at most 20 skills of at most 50 characters")
        }
        return CheckedRegistration(name: name, document: document, sex: sex, birthDate: birthDate, phone: phone,
                                   residenceArea: residenceArea, skills: skills, serviceCategories: serviceCategories ?? [])
    }
}
