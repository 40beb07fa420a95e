import CMCLNN
import CMCLTensor

extension Batch {
    /// The batch's ``segments`` after checking them for segment crops, nil when it has none.
    ///
    /// Tokens outside every segment (`[CLS]`, separators) are never removed. Segments of a row must
    /// not overlap and must lie inside the row.
    /// - Throws: `CompareError` when the list count differs from the batch size, or a segment lies
    ///   outside the row or overlaps another.
    func checkedSegments() throws(CompareError) -> [[SegmentSpan]]? {
        guard let segments else { return nil }
        let op = "segmented batch"
        if segments.count != size {
            throw .mismatchedShapes(operation: op + " (one segment list per row)", lhs: [segments.count], rhs: [size])
        }
        for (row, list) in segments.enumerated() {
            let sorted = list.sorted { $0.tokens.lowerBound < $1.tokens.lowerBound }
            var end = 0
            for segment in sorted {
                if segment.tokens.lowerBound < 0 || segment.tokens.upperBound > length {
                    throw .invalidInput(operation: op, reason: "row \(row): segment \(segment) lies outside 0..<\(length)")
                }
                if segment.tokens.lowerBound < end {
                    throw .invalidInput(operation: op, reason: "row \(row): segment \(segment) overlaps the previous segment")
                }
                end = segment.tokens.upperBound
            }
        }
        return segments
    }

    /// The batch rebuilt from kept token positions per row: kept tokens are compacted to the left
    /// in their original order and the rest is padding (`padID`, attention 0), so the padded length
    /// stays the same. Span labels are remapped to the new positions (`-100` when the labelled
    /// token was removed).
    func compacted(keeping kept: [[Int]], padID: Int32) throws -> Batch {
        let b = size, t = length
        let ids = self.ids.toInts()
        let types = tokenTypes?.toInts()
        var newIds = [Int32](repeating: padID, count: b * t)
        var newMask = [Int32](repeating: 0, count: b * t)
        var newTypes = types.map { _ in [Int32](repeating: 0, count: b * t) }
        var positionMaps = [[Int: Int]]()
        for row in 0..<b {
            var map = [Int: Int]()
            for (j, position) in kept[row].enumerated() {
                newIds[row * t + j] = ids[row * t + position]
                newMask[row * t + j] = 1
                if let types { newTypes?[row * t + j] = types[row * t + position] }
                map[position] = j
            }
            positionMaps.append(map)
        }
        func remap(_ positions: Tensor?) throws -> Tensor? {
            guard let positions else { return nil }
            let values = positions.toInts().enumerated().map { row, p -> Int32 in
                guard p >= 0, Int(p) < t else { return p }
                return positionMaps[row][Int(p)].map { Int32($0) } ?? -100
            }
            return try Tensor(ints: values, shape: [b])
        }
        let maskTensor = try Tensor(ints: newMask, shape: [b, t])
        let typedMask = attentionMask.map { $0.dtype } ?? .int32
        return try Batch(ids: Tensor(ints: newIds, shape: [b, t]),
                         attentionMask: typedMask == .int32 ? maskTensor : maskTensor.to(typedMask),
                         tokenTypes: try newTypes.map { try Tensor(ints: $0, shape: [b, t]) },
                         labels: labels, startPositions: remap(startPositions), endPositions: remap(endPositions),
                         groupSize: groupSize)
    }

    /// Real-token positions per row (attention mask non-zero; all positions without a mask).
    func realPositions() -> [[Int]] {
        let t = length
        guard let mask = attentionMask?.toDoubles() else { return Array(repeating: Array(0..<t), count: size) }
        return (0..<size).map { row in (0..<t).filter { mask[row * t + $0] != 0 } }
    }
}
