import Foundation

/// Finds the package's top-level `Resources/` folder (templates, static files, page texts) when the
/// configuration names none: in the working directory, beside an ancestor of the executable, or where
/// this source file was built from.
public enum ResourceLocator {
    public static func defaultFolder() -> String {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory.deleteLastPathComponent()
        }
        // Sources/LedgerWeb/ResourceLocator.swift → the package root.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path)
        for candidate in candidates {
            let folder = URL(fileURLWithPath: candidate).appendingPathComponent("Resources")
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("templates/layout.mustache").path) {
                return folder.path
            }
        }
        return "Resources"
    }
}
