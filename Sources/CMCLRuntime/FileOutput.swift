import CMCLBase
import Foundation

/// Every file cmcl writes goes through here: whole files are replaced atomically (`AtomicFile`:
/// written to a new file beside the old one, flushed, then renamed over it), and log lines are
/// appended with one `write` each.
enum FileOutput {
    static func write(_ text: String, to path: String) throws {
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw CMCLError("cannot write \(path): \(error.reason)")
        }
    }

    /// Appends `line` (which should end in a newline), creating the file when missing.
    static func append(_ line: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw CMCLError("cannot append to \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CMCLError("cannot append to \(path): \(String(cString: strerror(errno)))") }
    }
}

/// The version written into run logs and shown by `cmcl --version`.
public enum Version {
    public static let number = "0.1.0"
    public static let text = "cmcl \(number)"
}
