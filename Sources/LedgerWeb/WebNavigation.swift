import LedgerCore

/// Each role's home page and menu.
enum WebNavigation {
    struct Item {
        var href: String
        /// Key of the label in the page texts.
        var label: String
        /// Current only on exactly this path (a home page), not on the pages below it.
        var exact = false
    }

    static func home(of role: Role) -> String {
        switch role {
        case .platformAdmin: "/admin"
        case .organizationAdmin, .organizationStaff: "/org"
        case .inspector: "/inspect"
        case .volunteer: "/me"
        }
    }

    static func items(for role: Role) -> [Item] {
        switch role {
        case .organizationAdmin, .organizationStaff:
            [Item(href: "/org", label: "nav_org_home", exact: true), Item(href: "/org/volunteers", label: "nav_volunteers"),
             Item(href: "/org/activities", label: "nav_activities"), Item(href: "/org/records", label: "nav_records"),
             Item(href: "/org/claims", label: "nav_claims"), Item(href: "/org/join-requests", label: "nav_join_requests"), Item(href: "/org/import", label: "nav_import"), Item(href: "/org/certificates", label: "nav_certificates")]
                + (role == .organizationAdmin ? [Item(href: "/org/accounts", label: "nav_accounts"), Item(href: "/org/settings", label: "nav_settings")] : [])
        case .volunteer:
            [Item(href: "/me", label: "nav_my_hours", exact: true), Item(href: "/me/activities", label: "nav_sign_up"),
             Item(href: "/me/claims", label: "nav_my_claims"), Item(href: "/me/organizations", label: "nav_my_organizations"),
             Item(href: "/me/certificates", label: "nav_my_certificates"), Item(href: "/me/profile", label: "nav_my_profile")]
        case .inspector:
            [Item(href: "/inspect", label: "nav_worklist", exact: true), Item(href: "/check", label: "nav_check")]
        case .platformAdmin:
            [Item(href: "/admin", label: "nav_admin_home", exact: true), Item(href: "/admin/spot-checks", label: "nav_spot_checks"),
             Item(href: "/admin/audit", label: "nav_audit"), Item(href: "/admin/security-log", label: "nav_security_log"), Item(href: "/admin/keys", label: "nav_keys"), Item(href: "/check", label: "nav_check")]
        }
    }
}
