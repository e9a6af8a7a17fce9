import ArgumentParser
import Foundation

/// `vledger`: the VolunteerLedger server and its operator's tools.
@main
struct VLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vledger",
        abstract: "志愿服务时长与证明系统 / VolunteerLedger: volunteer service hours and certificates.",
        subcommands: [Serve.self, Migrate.self, MigrateData.self, ImportCommand.self, ExportCommand.self, Records.self, Summary.self,
                      Admin.self, Samples.self, Holidays.self, Audit.self, Issue.self, Verify.self, Certificates.self,
                      Keys.self, SpotCheck.self, Log.self, WitnessCommand.self, Bench.self, Backup.self, Restore.self])
}

