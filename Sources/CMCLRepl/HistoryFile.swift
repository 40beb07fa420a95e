import Foundation
import CMCLBase

/// The REPL's persistent history: one entry per line, with `\\` and newlines escaped so that
/// multi-line cells come back whole. The file is capped at `limit` entries.
///
/// Only a regular file (or none yet) is used, opened without blocking: a FIFO, a device or a
/// full disk is reported once through `onProblem` and history is then kept in memory only.
///
///     let history = HistoryFile(path: HistoryFile.defaultPath(), limit: 1000)
///     let previous = history.load()
///     history.append("let x = 1")
public final class HistoryFile {
    public let path: String
    public let limit: Int
    /// Called once, with a sentence, when the file cannot be used.
    public var onProblem: (String) -> Void
    /// Set after a problem: the file is no longer read or written.
    public private(set) var isDisabled = false

    /// The largest history file read.
    static let maxBytes = 16 << 20

    public init(path: String, limit: Int = 1000, onProblem: @escaping (String) -> Void = { _ in }) {
        self.path = path
        self.limit = max(1, limit)
        self.onProblem = onProblem
    }

    /// `$CMCL_HISTORY`, or `~/.cmcl_history`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["CMCL_HISTORY"], !p.isEmpty { return p }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cmcl_history")
    }

    /// `$CMCL_HISTORY_SIZE`, or 1000.
    public static func defaultLimit(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        environment["CMCL_HISTORY_SIZE"].flatMap { Int($0) }.map { max(1, $0) } ?? 1000
    }

    /// The stored entries, oldest first (at most `limit`). A file over the cap is rewritten
    /// with its newest entries. A missing file is an empty history.
    public func load() -> [String] {
        guard let fd = openFile(O_RDONLY) else { return [] }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= HistoryFile.maxBytes {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { bytes += chunk[0..<n]; continue }
            if n < 0, errno == EINTR { continue }
            if n < 0 { fail("cannot read it: \(String(cString: strerror(errno)))") }
            break
        }
        close(fd)
        let entries = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map { HistoryFile.decode($0) }
        if entries.count > limit {
            let kept = Array(entries.suffix(limit))
            rewrite(kept)
            return kept
        }
        return entries
    }

    /// Adds an entry at the end of the file.
    public func append(_ entry: String) {
        guard let fd = openFile(O_WRONLY | O_APPEND | O_CREAT) else { return }
        write(HistoryFile.encode(entry) + "\n", to: fd)
        close(fd)
    }

    /// Replaces the file's contents with `entries`.
    public func rewrite(_ entries: [String]) {
        guard let fd = openFile(O_WRONLY | O_CREAT | O_TRUNC) else { return }
        write(entries.map { HistoryFile.encode($0) + "\n" }.joined(), to: fd)
        close(fd)
    }

    /// Opens the file if it is a regular file (or, with O_CREAT, absent); nil otherwise.
    private func openFile(_ flags: Int32) -> Int32? {
        guard !isDisabled else { return nil }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                fail("it is not a regular file")
                return nil
            }
        } else if flags & O_CREAT == 0 {
            return nil
        }
        let fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno != ENOENT || flags & O_CREAT != 0 { fail("cannot open it: \(String(cString: strerror(errno)))") }
            return nil
        }
        return fd
    }

    private func write(_ text: String, to fd: Int32) {
        var text = text
        let failure: Int32? = text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, base + offset, buffer.count - offset)
                if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { return n < 0 ? errno : EIO }
            }
            return nil
        }
        if let failure { fail("cannot write it: \(String(cString: strerror(failure)))") }
    }

    private func fail(_ reason: String) {
        guard !isDisabled else { return }
        isDisabled = true
        onProblem("history file \(path): \(reason); history is kept for this session only")
    }

    /// One entry on one line.
    static func encode(_ entry: String) -> String { StringEscape.escaped(entry) }

    /// The entry written by `encode`.
    static func decode(_ line: Substring) -> String { StringEscape.unescaped(line) }
}
