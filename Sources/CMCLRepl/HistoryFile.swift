import Foundation
import CMCLBase

/// The REPL's persistent history: one entry per line, with `\` and newlines escaped so that
/// multi-line cells come back whole. The file is capped at `limit` entries.
///
///     let history = HistoryFile(path: HistoryFile.defaultPath(), limit: 1000)
///     let previous = history.load()
///     history.append("let x = 1")
public struct HistoryFile: Sendable {
    public let path: String
    public let limit: Int

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = max(1, limit)
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
    /// with its newest entries. A missing or unreadable file is an empty history.
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let entries = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map { HistoryFile.decode($0) }
        if entries.count > limit {
            let kept = Array(entries.suffix(limit))
            rewrite(kept)
            return kept
        }
        return entries
    }

    /// Adds an entry at the end of the file.
    public func append(_ entry: String) {
        let line = Data((HistoryFile.encode(entry) + "\n").utf8)
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: line, attributes: [.posixPermissions: 0o600])
        }
    }

    /// Replaces the file's contents with `entries`.
    public func rewrite(_ entries: [String]) {
        let text = entries.map { HistoryFile.encode($0) + "\n" }.joined()
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// One entry on one line.
    static func encode(_ entry: String) -> String { StringEscape.escaped(entry) }

    /// The entry written by `encode`.
    static func decode(_ line: Substring) -> String { StringEscape.unescaped(line) }
}
