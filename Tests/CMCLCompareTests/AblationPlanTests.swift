import CMCLBase
import Testing
@testable import CMCLCompare

@Suite struct AblationPlanTests {
    // MARK: schedule

    @Test func interleavingCropsFirst() throws {
        func levels(_ crop: Int, _ drop: Int) throws -> [[Int]] {
            try AblationSchedule(crop: crop, drop: drop).variants.map { [$0.cropLevel, $0.dropLevel] }
        }
        #expect(try levels(2, 3) == [[0, 0], [1, 0], [1, 1], [2, 1], [2, 2], [2, 3]])
        #expect(try levels(1, 2) == [[0, 0], [1, 0], [1, 1], [1, 2]])
        #expect(try levels(3, 1) == [[0, 0], [1, 0], [1, 1], [2, 1], [3, 1]])
        #expect(try levels(0, 3) == [[0, 0], [0, 1], [0, 2], [0, 3]])
        #expect(try levels(2, 0) == [[0, 0], [1, 0], [2, 0]])
    }

    @Test func scheduleProperties() throws {
        for crop in 0...4 {
            for drop in 0...4 where crop + drop > 0 {
                let s = try AblationSchedule(crop: crop, drop: drop)
                #expect(s.variants.count == crop + drop + 1)
                #expect(s.variants.last?.cropLevel == crop && s.variants.last?.dropLevel == drop)
                for (a, b) in zip(s.variants, s.variants.dropFirst()) {
                    // Exactly one level grows by one per step: nested variants.
                    #expect((b.cropLevel - a.cropLevel) + (b.dropLevel - a.dropLevel) == 1)
                    #expect(b.cropLevel >= a.cropLevel && b.dropLevel >= a.dropLevel)
                }
            }
        }
        let byName = try AblationSchedule([AblationSpec(name: "cmpcrop", count: 1),
                                           AblationSpec(name: "CmpDrop", count: 1),
                                           AblationSpec(name: "drop", count: 1)])
        #expect(byName.dropSteps == 2 && byName.cropSteps == 1)
        #expect(abs(try byName.variants[3].dropoutRate(base: 0.1) - 0.19) < 1e-15)
        #expect(try byName.variants[1].dropoutRate(base: 0.1) == 0)
    }

    @Test func scheduleErrors() {
        #expect(throws: CompareError.tooFewVariants(operation: "ablation schedule", columns: 1)) { try AblationSchedule(crop: 0, drop: 0) }
        #expect(throws: CompareError.tooFewVariants(operation: "ablation schedule", columns: 1)) { try AblationSchedule([]) }
        #expect(throws: CompareError.invalidCount(operation: "ablation drop", name: "count", value: -1, requirement: "it must lie in 0...4096")) { try AblationSpec(kind: .drop, count: -1) }
        do {
            _ = try AblationSpec(name: "cmpdorp", count: 2)
            Issue.record("accepted a misspelt ablation")
        } catch {
            #expect(error.description.contains("did you mean 'cmpdrop'"))
        }
    }

    // MARK: token crops

    @Test(arguments: TokenCropPlan.Style.allCases)
    func tokenCropsAreNestedAndRespectProtection(_ style: TokenCropPlan.Style) throws {
        for seed in UInt64(0)..<40 {
            let n = 5 + Int(seed % 30)
            let protected: Set<Int> = [0, n - 1, n / 2]
            let plan = try TokenCropPlan(tokenCount: n, steps: 4, ratio: 0.2, style: style,
                                         protected: protected, seed: seed)
            let eligible = n - protected.count
            let totals = TokenCropPlan.removalTotals(eligible: eligible, steps: 4, ratio: 0.2)
            #expect(plan.kept[0] == Array(0..<n))
            for k in 1...4 {
                let removed = Set(plan.removed[k])
                #expect(removed.count == totals[k])
                #expect(removed.isSuperset(of: plan.removed[k - 1]), "nested")
                #expect(removed.isDisjoint(with: protected))
                #expect(Set(plan.kept[k]).union(removed) == Set(0..<n))
                #expect(plan.keepMask(step: k)?.filter { $0 }.count == n - totals[k])
            }
            #expect(plan.keepMask(step: 5) == nil)
            if style == .spans {
                // Each step's new removals are consecutive among the eligible tokens still present.
                var present = (0..<n).filter { !protected.contains($0) }
                for k in 1...4 {
                    let fresh = Set(plan.removed[k]).subtracting(plan.removed[k - 1])
                    let positions = present.indices.filter { fresh.contains(present[$0]) }
                    if let first = positions.first, let last = positions.last {
                        #expect(last - first + 1 == positions.count, "span at step \(k) is contiguous")
                    }
                    present.removeAll { fresh.contains($0) }
                }
            }
        }
    }

