import ArgumentParser
import Foundation
import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accounts and organizations.",
                                                    subcommands: [CreateUser.self, CreateOrganization.self, PruneSecurityLog.self])

    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user",
            abstract: "Create an account, e.g. the first platform admin.",
            discussion: "The password is read from standard input with --password-stdin, from $VLEDGER_PASSWORD, or asked for at the terminal; it never appears in the process list.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var username: String
        @Option(help: "platform_admin, org_admin, org_staff, inspector or volunteer.") var role: String
        @Option(help: "Organization (统一社会信用代码) for org_admin and org_staff.") var org: String?
        @Option(help: "Volunteer number for volunteer accounts.") var volunteer: String?
        @Option(help: "Name shown in the UI.") var displayName: String?
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let password = try readPassword()
            let account = try await withLedger(database) { ledger in
                let organizationId = try await org.asyncMap { try await ledger.organization(creditCode: $0).id }
                let volunteerId = try await volunteer.asyncMap { try await ledger.volunteerId(number: $0) }
                return try await ledger.createAccount(
                    AccountInput(username: username, password: password, displayName: displayName, role: role,
                                 organizationId: organizationId, volunteerId: volunteerId),
                    by: .localOperator)
            }
            print("created \(account.role.rawValue) account \(account.username) (id \(account.id))")
        }

        private func readPassword() throws -> String {
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("no password on standard input")
                }
                return line
            }
            if let fromEnvironment = ProcessInfo.processInfo.environment["VLEDGER_PASSWORD"], !fromEnvironment.isEmpty {
                return fromEnvironment
            }
            guard isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(username): ") else {
                throw ValidationError("give the password with --password-stdin or $VLEDGER_PASSWORD")
            }
            return String(cString: typed)
        }
    }

    struct PruneSecurityLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune-security-log",
            abstract: "Delete security log events older than the retention period (at least 180 days).",
            discussion: "Run it daily from cron; events younger than 180 days are never deleted (the database refuses it too).")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Days to keep, 180 to 36500.") var keepDays = Ledger.securityLogMinimumRetentionDays

        func validate() throws {
            guard (Ledger.securityLogMinimumRetentionDays...36_500).contains(keepDays) else {
                throw ValidationError("--keep-days must be between 180 and 36500 (not \(keepDays))")
            }
        }

        func run() async throws {
            let gone = try await withLedger(database) { try await $0.pruneSecurityLog(retentionDays: keepDays, by: .localOperator) }
            print("deleted \(gone) security log events older than \(keepDays) days")
        }
    }

    struct CreateOrganization: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-organization", abstract: "Register an organization.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "统一社会信用代码 (18 characters).") var creditCode: String
        @Option(help: "Name.") var name: String
        @Option(help: "Region code (行政区划代码, 6 digits).") var region: String
        @Option(help: "Contact person.") var contact: String
        @Option(help: "Contact phone.") var phone: String
        @Option(help: "Time zone.") var timeZone = "Asia/Shanghai"

        func run() async throws {
            let organization = try await withLedger(database) { ledger in
                try await ledger.createOrganization(
                    OrganizationInput(creditCode: creditCode, name: name, regionCode: region, contactName: contact,
                                      contactPhone: phone, timeZone: timeZone),
                    by: .localOperator)
            }
            print("registered \(organization.name) (\(organization.creditCode)) as organization \(organization.id)")
        }
    }
}

