/// Service categories (服务类别) used by Chinese volunteer platforms.
public enum ServiceCategory: String, Codable, Sendable, CaseIterable {
    case elderlyAndChildren = "elderly_children"
    case disabilitySupport = "disability_support"
    case povertyRelief = "poverty_relief"
    case emergencyRescue = "emergency_rescue"
    case communityService = "community_service"
    case environmentalProtection = "environmental_protection"
    case knowledgeOutreach = "knowledge_outreach"
    case healthCare = "health_care"
    case skillsTraining = "skills_training"
    case cultureAndSports = "culture_sports"
    case other

    /// The Chinese label shown to users.
    public var chineseLabel: String {
        switch self {
        case .elderlyAndChildren: "敬老扶幼"
        case .disabilitySupport: "助残扶弱"
        case .povertyRelief: "扶危济困"
        case .emergencyRescue: "应急救援"
        case .communityService: "社区服务"
        case .environmentalProtection: "环境保护"
        case .knowledgeOutreach: "知识普及"
        case .healthCare: "卫生保健"
        case .skillsTraining: "技能培训"
        case .cultureAndSports: "文化体育"
        case .other: "其他"
        }
    }

    /// Accepts the raw value or the Chinese label.
    public init?(label: String) {
        let text = label.trimmingCharacters(in: .whitespaces)
        if let value = ServiceCategory(rawValue: text) {
            self = value
        } else if let value = ServiceCategory.allCases.first(where: { $0.chineseLabel == text }) {
            self = value
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ServiceCategory(label: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "unknown service category \"\(text)\""))
        }
        self = value
    }
}

import Foundation
