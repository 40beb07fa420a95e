/// Builds text-classification datasets from delimited files.
///
/// ```swift
/// let data = try TextTable.read(path: "SST-2/train.tsv", text: "sentence", label: "label")
/// ```
public enum TextTable {
    /// Reads a TSV/CSV file and turns the named columns into ``TextExample``s.
    ///
    /// - Parameters:
    ///   - text: column of the first text; `pair`: optional column of the second text.
    ///   - label: optional label column. With `labelNames` the cells must be one of them (the
    ///     class index is the position); with `regression` they must parse as numbers; otherwise
    ///     the distinct values become the classes (integers `0..<k` keep their value, other
    ///     values are sorted).
    ///   - skipBadRows: drop malformed rows and bad labels (counted in `Dataset.skipped`)
    ///     instead of raising an error naming the file and line.
    public static func read(path: String, text: String, pair: String? = nil, label: String? = nil,
                            labelNames: [String]? = nil, regression: Bool = false,
                            format: DelimitedFormat = .tsv, skipBadRows: Bool = false) throws
        -> Dataset<TextExample> {
        let table = try Table.read(path: path, format: format, skipBadRows: skipBadRows)
        return try examples(from: table, text: text, pair: pair, label: label, labelNames: labelNames,
                            regression: regression, skipBadRows: skipBadRows, name: path)
    }

    /// Turns table columns into examples (see ``read(path:text:pair:label:labelNames:regression:format:skipBadRows:)``).
    public static func examples(from table: Table, text: String, pair: String? = nil, label: String? = nil,
                                labelNames: [String]? = nil, regression: Bool = false,
                                skipBadRows: Bool = false, name: String? = nil) throws -> Dataset<TextExample> {
        let textIndex = try table.index(of: text)
        let pairIndex = try pair.map { try table.index(of: $0) }
        let labelIndex = try label.map { try table.index(of: $0) }
        var names = labelNames ?? []
        if let labelIndex, labelNames == nil, !regression {
            names = inferLabelNames(table.rows.compactMap { $0.indices.contains(labelIndex) ? $0[labelIndex] : nil })
        }
        var lookup: [String: Int32] = [:]
        for (i, n) in names.enumerated() { lookup[n] = Int32(i) }
        var items: [TextExample] = []
        items.reserveCapacity(table.rows.count)
        var skipped = table.skipped
        for (r, row) in table.rows.enumerated() {
            guard row.count == table.columns.count else {
                if skipBadRows { skipped += 1; continue }
                throw DataError.malformed(file: table.source, line: table.lines.indices.contains(r) ? table.lines[r] : r + 1,
                                          column: 0, problem: "expected \(table.columns.count) fields, found \(row.count)")
            }
            var value = Label.none
            if let labelIndex {
                let cell = row[labelIndex]
                if regression {
                    guard let score = Float(cell.trimmingSpaces), score.isFinite else {
                        if skipBadRows { skipped += 1; continue }
                        throw DataError.malformed(file: table.source, line: table.lines.indices.contains(r) ? table.lines[r] : r + 1, column: 0,
                                                  problem: "score \"\(cell)\" in column \"\(label ?? "")\" is not a number")
                    }
                    value = .score(score)
                } else {
                    guard let index = lookup[cell] else {
                        if skipBadRows { skipped += 1; continue }
                        throw DataError.malformed(file: table.source, line: table.lines.indices.contains(r) ? table.lines[r] : r + 1, column: 0,
                                                  problem: "label \"\(cell)\" is not one of \(names)")
                    }
                    value = .index(index)
                }
            }
            items.append(TextExample(text: row[textIndex], pair: pairIndex.map { row[$0] }, label: value,
                                     id: "\(table.source):\(table.lines.indices.contains(r) ? table.lines[r] : r + 1)"))
        }
        return Dataset(items, name: name ?? table.source, labelNames: regression ? [] : names, skipped: skipped)
    }

    /// The class names found in `cells`: `0..<k` when all are small non-negative integers
    /// covering that range, otherwise the distinct values sorted.
    static func inferLabelNames(_ cells: [String]) -> [String] {
        let distinct = Set(cells)
        let ints = distinct.compactMap { Int($0) }
        if ints.count == distinct.count, let top = ints.max(), ints.allSatisfy({ $0 >= 0 }), top < 1000 {
            return (0...top).map(String.init)
        }
        return distinct.sorted()
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return s
    }
}