    @Test func tokenCropTotalsAndDeterminism() throws {
        // 100 eligible tokens at ratio 0.1: kept fraction 0.9^k.
        #expect(TokenCropPlan.removalTotals(eligible: 100, steps: 3, ratio: 0.1) == [0, 10, 19, 27])
        // Tiny inputs still remove one more token per step until none is left.
        #expect(TokenCropPlan.removalTotals(eligible: 3, steps: 5, ratio: 0.01) == [0, 1, 2, 3, 3, 3])
        let a = try TokenCropPlan(tokenCount: 50, steps: 3, ratio: 0.3, style: .tokens, seed: 5)
        let b = try TokenCropPlan(tokenCount: 50, steps: 3, ratio: 0.3, style: .tokens, seed: 5)
        let c = try TokenCropPlan(tokenCount: 50, steps: 3, ratio: 0.3, style: .tokens, seed: 6)
        #expect(a == b)
        #expect(a.removed != c.removed)
    }

    @Test func tokenCropErrors() {
        #expect(throws: CompareError.invalidCount(operation: "token crop plan", name: "tokenCount", value: 0, requirement: "it must be >= 1")) { try TokenCropPlan(tokenCount: 0, steps: 1, ratio: 0.1, seed: 0) }
        #expect(throws: CompareError.invalidCount(operation: "token crop plan", name: "steps", value: 0, requirement: "it must lie in 1...4096")) { try TokenCropPlan(tokenCount: 5, steps: 0, ratio: 0.1, seed: 0) }
        #expect(throws: CompareError.invalidParameter(operation: "token crop plan", name: "ratio", value: 1.0, requirement: "it must lie in (0, 1)")) { try TokenCropPlan(tokenCount: 5, steps: 1, ratio: 1, seed: 0) }
        #expect(throws: CompareError.self) { try TokenCropPlan(tokenCount: 5, steps: 1, ratio: .nan, seed: 0) }
        #expect(throws: CompareError.indexOutOfRange(operation: "token crop plan", name: "protected index",
                                                     index: 5, count: 5)) {
            try TokenCropPlan(tokenCount: 5, steps: 1, ratio: 0.5, protected: [5], seed: 0)
        }
    }

    // MARK: segment crops

    typealias Segment = SegmentCropPlan.Segment

    @Test func segmentCropsFollowTheReferenceRule() throws {
        var rng = Xoshiro256StarStar(seed: 31)
        for _ in 0..<200 {
            let count = 2 + rng.uniformIndex(below: 9)
            var segments = [Segment(tokenCount: 5, mustKeep: true)]   // the question
            for _ in 1..<count {
                segments.append(Segment(tokenCount: 1 + rng.uniformIndex(below: 20), mustKeep: rng.uniformIndex(below: 4) == 0))
            }
            let steps = 1 + rng.uniformIndex(below: 4)
            let plan = try SegmentCropPlan(segments: segments, steps: steps, using: &rng)
            let mustKeep = Set(segments.indices.filter { segments[$0].mustKeep })
            let d = segments.count - mustKeep.count
            let counts = plan.keptDistractorCounts
            #expect(counts.count == steps + 1 && counts[0] == d)
            if d > steps {
                let drawn = Array(counts.dropFirst())
                #expect(Set(drawn).count == steps, "distinct counts")
                #expect(drawn.allSatisfy { $0 < d })
                #expect(drawn == drawn.sorted(by: >))
            } else {
                let expected = Array(stride(from: d - 1, through: 0, by: -1)) + [Int](repeating: 0, count: steps - d)
                #expect(Array(counts.dropFirst()) == expected)
            }
            let kept = plan.keptSegments
            #expect(kept[0] == Array(segments.indices))
            for k in 1...steps {
                #expect(Set(kept[k]).isSuperset(of: mustKeep), "must-keep segments survive")
                #expect(Set(kept[k - 1]).isSuperset(of: kept[k]), "nested")
                #expect(kept[k] == kept[k].sorted(), "input order")
                #expect(kept[k].count == mustKeep.count + counts[k])
            }
            // Token lists follow the segments' layout.
            let tokens = plan.keptTokens
            #expect(tokens[0] == Array(0..<segments.reduce(0) { $0 + $1.tokenCount }))
            for k in 0...steps {
                #expect(tokens[k].count == kept[k].reduce(0) { $0 + segments[$1].tokenCount })
                #expect(tokens[k] == tokens[k].sorted())
            }
        }
    }

    @Test func fixedSegmentPlanForEvaluation() throws {
        let segments = [Segment(tokenCount: 2, mustKeep: true), Segment(tokenCount: 3), Segment(tokenCount: 1),
                        Segment(tokenCount: 2, mustKeep: true), Segment(tokenCount: 4)]
        // Distractors 1, 2, 4; counts above D keep all of them.
        let plan = try SegmentCropPlan(segments: segments, keptCounts: [6, 2, 0], distractorOrder: [4, 1, 2])
        #expect(plan.keptDistractorCounts == [3, 3, 2, 0])
        #expect(plan.keptSegments == [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 3, 4], [0, 3]])
        #expect(plan.keptTokens[3] == [0, 1, 6, 7])  // segment 0 is tokens 0-1, segment 3 is 6-7
        #expect(plan.keptTokens[2] == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11])
        #expect(throws: CompareError.invalidCount(operation: "segment crop plan", name: "kept count", value: 2, requirement: "counts must be >= 0 and must not increase (previous: 1)")) {
            try SegmentCropPlan(segments: segments, keptCounts: [1, 2])
        }
        #expect(throws: CompareError.mismatchedShapes(operation: "segment crop plan (distractor order must permute the distractor indices)", lhs: [0, 1, 2], rhs: [1, 2, 4])) {
            try SegmentCropPlan(segments: segments, keptCounts: [1], distractorOrder: [0, 1, 2])
        }
        #expect(throws: CompareError.invalidCount(operation: "segment crop plan", name: "segment count", value: 0, requirement: "it must be >= 1")) { try SegmentCropPlan(segments: [], steps: 1, seed: 0) }
        #expect(throws: CompareError.invalidCount(operation: "segment crop plan", name: "steps", value: 0, requirement: "it must lie in 1...4096")) { try SegmentCropPlan(segments: segments, steps: 0, seed: 0) }
        #expect(throws: CompareError.invalidCount(operation: "segment crop plan", name: "tokenCount of segment 0", value: -1, requirement: "it must be >= 0 and the total must fit in Int")) {
            try SegmentCropPlan(segments: [Segment(tokenCount: -1)], steps: 1, seed: 0)
        }
    }
}

