/// A delimited text format: the field separator, whether fields may be quoted, and
/// whether the first row is a header.
///
/// ```swift
/// let format = DelimitedFormat.tsv              // GLUE files: tab, no quoting, header
/// let cola = DelimitedFormat(delimiter: "\t", quoting: false, header: false)
/// ```
public struct DelimitedFormat: Sendable, Equatable {
    /// The field separator byte (an ASCII character).
    public var delimiter: UInt8
    /// Whether `"` starts a quoted field in which delimiters, newlines and `""` are literal.
    public var quoting: Bool
    /// Whether the first row names the columns.
    public var header: Bool

    /// Creates a format; `delimiter` must be an ASCII character.
    public init(delimiter: Character = "\t", quoting: Bool = false, header: Bool = true) {
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: "\t")
        self.quoting = quoting
        self.header = header
    }

    /// Tab-separated, unquoted, with a header row (the GLUE convention).
    public static let tsv = DelimitedFormat(delimiter: "\t", quoting: false, header: true)
    /// Comma-separated, RFC 4180 quoting, with a header row.
    public static let csv = DelimitedFormat(delimiter: ",", quoting: true, header: true)
}

/// A table of string cells read from a TSV or CSV file.
///
/// ```swift
/// let table = try Table.read(path: "SST-2/dev.tsv", format: .tsv)
/// let sentences = try table.column("sentence")
/// ```
public struct Table: Sendable {
    /// Column names: the header row, or `c0, c1, ...` when the format has no header.
    public var columns: [String]
    /// Data rows; each has `columns.count` cells.
    public var rows: [[String]]
    /// The 1-based line in the source where each row starts.
    public var lines: [Int]
    /// How many malformed rows were skipped (only non-zero with `skipBadRows: true`).
    public var skipped: Int
    /// The file or source name used in error messages.
    public var source: String

    /// Creates a table from already split cells.
    public init(columns: [String], rows: [[String]], lines: [Int]? = nil, skipped: Int = 0,
                source: String = "<table>") {
        self.columns = columns
        self.rows = rows
        self.lines = lines ?? Array(stride(from: 2, to: rows.count + 2, by: 1))
        self.skipped = skipped
        self.source = source
    }

    /// The number of data rows.
    public var count: Int { rows.count }

    /// The index of the column named `name`, or a `DataError.missing` naming the available columns.
    public func index(of name: String) throws -> Int {
        if let index = columns.firstIndex(of: name) { return index }
        throw DataError.missing(file: source, what: "column \"\(name)\"", available: columns)
    }

    /// All cells of the column named `name`.
    public func column(_ name: String) throws -> [String] {
        let index = try index(of: name)
        return rows.map { $0.indices.contains(index) ? $0[index] : "" }
    }

    /// Reads a delimited file. With `skipBadRows`, rows with the wrong number of fields or
    /// invalid UTF-8 are dropped and counted in `skipped`; otherwise they raise an error
    /// naming the file and line.
    ///
    /// ```swift
    /// let table = try Table.read(path: "train.tsv", format: .tsv)
    /// ```
    public static func read(path: String, format: DelimitedFormat = .tsv,
                            skipBadRows: Bool = false) throws -> Table {
        let bytes = try FileBytes.read(path)
        return try parse(bytes: bytes, format: format, source: path, skipBadRows: skipBadRows)
    }

    /// Parses delimited text held in memory (see ``read(path:format:skipBadRows:)``).
    public static func parse(text: String, format: DelimitedFormat = .tsv, source: String = "<text>",
                             skipBadRows: Bool = false) throws -> Table {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try parse(bytes: bytes, format: format, source: source, skipBadRows: skipBadRows)
    }

    /// Parses delimited bytes (UTF-8, byte-order mark already removed).
    public static func parse(bytes: [UInt8], format: DelimitedFormat, source: String,
                             skipBadRows: Bool = false) throws -> Table {
        var reader = DelimitedParser(format: format, source: source, skipBadRows: skipBadRows)
        return try bytes.withUnsafeBufferPointer { try reader.run($0) }
    }
}

