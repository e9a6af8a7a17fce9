import Foundation
#if canImport(Glibc)
import Glibc
#endif

// glibc's posix_spawn extensions (2.29 and 2.34), declared under _GNU_SOURCE, which Swift's Glibc module leaves out.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnActionChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> CInt
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: CInt) -> CInt

/// A child process for the tests, started with `posix_spawn` in the shape of Foundation's `Process` (which the tests used
/// before). Foundation's `Process.run()` on Linux reads `/proc/self/fd` with a 256-byte copy of each directory entry that
/// can run past glibc's buffer and crash the whole test run at random (swift-corelibs-foundation PR #5472); here the
/// child closes every descriptor above 2 with `closefrom` instead, so nothing is read.
public final class ChildProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// nil: this process's environment.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// Each a `Pipe`, a `FileHandle`, or nil for this process's own.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private let lock = NSLock()
    private var pid: pid_t = 0
    /// The wait status, once the child has been reaped.
    private var waitStatus: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    public var processIdentifier: Int32 { lock.withLock { pid } }

    /// Starts the child; a pipe's end that belongs to the child is closed here afterwards, as `Process` does.
    public func run() throws {
        guard let executable = executableURL?.path else { throw SpawnError(description: "no executable") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(CInt(0), standardInput), (1, standardOutput), (2, standardError)] {
            guard let descriptor = Self.descriptor(stream, childReads: target == 0) else { continue }
            posix_spawn_file_actions_adddup2(&actions, descriptor, target)
        }
        if let directory = currentDirectoryURL?.path, spawnActionChangeDirectory(&actions, directory) != 0 {
            throw SpawnError(description: "cannot change to \(directory)")
        }
        guard spawnActionCloseFrom(&actions, 3) == 0 else { throw SpawnError(description: "closefrom refused") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let environment = (self.environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(status)))") }
        lock.withLock { pid = child }
        for (stream, childReads) in [(standardInput, true), (standardOutput, false), (standardError, false)] {
            guard let pipe = stream as? Pipe else { continue }
            try? (childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
        }
    }

    /// The descriptor the child gets: a pipe's end for the child, or a file handle's.
    private static func descriptor(_ stream: Any?, childReads: Bool) -> CInt? {
        switch stream {
        case let pipe as Pipe: (childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting).fileDescriptor
        case let handle as FileHandle: handle.fileDescriptor
        default: nil
        }
    }

    public var isRunning: Bool {
        lock.withLock {
            guard pid > 0, waitStatus == nil else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { waitStatus = status }
            return waitStatus == nil
        }
    }

    public func waitUntilExit() {
        while isRunning { usleep(10_000) }
    }

    /// The exit code, or the number of the signal that ended the child.
    public var terminationStatus: Int32 {
        let status = lock.withLock { waitStatus } ?? 0
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    /// Sends SIGTERM.
    public func terminate() {
        let child = processIdentifier
        if child > 0, isRunning { kill(child, SIGTERM) }
    }
}