@Suite struct AblationLimitTests {
    @Test func hugeCountsAreRejectedNotTrapped() {
        #expect(throws: CompareError.invalidCount(operation: "ablation crop", name: "count", value: 9223372036854775807, requirement: "it must lie in 0...4096")) { try AblationSpec(kind: .crop, count: Int.max) }
        #expect(throws: CompareError.invalidCount(operation: "nested dropout", name: "step", value: 9223372036854775807, requirement: "it must lie in 0...4096")) { try NestedDropout.rates(0.1, steps: Int.max) }
        #expect(throws: CompareError.invalidCount(operation: "token crop plan", name: "steps", value: 9223372036854775807, requirement: "it must lie in 1...4096")) {
            try TokenCropPlan(tokenCount: 4, steps: Int.max, ratio: 0.5, seed: 0)
        }
        #expect(throws: CompareError.invalidCount(operation: "segment crop plan", name: "tokenCount of segment 1", value: 1, requirement: "it must be >= 0 and the total must fit in Int")) {
            try SegmentCropPlan(segments: [.init(tokenCount: Int.max), .init(tokenCount: 1)], steps: 1, seed: 0)
        }
        let spec = try? AblationSpec(kind: .drop, count: AblationSpec.maxSteps)
        if let spec {
            #expect(throws: CompareError.invalidCount(operation: "ablation schedule", name: "total steps", value: 8192, requirement: "it must be <= 4096")) { try AblationSchedule([spec, spec]) }
        }
    }
}
