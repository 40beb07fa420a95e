/// Evaluation metrics, checked against scikit-learn, scipy and the official SQuAD script.
///
/// ```swift
/// let acc = try Metrics.accuracy(pred, gold)           // 0.91
/// let f1 = try Metrics.f1(pred, gold, average: .macro)
/// let rho = try Metrics.spearman(predScores, goldScores)
/// ```
public enum Metrics {
    /// How per-class precision/recall/F1 are combined.
    public enum Average: Sendable, Equatable {
        /// Scores of the positive class only (scikit-learn `average="binary"`).
        case binary(positive: Int32)
        /// Unweighted mean over the classes present in gold or predictions.
        case macro
    }

    /// The task kinds whose metrics ``named(_:predictions:targets:task:)`` computes.
    public enum Task: Sendable, Equatable {
        /// Class predictions; `classes` decides what `f1` means (binary F1 of class 1 for two
        /// classes, macro F1 otherwise).
        case classification(classes: Int)
        /// Real-valued predictions.
        case regression
    }

    /// The metric names each task supports through ``named(_:predictions:targets:task:)``.
    public static func names(for task: Task) -> [String] {
        switch task {
        case .classification: return ["accuracy", "f1", "macro_f1", "mcc"]
        case .regression: return ["pearson", "spearman", "mse", "rmse", "mae"]
        }
    }

    /// A metric by name, the one place `evaluate`, `fit(keep_best:)` and the metric builtins
    /// compute it: classification `accuracy`, `f1`, `macro_f1`, `mcc` (CoLA); regression
    /// `pearson`, `spearman` (STS-B), `mse`, `rmse`, `mae`. Nil for a name the task does not have.
    /// - Throws: `DataError` for mismatched or empty inputs.
    public static func named(_ name: String, predictions: [Double], targets: [Double], task: Task) throws -> Double? {
        try check(name, predictions.count, targets.count)
        func ints(_ xs: [Double]) -> [Int32] { xs.map { Int32(exactly: $0.rounded()) ?? -1 } }
        switch (task, name.lowercased()) {
        case (.classification, "accuracy"): return try accuracy(ints(predictions), ints(targets))
        case let (.classification(classes), "f1"):
            return try f1(ints(predictions), ints(targets), average: classes == 2 ? .binary(positive: 1) : .macro)
        case (.classification, "macro_f1"): return try f1(ints(predictions), ints(targets), average: .macro)
        case (.classification, "mcc"): return try matthews(ints(predictions), ints(targets))
        case (.regression, "pearson"): return try pearson(predictions, targets)
        case (.regression, "spearman"): return try spearman(predictions, targets)
        case (.regression, "mse"), (.regression, "rmse"), (.regression, "mae"):
            var sum = 0.0
            for (p, t) in zip(predictions, targets) { sum += name.lowercased() == "mae" ? Swift.abs(p - t) : (p - t) * (p - t) }
            let mean = sum / Double(predictions.count)
            return name.lowercased() == "rmse" ? mean.squareRoot() : mean
        default: return nil
        }
    }

    static func check(_ name: String, _ a: Int, _ b: Int) throws {
        guard a == b else {
            throw DataError.invalidArgument(operation: name, problem: "\(a) predictions but \(b) gold labels")
        }
        guard a > 0 else { throw DataError.invalidArgument(operation: name, problem: "no examples") }
    }

    /// The fraction of positions where `predictions` equals `gold`.
    public static func accuracy(_ predictions: [Int32], _ gold: [Int32]) throws -> Double {
        try check("accuracy", predictions.count, gold.count)
        let hits = zip(predictions, gold).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return Double(hits) / Double(gold.count)
    }

    /// Per-class true positives, predicted counts and gold counts.
    static func counts(_ p: [Int32], _ g: [Int32]) -> (classes: [Int32], tp: [Int32: Int], predicted: [Int32: Int], actual: [Int32: Int]) {
        var tp: [Int32: Int] = [:], predicted: [Int32: Int] = [:], actual: [Int32: Int] = [:]
        for (a, b) in zip(p, g) {
            predicted[a, default: 0] += 1
            actual[b, default: 0] += 1
            if a == b { tp[a, default: 0] += 1 }
        }
        return (Set(p).union(g).sorted(), tp, predicted, actual)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
    static func harmonic(_ p: Double, _ r: Double) -> Double { p + r == 0 ? 0 : 2 * p * r / (p + r) }

    /// Precision, recall and F1 (0 where undefined, as scikit-learn `zero_division=0`).
    public static func precisionRecallF1(_ predictions: [Int32], _ gold: [Int32],
                                         average: Average = .binary(positive: 1)) throws
        -> (precision: Double, recall: Double, f1: Double) {
        try check("precision/recall/f1", predictions.count, gold.count)
        let c = counts(predictions, gold)
        switch average {
        case let .binary(positive):
            let p = ratio(c.tp[positive] ?? 0, c.predicted[positive] ?? 0)
            let r = ratio(c.tp[positive] ?? 0, c.actual[positive] ?? 0)
            return (p, r, harmonic(p, r))
        case .macro:
            var sp = 0.0, sr = 0.0, sf = 0.0
            for k in c.classes {
                let p = ratio(c.tp[k] ?? 0, c.predicted[k] ?? 0)
                let r = ratio(c.tp[k] ?? 0, c.actual[k] ?? 0)
                sp += p; sr += r; sf += harmonic(p, r)
            }
            let n = Double(c.classes.count)
            return (sp / n, sr / n, sf / n)
        }
    }

    /// F1 score (see ``precisionRecallF1(_:_:average:)``).
    public static func f1(_ predictions: [Int32], _ gold: [Int32], average: Average = .binary(positive: 1)) throws -> Double {
        try precisionRecallF1(predictions, gold, average: average).f1
    }

    /// Matthews correlation coefficient (multi-class form, as scikit-learn; 0 when undefined).
    public static func matthews(_ predictions: [Int32], _ gold: [Int32]) throws -> Double {
        try check("matthews", predictions.count, gold.count)
        let c = counts(predictions, gold)
        let s = Double(gold.count)
        let correct = Double(c.tp.values.reduce(0, +))
        var pt = 0.0, pp = 0.0, tt = 0.0
        for k in c.classes {
            let t = Double(c.actual[k] ?? 0), p = Double(c.predicted[k] ?? 0)
            pt += p * t; pp += p * p; tt += t * t
        }
        let denominator = ((s * s - pp) * (s * s - tt)).squareRoot()
        return denominator == 0 ? 0 : (correct * s - pt) / denominator
    }

    /// Pearson correlation of two equally long series (NaN when either is constant).
    public static func pearson<T: BinaryFloatingPoint>(_ x: [T], _ y: [T]) throws -> Double {
        try check("pearson", x.count, y.count)
        let a = x.map { Double($0) }, b = y.map { Double($0) }
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = a[i] - ma, db = b[i] - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        let d = (saa * sbb).squareRoot()
        return d == 0 ? .nan : Swift.max(-1, Swift.min(1, sab / d))
    }

    /// Spearman rank correlation: Pearson correlation of ranks, ties getting their average rank.
    public static func spearman<T: BinaryFloatingPoint>(_ x: [T], _ y: [T]) throws -> Double {
        try check("spearman", x.count, y.count)
        return try pearson(averageRanks(x.map { Double($0) }), averageRanks(y.map { Double($0) }))
    }

    /// 1-based ranks with ties sharing the mean of their positions.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        return ranks
    }
}
