extension Table {
    /// The table as delimited text with a header row. With quoting (CSV), fields that contain
    /// the delimiter, a quote or a line break are quoted and quotes doubled (RFC 4180); without
    /// it (TSV), tabs and line breaks in cells become spaces.
    ///
    /// ```swift
    /// Table(columns: ["name", "acc"], rows: [["a,b", "0.5"]]).serialized(format: .csv)
    /// // "name,acc\n\"a,b\",0.5\n"
    /// ```
    public func serialized(format: DelimitedFormat) -> String {
        let delimiter = Character(UnicodeScalar(format.delimiter))
        func cell(_ s: String) -> String {
            if format.quoting {
                guard s.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return String(s.map { $0 == delimiter || $0 == "\n" || $0 == "\r" ? " " : $0 })
        }
        var out = ""
        if format.header { out += columns.map(cell).joined(separator: String(delimiter)) + "\n" }
        for row in rows {
            // A row of one empty cell is written `""` in CSV, which reads back as that row, not
            // as a blank line (TSV has no quoting: such a row cannot be told from a blank line).
            if format.quoting, row.count == 1, row[0].isEmpty { out += "\"\"\n"; continue }
            out += row.map(cell).joined(separator: String(delimiter)) + "\n"
        }
        return out
    }
}