/// Byte-level parser behind ``Table``.
struct DelimitedParser {
    let format: DelimitedFormat
    let source: String
    let skipBadRows: Bool
    var columns: [String] = []
    var rows: [[String]] = []
    var lines: [Int] = []
    var skipped = 0

    init(format: DelimitedFormat, source: String, skipBadRows: Bool) {
        self.format = format
        self.source = source
        self.skipBadRows = skipBadRows
    }

    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Table {
        var position = 0
        var line = 1
        var expected = -1
        var haveHeader = !format.header
        while position < bytes.count {
            let startLine = line, start = position
            var fields: [String] = []
            var problem: String?
            if format.quoting {
                problem = readQuotedRecord(bytes, &position, &line, &fields)
            } else {
                problem = readPlainRecord(bytes, &position, &line, &fields)
            }
            // A blank line (nothing but an optional carriage return) is skipped; `""` is a row
            // whose one cell is empty.
            let blank = bytes[start] == 0x0A || (bytes[start] == 0x0D && start + 1 < bytes.count && bytes[start + 1] == 0x0A)
                || (bytes[start] == 0x0D && start + 1 == bytes.count)
            if problem == nil, fields.count == 1, fields[0].isEmpty, blank { continue }
            if problem == nil, expected >= 0, fields.count != expected {
                problem = "expected \(expected) fields, found \(fields.count)"
            }
            if let problem {
                if skipBadRows && haveHeader {
                    skipped += 1
                    continue
                }
                throw DataError.malformed(file: source, line: startLine, column: 0, problem: problem)
            }
            if !haveHeader {
                columns = fields
                expected = fields.count
                haveHeader = true
                continue
            }
            if expected < 0 {
                expected = fields.count
                columns = (0..<fields.count).map { "c\($0)" }
            }
            rows.append(fields)
            lines.append(startLine)
        }
        return Table(columns: columns, rows: rows, lines: lines, skipped: skipped, source: source)
    }

    /// Reads one unquoted record ending at `\n` (a preceding `\r` is dropped).
    func readPlainRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int,
                         _ fields: inout [String]) -> String? {
        let delimiter = format.delimiter
        var fieldStart = position
        var index = position
        var problem: String?
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A { break }
            if byte == delimiter {
                if let field = FileBytes.string(bytes, fieldStart, index) { fields.append(field) }
                else { problem = problem ?? "invalid UTF-8 in field \(fields.count + 1)"; fields.append("") }
                fieldStart = index + 1
            }
            index += 1
        }
        var end = index
        if end > fieldStart, bytes[end - 1] == 0x0D { end -= 1 }
        if let field = FileBytes.string(bytes, fieldStart, end) { fields.append(field) }
        else { problem = problem ?? "invalid UTF-8 in field \(fields.count + 1)"; fields.append("") }
        position = index + 1
        line += 1
        return problem
    }

    /// Reads one RFC 4180 record; quoted fields may span lines.
    func readQuotedRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int,
                          _ fields: inout [String]) -> String? {
        let delimiter = format.delimiter
        let quote = UInt8(ascii: "\"")
        let count = bytes.count
        var index = position
        var problem: String?
        var field: [UInt8] = []
        var quoted = false
        var atFieldStart = true
        func finish() {
            if let text = String(validating: field, as: UTF8.self) { fields.append(text) }
            else { problem = problem ?? "invalid UTF-8 in field \(fields.count + 1)"; fields.append("") }
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        while index < count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    quoted = false
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                index += 1
                continue
            }
            if byte == 0x0A {
                if field.last == 0x0D { field.removeLast() }
                break
            }
            if byte == delimiter {
                finish()
            } else if byte == quote && atFieldStart {
                quoted = true
                atFieldStart = false
            } else {
                if byte == quote { problem = problem ?? "stray quote in field \(fields.count + 1)" }
                field.append(byte)
                atFieldStart = false
            }
            index += 1
        }
        if quoted { problem = problem ?? "unterminated quoted field \(fields.count + 1)" }
        finish()
        position = index + 1
        line += 1
        return problem
    }
}
