import CMCLData
import CMCLNN
import CMCLTasks
import CMCLTensor
import Foundation

/// `fit(...)`: argument handling, data preparation and progress display around `Trainer`.
enum Training {
    static func fit(_ a: Arguments) throws -> Value {
        let run = try FitArguments(a)
        let model = run.model.module
        let precision = try PrecisionArgument.resolve(a)
        let lossFunction = run.loss?.function ?? TaskLoss.standard()
        let optimizer = try run.optimizer.make()

        // Tokenize once; batch (with a per-epoch shuffle) each epoch.
        let source = try batchSource(run.data, size: run.batchSize, tokenizer: run.tokenizer, maxLength: run.maxLength,
                                     seed: run.seed, cropSteps: run.cropSteps)
        var evaluate: ((Module) throws -> [String: Double])?
        // What the evaluations found besides their metrics (collapses to one class), kept by the engine.
        let log = TaskMetrics.Log()
        if let dev = run.eval, let qa = try ModelBuiltins.answerText(dev) {
            let size = max(run.batchSize, 16)
            evaluate = { m in try ModelBuiltins.answers(qa, m, batchSize: size, precision: precision).scores() }
        } else if let dev = run.eval {
            let devBatches = try ModelBuiltins.batches(dev, size: max(run.batchSize, 64), tokenizer: run.tokenizer,
                                                       maxLength: run.maxLength, shuffleSeed: nil)
            var names = run.metrics
            // keep_best may name any metric of the head (mcc, spearman …), evaluated alongside.
            if let best = run.keepBest, !names.contains(best), let text = model as? TextModel {
                names = (names.isEmpty ? TaskMetrics.defaults(for: text.head) : names) + [best]
            }
            evaluate = TaskMetrics.evaluator(batches: devBatches, metrics: try ModelBuiltins.resolvedMetrics(model, names),
                                             precision: precision, log: log)
        }
        var options = TrainingOptions(epochs: run.epochs ?? (run.steps == nil ? 1 : nil), steps: run.steps,
                                      evaluateEvery: run.every, keepBest: run.keepBest, higherIsBetter: run.keepBestPrefersHigher,
                                      seed: run.seed, maxGradientNorm: run.clip)
        options.dropout = run.dropout
        let onNaN = try a.string("on_nan")
        guard let policy = NonFinitePolicy(rawValue: onNaN) else {
            throw CMCLError("on_nan must be \"stop\", \"skip\" or \"continue\", not \"\(onNaN)\"", argument: .label("on_nan"))
        }
        options.onNonFinite = policy
        options.precision = precision
        let trainer = try Trainer(model: model, optimizer: optimizer, schedule: run.schedule, options: options)

        let vm = a.interpreter
        if let drop = run.loss?.drop,
           model.dropoutSites().isEmpty || (drop.rate == nil && !model.dropoutSites().contains { ($0.rate ?? 0) > 0 }) {
            let levels = (0...drop.steps).map { "l_\($0)" }.joined(separator: " = ")
            vm.output("warning: \(drop) on a model without dropout: every variant computes the same loss (\(levels)); "
                      + "give the model dropout or the operator a rate (cmpdrop(\(drop.steps), p: 0.1))\n")
        }
        let mode = try a.value("progress")
        let display = ProgressDisplay(output: vm.progressOutput ?? vm.errorOutput, terminal: vm.progressOutput != nil || vm.errorIsTerminal,
                                      enabled: mode.isTruthy, every: vm.progressEvery)
        try Interrupt.check()  // a Ctrl-C before training (e.g. between two `fit` calls in a loop) stops here
        let history: TrainingHistory
        do {
            history = try trainer.fit(data: source, loss: lossFunction, evaluate: evaluate,
                                      shouldStop: { Interrupt.isRequested },
                                      progress: { display.update($0) })
        } catch {
            display.endLine()
            if let e = error as? NNError, case .nonFiniteLoss = e {
                throw CMCLError("\(e)", hint: "lower the learning rate or check the data; `on_nan: \"skip\"` skips such steps, `on_nan: \"continue\"` trains on")
            }
            throw error
        }
        display.finish(history)
        // Warn when the final evaluation collapsed (an early collapse the run recovered from is history).
        if let (index, last) = log.collapses.last, index == log.evaluations {
            let n = log.evaluations, earlier = log.collapses.count - 1
            let when = n == 1 ? ": \(last)" : " at the last of \(n) evaluations"
                + (earlier > 0 ? " (and \(earlier) before it)" : "") + ": \(last)"
            vm.collapses.append("\(last)")
            vm.errorOutput("warning: the model collapsed to one class\(when); try a lower learning rate or a warm-up "
                           + "(optimizer: adamw(lr: 5e-5), schedule: warmup_linear(ratio: 0.06))\n")
        }
        if history.skippedSteps > 0 {
            let n = history.skippedSteps
            vm.errorOutput("warning: \(n) step\(n == 1 ? "" : "s") with a NaN or infinite loss \(n == 1 ? "was" : "were") skipped (on_nan: \"skip\")\n")
        }
        if history.stoppedEarly && Interrupt.isRequested {
            // The flag stays set: the interruption stops the script (exit 130) or the REPL cell.
            let done = history.steps.count
            vm.errorOutput("interrupted: training stopped after step \(done) of \(history.plannedSteps); the model was changed "
                           + "(it keeps the weights of step \(done), so later measurements see a partly trained model)"
                           + (vm.isAtTopLevel ? "; a `let` of this call keeps its History (stopped_early: true)" : "") + "\n")
            if vm.isAtTopLevel { vm.interruptedPartial = .object(HistoryValue(history)) }
            throw CMCLError.interrupted
        }
        return .object(HistoryValue(history))
    }

