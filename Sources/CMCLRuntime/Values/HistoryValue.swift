import CMCLNN
import Foundation

/// A training history: per-step losses and parts, per-evaluation metrics.
public final class HistoryValue: NativeObject {
    let history: TrainingHistory
    init(_ history: TrainingHistory) { self.history = history }
    public var typeName: String { "History" }
    public var length: Int? { history.steps.count }

    public var fieldNames: [String] { ["losses", "objective", "steps", "evals", "best", "seconds", "stopped_early", "parts"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "losses": return .list(history.taskLosses.map { .number($0) })
        case "objective": return .list(history.losses.map { .number($0) })
        case "steps":
            return .list(history.steps.map { s in
                // Epochs count from 1, as in the progress line and the History table.
                .record([("step", .number(Double(s.step))), ("epoch", .number(Double(s.epoch + 1))), ("loss", .number(s.taskLoss)),
                         ("objective", .number(s.loss)), ("lr", .number(s.learningRate)), ("grad_norm", .number(s.gradientNorm))]
                        + s.parts.sorted { $0.key < $1.key }.filter { $0.key != "loss" }.map { ($0.key, .number($0.value)) })
            })
        case "evals":
            return .list(history.evaluations.map(HistoryValue.record))
        case "best": return history.best.map(HistoryValue.record) ?? .null
        case "seconds": return .number(history.seconds)
        case "stopped_early": return .bool(history.stoppedEarly)
        case "parts":
            let names = Set(history.steps.flatMap { $0.parts.keys }).sorted()
            return .record(names.map { n in (n, .list(history.steps.map { .number($0.parts[n] ?? .nan) })) })
        default: return nil
        }
    }

    static func record(_ e: EvaluationRecord) -> Value {
        .record([("step", .number(Double(e.step))), ("epoch", .number(Double(e.epoch + 1)))]
                + e.metrics.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
    }

    public func display(_ style: DisplayStyle) -> String {
        var out = "History: \(history.steps.count) steps"
        if history.stoppedEarly { out += " (stopped early)" }
        if let last = history.steps.last {
            out += ", final loss \(String(format: "%.4f", last.taskLoss))"
            if let name = last.objectiveName { out += " (\(name) \(String(format: "%.4f", last.loss)))" }
        }
        let metricNames = Set(history.evaluations.flatMap { $0.metrics.keys }).sorted()
        if !history.evaluations.isEmpty {
            func row(_ cells: [String]) -> String {
                (cells.dropLast().map { $0.padding(toLength: 10) } + [cells.last ?? ""]).joined(separator: " ")
            }
            out += "\n" + row(["step", "epoch", "train_loss"] + metricNames.map { $0 == "loss" ? "dev_loss" : $0 })
            let shown = history.evaluations.count > 12
                ? Array(history.evaluations.prefix(6)) + Array(history.evaluations.suffix(6)) : history.evaluations
            for e in shown {
                let loss = history.steps.last(where: { $0.step <= e.step })?.taskLoss ?? .nan
                var cells = [String(e.step), String(e.epoch + 1), String(format: "%.4f", loss)]
                cells += metricNames.map { String(format: "%.4f", e.metrics[$0] ?? .nan) }
                out += "\n" + row(cells)
            }
            if let b = history.best, let m = history.bestMetric, let v = b.metrics[m] {
                out += "\nbest \(m) \(String(format: "%.4f", v)) at step \(b.step) (weights restored)"
            }
        }
        return out
    }
}
