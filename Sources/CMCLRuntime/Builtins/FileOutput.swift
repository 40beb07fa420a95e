import CMCLBase
import Foundation

/// Every file a builtin writes goes through here, under one policy (`WritePolicy`,
/// docs/files.md): whole files are replaced atomically (`AtomicFile`), directories written as a
/// unit are built beside their target and renamed into place (`AtomicDirectory`), nothing this
/// session did not write is replaced without `force: true`, and every refusal names the argument.
/// Log lines are appended with one `write` each (`append`).
enum FileOutput {
    /// The policy of a builtin call: its session's ledger, forced when it has `force: true`.
    static func policy(_ a: Arguments) throws -> WritePolicy {
        let force = a.signature.parameters.contains { $0.name == "force" } ? try a.bool("force") : false
        return WritePolicy(force: force, ledger: a.interpreter.writes)
    }

    /// Writes `text` to the file named by argument `argument` of the call `a`.
    static func write(_ text: String, toArgument argument: String, _ a: Arguments) throws {
        try write(text, to: try a.string(argument), argument: argument, policy: try policy(a))
    }

    static func write(_ text: String, to path: String, argument: String, policy: WritePolicy) throws {
        do {
            try AtomicFile.write(text, to: path, policy: policy)
        } catch {
            throw Self.error(error, argument: argument)
        }
    }

    /// Writes the directory named by argument `argument` as a unit: `produce` fills a fresh
    /// temporary directory (its path is passed), which then takes the target's place.
    static func directory(_ path: String, argument: String, _ a: Arguments, _ produce: (String) throws -> Void) throws {
        do {
            try AtomicDirectory.write(to: path, policy: try policy(a), produce)
        } catch let e as FileWriteError {
            throw Self.error(e, argument: argument)
        }
    }

    /// A refused or failed write as a diagnostic on the argument, saying how to force a replacement.
    static func error(_ e: FileWriteError, argument: String, force: String = "pass `force: true`") -> CMCLError {
        let shown = StringEscape.quoted(e.path)
        switch e.kind {
        case .invalidPath:
            return CMCLError("argument `\(argument)` cannot be written: \(e.path.isEmpty ? "" : shown + ": ")\(e.reason)",
                             argument: .label(argument))
        case .wouldReplace:
            return CMCLError("refusing to replace \(shown): \(e.reason)", hint: "\(force) to replace it",
                             argument: .label(argument))
        case .system:
            return CMCLError("cannot write \(shown): \(e.reason)", argument: .label(argument))
        }
    }

    /// Appends `line` (which should end in a newline), creating the file when missing. When the
    /// file does not end in a newline (a torn write, or a line another tool wrote), one is
    /// written first, so the new line never joins the last one.
    static func append(_ line: String, to path: String) throws {
        do { try WritePolicy.validate(path) } catch {
            throw CMCLError("cannot append to \(StringEscape.quoted(path)): \(error.reason)")
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CMCLError("cannot append to \(StringEscape.quoted(path)): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Several processes may append at once: the check and the write happen under a lock.
        _ = flock(fd, LOCK_EX)
        defer { _ = flock(fd, LOCK_UN) }
        var bytes = Array(line.utf8)
        let end = lseek(fd, 0, SEEK_END)
        if end > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, end - 1) == 1, last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw CMCLError("cannot append to \(StringEscape.quoted(path)): \(String(cString: strerror(errno)))")
        }
    }
}

/// The version written into run logs and shown by `cmcl --version`.
public enum Version {
    public static let number = "0.1.0"
    public static let text = "cmcl \(number)"
}
