import CMCLNN
import CMCLTensor
import Testing
@testable import CMCLCompare

@Suite struct CmpCropTests {
    /// Rows `[CLS]=101, distinct word ids ..., [SEP]=102, (middle [SEP]) ..., padding 0`.
    static func batch(withSpans: Bool = false) throws -> Batch {
        let lengths = [20, 14, 9, 30]
        let t = 32
        var ids = [Int32](repeating: 0, count: lengths.count * t), mask = ids, types = ids
        for (row, n) in lengths.enumerated() {
            for j in 0..<n {
                ids[row * t + j] = j == 0 ? 101 : (j == n - 1 || j == n / 2 ? 102 : Int32(1000 + row * 100 + j))
                mask[row * t + j] = 1
                types[row * t + j] = j > n / 2 ? 1 : 0
            }
        }
        let starts: [Int32] = [3, 5, 1, 10], ends: [Int32] = [5, 5, 2, 13]
        return try Batch(ids: Tensor(ints: ids, shape: [lengths.count, t]), attentionMask: Tensor(ints: mask, shape: [lengths.count, t]),
                         tokenTypes: Tensor(ints: types, shape: [lengths.count, t]), labels: nil,
                         startPositions: withSpans ? Tensor(ints: starts, shape: [4]) : nil,
                         endPositions: withSpans ? Tensor(ints: ends, shape: [4]) : nil)
    }

    /// The real token ids of each row of `b`.
    static func realRows(_ b: Batch) -> [[Int32]] {
        let ids = b.ids.toInts(), mask = b.attentionMask?.toInts() ?? []
        return (0..<b.size).map { row in (0..<b.length).filter { mask[row * b.length + $0] != 0 }.map { ids[row * b.length + $0] } }
    }

    static func isSubsequence(_ a: [Int32], of b: [Int32]) -> Bool {
        var i = b.makeIterator()
        return a.allSatisfy { x in
            while let y = i.next() { if y == x { return true } }
            return false
        }
    }

