/// A piece of cmcl source text with a display name, used to turn byte offsets into
/// `line:column` positions and to quote source lines in diagnostics.
///
///     let file = SourceFile(name: "demo.cmcl", text: "let x = 1\n")
///     file.location(of: 4)   // (line: 1, column: 5)
public final class SourceFile: Sendable {
    /// The path or label shown in diagnostics (`demo.cmcl`, `<repl:3>`, `-e`).
    public let name: String
    /// The full text.
    public let text: String
    /// The UTF-8 bytes of `text`; spans are offsets into this array.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts (line 1 is at index 0).
    public let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    /// The 1-based line containing byte `offset`.
    public func line(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The 1-based line and column (counted in characters) of byte `offset`.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let line = line(of: offset)
        let start = lineStarts[line - 1]
        let clamped = max(start, min(offset, bytes.count))
        let prefix = String(decoding: bytes[start..<clamped], as: UTF8.self)
        return (line, prefix.count + 1)
    }

    /// The text of 1-based `line`, without its newline.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text covered by `span`.
    public func text(of span: Span) -> String {
        let lo = max(0, min(span.start, bytes.count)), hi = max(lo, min(span.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A half-open range of UTF-8 byte offsets in a `SourceFile`.
public struct Span: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func merged(with other: Span) -> Span {
        Span(min(start, other.start), max(end, other.end))
    }

    public static let zero = Span(0, 0)
}
