/// Experiments over seeds and their statistics (Sources/CMCLRuntime/Experiments).
import CMCLData

enum ExperimentBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("experiments", title: "Experiments and statistics")
        r.add("experiment(configs, seeds: [0], run: nil, log: nil, progress: true, precision: nil)", "experiments",
              "Runs `run(config, seed)` for every configuration and seed; appends each finished run to the JSON Lines `log` and skips runs already there; returns a results table. Progress lines go to standard error. A configuration's `precision` field (else `precision:`, else the session's) is the precision of the `fit`, `evaluate`, `predict` and `ablation_curve` calls its runs make without their own; \"bf16\" is recorded in the configuration.",
              example: "experiment([{name: \"a\"}, {name: \"b\"}], seeds: [1, 2], run: fn(c, s) => {acc: s / 10})") { a in
            try Experiment.run(a)
        }
        r.add("read_runs(path)", "experiments", "The results table recorded in an experiment's run log.",
              example: "read_runs(\"runs.jsonl\")") { a in
            try Experiment.readRuns(a)
        }
        r.add("compare(results, metric: \"accuracy\", by: \"name\", baseline: nil, level: 0.95, resamples: 10000, seed: 0)",
              "experiments",
              "Mean ± sd of `metric` per configuration and paired differences against `baseline` over shared seeds, with a paired t-test p-value and a bootstrap interval.",
              example: "compare(results, metric: \"accuracy\")") { a in
            try Comparison.compute(a)
        }
        r.add("sd(xs)", "experiments", "The sample standard deviation (n − 1) of a list of numbers.",
              example: "sd([2, 4, 4, 4, 5, 5, 7, 9])   # 2.138089935299395") { a in
            .number(Statistics.variance(try numbers(a, "xs")).squareRoot())
        }
        r.add("ttest(a, b)", "experiments",
              "Paired t-test of two matched lists: {t, p, df, mean} with a two-sided p-value (as scipy.stats.ttest_rel).",
              example: "ttest([0.81, 0.83, 0.8], [0.79, 0.8, 0.8]).p") { a in
            let t = try PairedTest(a: try numbers(a, "a"), b: try numbers(a, "b"))
            return .record([("t", .number(t.t)), ("p", .number(t.p)), ("df", .number(Double(t.degreesOfFreedom))),
                            ("mean", .number(t.meanDifference))])
        }
        r.add("bootstrap_ci(xs, level: 0.95, resamples: 10000, seed: 0)", "experiments",
              "Percentile bootstrap interval of the mean of `xs` as [low, high] (seeded resampling).",
              example: "bootstrap_ci([0.02, 0.03, 0.01, 0.025])") { a in
            let xs = try numbers(a, "xs")
            let level = try a.number("level")
            guard level > 0 && level < 1 else { throw CMCLError("level must be between 0 and 1", argument: .label("level")) }
            let resamples = try a.int("resamples")
            guard resamples > 0 && resamples <= 10_000_000 else { throw CMCLError("resamples must be between 1 and 10000000", argument: .label("resamples")) }
            let ci = try PairedTest(a: xs, b: xs.map { _ in 0 }).bootstrapInterval(level: level, resamples: resamples,
                                                                                   seed: UInt64(max(0, try a.int("seed"))))
            return .list([.number(ci.low), .number(ci.high)])
        }
    }

    static func numbers(_ a: Arguments, _ name: String) throws -> [Double] {
        try a.list(name).map { v in
            guard case .number(let n) = v else { throw a.typeError(name, "a list of numbers", v) }
            return n
        }
    }
}