    static func batchSource(_ data: Value, size: Int, tokenizer: Value?, maxLength: Int, seed: UInt64, cropSteps: Int = 0) throws -> BatchSource {
        if case .list(let l) = data { return BatchSource(try l.items.map { try ModelBuiltins.nnBatch($0) }, shuffle: true) }
        return BatchSource(try ModelBuiltins.pipeline(data, tokenizer: tokenizer, maxLength: maxLength, cropSteps: cropSteps),
                           batchSize: size, seed: seed)
    }
}

/// Training progress: one line updated in place on a terminal; otherwise a line per
/// evaluation, and with `every` a line every so many seconds, so logs stay short and a long run
/// is not silent.
final class ProgressDisplay {
    let output: (String) -> Void
    let terminal: Bool
    let enabled: Bool
    let every: Double?
    var lastDraw = Date.distantPast
    var lastLine = Date()
    var drewInPlace = false

    init(output: @escaping (String) -> Void, terminal: Bool, enabled: Bool, every: Double?) {
        self.output = output
        self.terminal = terminal
        self.enabled = enabled
        self.every = every
    }

    /// Whether a timed line is due off a terminal (and, if so, starts the next interval).
    func lineDue() -> Bool {
        guard let every, Date().timeIntervalSince(lastLine) >= every else { return false }
        lastLine = Date()
        return true
    }

    func line(_ p: TrainingProgress) -> String {
        // `loss` is the task loss l_0 in every mode, so runs compare; a ranking loss or an
        // objective with a regulariser is shown under its own name.
        var s = "epoch \(p.epoch + 1)/\(p.totalEpochs)  step \(p.step)/\(p.totalSteps)  loss \(String(format: "%.4f", p.taskLoss ?? p.loss))"
        if let name = p.objectiveName { s += "  \(name) \(String(format: "%.4f", p.loss))" }
        if let name = p.metricName, let v = p.metricValue { s += "  \(name) \(String(format: "%.4f", v))" }
        return s
    }

    func update(_ p: TrainingProgress) {
        guard enabled else { return }
        if terminal {
            let now = Date()
            guard p.isEvaluation || p.step == p.totalSteps || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            var s = line(p) + String(format: "  %.1f steps/s", p.stepsPerSecond)
            // The last step reports the time taken, not "0 µs left".
            if p.step >= p.totalSteps { s += "  done" } else if p.secondsRemaining.isFinite { s += "  " + Display.duration(p.secondsRemaining) + " left" }
            output("\r\u{1B}[K" + s)
            drewInPlace = true
        } else if p.isEvaluation {
            output(line(p) + "\n")
            lastLine = Date()
        } else if p.step < p.totalSteps, lineDue() {
            output(line(p) + (p.secondsRemaining.isFinite ? "  " + Display.duration(p.secondsRemaining) + " left" : "") + "\n")
        }
    }

    /// A count-based line for work other than training (`ablation_curve: batch 3/10 …`),
    /// drawn in place on a terminal only; `endLine()` ends it.
    func update(label: String, done: Int, total: Int, since start: Date) {
        guard enabled else { return }
        if !terminal {
            if done < total, done > 0, lineDue() {
                let elapsed = Date().timeIntervalSince(start)
                output("\(label)  \(done)/\(total)  " + Display.duration(elapsed / Double(done) * Double(total - done)) + " left\n")
            }
            return
        }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        var s = "\(label)  \(done)/\(total)"
        if done >= total {
            s += "  done in " + Display.duration(elapsed)
        } else if done > 0, elapsed > 0 {
            s += "  " + Display.duration(elapsed / Double(done) * Double(total - done)) + " left"
        }
        output("\r\u{1B}[K" + s)
        drewInPlace = true
    }

    /// Ends an in-place progress line (before an error is reported under it).
    func endLine() {
        if enabled && terminal && drewInPlace { output("\n") }
        drewInPlace = false
    }

    func finish(_ h: TrainingHistory) {
        guard enabled else { return }
        if terminal && drewInPlace { output("\n") }
        if !terminal && h.evaluations.isEmpty, let last = h.steps.last {
            output("trained \(h.steps.count) steps, final loss \(String(format: "%.4f", last.taskLoss))"
                   + (last.objectiveName.map { ", \($0) \(String(format: "%.4f", last.loss))" } ?? "") + "\n")
        }
    }
}
