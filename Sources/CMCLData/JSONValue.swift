/// A parsed JSON value.
///
/// ```swift
/// let value = try JSONValue.parse(text: #"{"a": [1, 2.5, "x"]}"#)
/// value["a"]?[1]?.number  // 2.5
/// ```
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSONValue? {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    /// The string payload, if any.
    public var string: String? { if case let .string(s) = self { return s }; return nil }
    /// The number payload, if any.
    public var number: Double? { if case let .number(n) = self { return n }; return nil }
    /// The number payload as an `Int` when it is integral and in range.
    public var int: Int? {
        guard case let .number(n) = self, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }
    /// The array payload, if any.
    public var array: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    /// The object payload, if any.
    public var object: JSONObject? { if case let .object(o) = self { return o }; return nil }

    /// Parses one JSON document from a file.
    ///
    /// ```swift
    /// let squad = try JSONValue.read(path: "dev-v1.1.json")
    /// ```
    public static func read(path: String) throws -> JSONValue {
        let bytes = try FileBytes.read(path)
        return try parse(bytes: bytes, source: path)
    }

    /// Parses one JSON document held in a string.
    public static func parse(text: String, source: String = "<text>") throws -> JSONValue {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Parses one JSON document from UTF-8 bytes; errors name `source`, line and column.
    public static func parse(bytes: [UInt8], source: String) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, source: source)
            let value = try parser.parseDocument()
            return value
        }
    }

    /// Reads a JSON Lines file: one JSON value per non-blank line. With `skipBadLines`,
    /// malformed lines are dropped and counted; otherwise they raise an error naming the line.
    ///
    /// ```swift
    /// let (records, skipped) = try JSONValue.readLines(path: "data.jsonl", skipBadLines: true)
    /// ```
    public static func readLines(path: String, skipBadLines: Bool = false) throws
        -> (values: [JSONValue], skipped: Int) {
        let bytes = try FileBytes.read(path)
        return try parseLines(bytes: bytes, source: path, skipBadLines: skipBadLines)
    }

    /// The non-blank lines of a file with their 1-based line numbers (the size checked first,
    /// as for every reader), for callers that judge each line themselves (the run log).
    public static func readLineBytes(path: String) throws -> [(line: Int, bytes: [UInt8])] {
        let bytes = try FileBytes.read(path)
        var out: [(line: Int, bytes: [UInt8])] = []
        var number = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { out.append((number, Array(line))) }
            number += 1
        }
        return out
    }

    /// Parses JSON Lines held in memory (see ``readLines(path:skipBadLines:)``).
    public static func parseLines(bytes: [UInt8], source: String, skipBadLines: Bool = false) throws
        -> (values: [JSONValue], skipped: Int) {
        try bytes.withUnsafeBufferPointer { buffer in
            var values: [JSONValue] = []
            var skipped = 0
            var start = 0
            var line = 1
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
                var parser = JSONParser(bytes: slice, source: source, firstLine: line)
                if parser.isBlank() {
                    // skip blank lines
                } else {
                    do { values.append(try parser.parseDocument()) } catch {
                        if !skipBadLines { throw error }
                        skipped += 1
                    }
                }
                start = end + 1
                line += 1
            }
            return (values, skipped)
        }
    }
}
