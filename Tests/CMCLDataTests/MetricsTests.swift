import Testing
@testable import CMCLData

@Suite struct MetricsTests {
    let fixture: JSONValue? = try? JSONValue.read(path: Paths.fixture("metrics.json"))

    func ints(_ v: JSONValue?) -> [Int32] { (v?.array ?? []).compactMap { $0.int.map(Int32.init) } }
    func doubles(_ v: JSONValue?) -> [Double] { (v?.array ?? []).compactMap(\.number) }

    @Test func classificationMatchesScikitLearn() throws {
        let cases = try #require(fixture?["classification"]?.array)
        #expect(cases.count == 5)
        for c in cases {
            let gold = ints(c["gold"]), pred = ints(c["pred"])
            #expect(close(try Metrics.accuracy(pred, gold), c["accuracy"]?.number ?? .nan))
            let macro = try Metrics.precisionRecallF1(pred, gold, average: .macro)
            #expect(close(macro.precision, c["macro_precision"]?.number ?? .nan))
            #expect(close(macro.recall, c["macro_recall"]?.number ?? .nan))
            #expect(close(macro.f1, c["macro_f1"]?.number ?? .nan))
            #expect(close(try Metrics.matthews(pred, gold), c["mcc"]?.number ?? .nan))
            if let p = c["binary_precision"]?.number {
                let binary = try Metrics.precisionRecallF1(pred, gold)
                #expect(close(binary.precision, p))
                #expect(close(binary.recall, c["binary_recall"]?.number ?? .nan))
                #expect(close(try Metrics.f1(pred, gold), c["binary_f1"]?.number ?? .nan))
            }
        }
    }

    @Test func correlationsMatchSciPy() throws {
        let cases = try #require(fixture?["regression"]?.array)
        for c in cases {
            let x = doubles(c["x"]), y = doubles(c["y"])
            #expect(close(try Metrics.pearson(x, y), c["pearson"]?.number ?? .nan, 1e-9))
            #expect(close(try Metrics.spearman(x, y), c["spearman"]?.number ?? .nan, 1e-9))
            #expect(close(try Metrics.pearson(x.map(Float.init), y.map(Float.init)), c["pearson"]?.number ?? .nan, 1e-5))
        }
        #expect(Metrics.averageRanks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
    }

    @Test func squadMatchesOfficialScript() throws {
        let cases = try #require(fixture?["squad"]?.array)
        #expect(cases.count == 60)
        for c in cases {
            let prediction = c["prediction"]?.string ?? ""
            let answers = (c["answers"]?.array ?? []).compactMap(\.string)
            #expect(Metrics.exactMatch(prediction, answers: answers) == c["exact_match"]?.number)
            #expect(close(Metrics.squadF1(prediction, answers: answers), c["f1"]?.number ?? .nan))
        }
        #expect(Metrics.normalizeAnswer("The  Cat, an apple!") == "cat apple")
    }

    @Test func rankingMatchesScikitLearn() throws {
        let cases = try #require(fixture?["ranking"]?.array)
        for c in cases {
            let relevance = doubles(c["relevance"]), scores = doubles(c["scores"])
            for k in [1, 3, 5, 10] {
                let expected = c["ndcg@\(k)"]?.number ?? .nan
                #expect(close(try Metrics.ndcg(scores: scores, relevance: relevance, k: k), expected, 1e-9), "k=\(k)")
            }
            if let rr = c["reciprocal_rank"]?.number {
                #expect(close(try Metrics.reciprocalRank(scores: scores, relevance: relevance), rr))
            }
        }
        #expect(try Metrics.meanReciprocalRank(scores: [[0.1, 0.9], [0.8, 0.2]], relevance: [[1, 0], [1, 0]]) == 0.75)
    }

    @Test func mismatchedLengthsAreErrors() throws {
        #expect(throws: DataError.invalidArgument(operation: "accuracy", problem: "2 predictions but 3 gold labels")) {
            _ = try Metrics.accuracy([1, 0], [1, 0, 1])
        }
        #expect(throws: DataError.self) { _ = try Metrics.accuracy([], []) }
        #expect(throws: DataError.self) { _ = try Metrics.spearman([1.0], [1.0, 2.0]) }
        #expect(throws: DataError.self) { _ = try Metrics.ndcg(scores: [1.0], relevance: [1], k: 0) }
        #expect(try Metrics.pearson([1.0, 1.0], [1.0, 2.0]).isNaN)
        #expect(try Metrics.matthews([1, 1], [1, 1]) == 0)
    }
}