    @Test(arguments: [TokenCropPlan.Style.tokens, .spans])
    func tokenCropsAreNestedAndKeepSpecialTokens(style: TokenCropPlan.Style) throws {
        let batch = try Self.batch(withSpans: true)
        let crop = try CmpCrop(steps: 3, ratio: 0.2, style: style, protectedTokenIDs: [102])
        let levels = try crop.crops(batch, generator: Generator(seed: 9))
        #expect(levels.count == 4)
        let original = Self.realRows(batch)
        var previous = original
        for k in 1...3 {
            let level = levels[k]
            #expect(level.ids.shape == batch.ids.shape)
            let rows = Self.realRows(level)
            let mask = level.attentionMask?.toInts() ?? []
            for row in 0..<batch.size {
                // Kept tokens are compacted to the left: the mask is a prefix of ones.
                let count = rows[row].count
                #expect((0..<batch.length).allSatisfy { (mask[row * batch.length + $0] == 1) == ($0 < count) })
                #expect(Self.isSubsequence(rows[row], of: previous[row]), "level \(k) row \(row) nested in level \(k - 1)")
                #expect(rows[row].first == 101 && rows[row].last == 102)
                #expect(rows[row].filter { $0 == 102 }.count == original[row].filter { $0 == 102 }.count)
                // The answer span moved with its tokens.
                let s = Int(level.startPositions?.toInts()[row] ?? -1), e = Int(level.endPositions?.toInts()[row] ?? -1)
                let s0 = Int(batch.startPositions?.toInts()[row] ?? -1), e0 = Int(batch.endPositions?.toInts()[row] ?? -1)
                let ids = level.ids.toInts(), ids0 = batch.ids.toInts()
                #expect(e - s == e0 - s0, "the answer span stays contiguous")
                for j in 0...(e0 - s0) { #expect(ids[row * batch.length + s + j] == ids0[row * batch.length + s0 + j]) }
            }
            previous = rows
        }
        // The token types travel with their tokens.
        let types1 = levels[1].tokenTypes?.toInts() ?? [], ids1 = levels[1].ids.toInts()
        let types0 = batch.tokenTypes?.toInts() ?? [], ids0 = batch.ids.toInts()
        for (i, id) in ids1.enumerated() where id >= 1000 {
            if let j = ids0.firstIndex(of: id) { #expect(types1[i] == types0[j]) }
        }
    }

    @Test func tokenCropRemovesAboutTheNestedRatio() throws {
        let batch = try Self.batch()
        let levels = try CmpCrop(steps: 2, ratio: 0.25).crops(batch, generator: Generator(seed: 1))
        let original = Self.realRows(batch), cropped = Self.realRows(levels[2])
        for row in 0..<batch.size {
            let eligible = original[row].count - 2
            let expected = TokenCropPlan.removalTotals(eligible: eligible, steps: 2, ratio: 0.25)[2]
            #expect(original[row].count - cropped[row].count == expected)
        }
    }

    @Test func cropsAreDeterministicFromTheGenerator() throws {
        let batch = try Self.batch()
        let crop = try CmpCrop(steps: 2, ratio: 0.3)
        let a = try crop.keptPositions(batch, generator: Generator(seed: 5))
        let b = try crop.keptPositions(batch, generator: Generator(seed: 5))
        let c = try crop.keptPositions(batch, generator: Generator(seed: 6))
        #expect(a == b)
        #expect(a != c)
    }

    @Test func segmentCropsNeverRemoveMustKeepSegments() throws {
        let batch = try Self.batch(withSpans: true)
        // Row 3 (30 tokens): question 1..<4 (must keep), paragraphs 5..<9, 9..<14 (holds the answer 10...13),
        // 15..<20, 20..<25 (supporting), 25..<29. Other rows: two paragraphs each.
        let segments: [[SegmentSpan]] = [
            [SegmentSpan(title: "q", tokens: 1..<3, mustKeep: true), SegmentSpan(title: "a", tokens: 3..<9),
             SegmentSpan(title: "b", tokens: 10..<19)],
            [SegmentSpan(title: "a", tokens: 1..<6), SegmentSpan(title: "b", tokens: 8..<13)],
            [SegmentSpan(title: "a", tokens: 1..<4), SegmentSpan(title: "b", tokens: 5..<8)],
            [SegmentSpan(title: "q", tokens: 1..<4, mustKeep: true), SegmentSpan(title: "p1", tokens: 5..<9),
             SegmentSpan(title: "p2", tokens: 9..<14), SegmentSpan(title: "p3", tokens: 16..<20),
             SegmentSpan(title: "p4", tokens: 20..<25, mustKeep: true), SegmentSpan(title: "p5", tokens: 25..<29)],
        ]
        var segmented = batch
        segmented.segments = segments
        let crop = try CmpCrop(steps: 3)
        let kept = try crop.keptPositions(segmented, generator: Generator(seed: 12))
        let starts = batch.startPositions?.toInts() ?? [], ends = batch.endPositions?.toInts() ?? []
        let real = batch.realPositions()
        for row in 0..<batch.size {
            var inSegment = Set<Int>()
            for s in segments[row] { inSegment.formUnion(s.tokens) }
            let mustKeep = segments[row].filter { s in
                s.mustKeep || s.tokens.contains(Int(starts[row])) || s.tokens.contains(Int(ends[row]))
            }
            #expect(kept[row][0] == real[row])
            for k in 1...3 {
                let now = Set(kept[row][k]), before = Set(kept[row][k - 1])
                #expect(now.isSubset(of: before), "row \(row) level \(k) nested")
                for s in mustKeep { #expect(Set(s.tokens).isSubset(of: now), "row \(row) level \(k) keeps \(s)") }
                for p in real[row] where !inSegment.contains(p) { #expect(now.contains(p)) }
                // Segments go whole or not at all.
                for s in segments[row] {
                    let present = s.tokens.filter { now.contains($0) }.count
                    #expect(present == 0 || present == s.tokens.count)
                }
            }
            // Every distractor is gone by the last level when there are no more distractors than steps.
            let distractors = segments[row].filter { s in !mustKeep.contains(s) }
            if distractors.count <= 3 {
                for s in distractors { #expect(s.tokens.allSatisfy { !kept[row][3].contains($0) }) }
            }
        }
        let levels = try crop.crops(segmented, generator: Generator(seed: 12))
        let rows = Self.realRows(levels[3])
        let ids = batch.ids.toInts()
        // Row 3 at the last level: [CLS], question, unsegmented tokens, answer paragraph, supporting paragraph.
        let expected = kept[3][3].map { ids[3 * batch.length + $0] }
        #expect(rows[3] == expected)
        let s3 = Int(levels[3].startPositions?.toInts()[3] ?? -1)
        #expect(levels[3].ids.toInts()[3 * batch.length + s3] == ids[3 * batch.length + 10])
    }

    @Test func badSettingsAndSegmentsAreTypedErrors() throws {
        #expect(throws: CompareError.invalidCount(operation: "cmpcrop", name: "steps", value: 0, requirement: "it must lie in 1...4096")) { try CmpCrop(steps: 0) }
        #expect(throws: CompareError.invalidParameter(operation: "cmpcrop", name: "ratio", value: 1.0, requirement: "it must lie in (0, 1)")) { try CmpCrop(steps: 1, ratio: 1) }
        #expect(throws: CompareError.unknownName(operation: "cmpcrop", kind: "crop style", given: "spam", candidates: ["span", "spans"], valid: ["tokens", "token", "spans", "span"])) { try CmpCrop(steps: 1, style: "spam") }
        let crop = try CmpCrop(steps: 1)
        for segments: [[SegmentSpan]] in [
            [[]],                                                                            // not one list per row
            [[SegmentSpan(tokens: 0..<40)], [], [], []],                                     // outside the row
            [[SegmentSpan(tokens: 0..<5), SegmentSpan(tokens: 4..<8)], [], [], []],          // overlapping
        ] {
            var batch = try Self.batch()
            batch.segments = segments
            #expect(throws: CompareError.self) { try crop.crops(batch, generator: Generator(seed: 1)) }
            #expect(throws: CompareError.self) { try crop.keptPositions(batch, generator: Generator(seed: 1)) }
        }
    }
}
