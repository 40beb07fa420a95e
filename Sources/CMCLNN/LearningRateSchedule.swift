import Foundation

/// How many steps a schedule warms up: a count, or a fraction of the total (rounded up, as the
/// Hugging Face trainer does).
public enum Warmup: Sendable, Equatable {
    /// A fixed number of steps.
    case steps(Int)
    /// A fraction of the total number of steps.
    case ratio(Double)

    /// The number of warm-up steps in a run of `totalSteps`.
    public func steps(total totalSteps: Int) -> Int {
        switch self {
        case let .steps(n): return Swift.max(0, n)
        case let .ratio(r):
            // Out-of-range or non-finite ratios (only reachable by building the case directly) clamp to [0, 1].
            let clamped = r.isFinite ? Swift.min(Swift.max(r, 0), 1) : 0
            return Int((Double(Swift.max(totalSteps, 0)) * clamped).rounded(.up))
        }
    }
}

/// A learning-rate multiplier as a function of the step, matching the Hugging Face schedules
/// (`get_constant_schedule_with_warmup`, `get_linear_schedule_with_warmup`,
/// `get_cosine_schedule_with_warmup`): step `s` (0-based, the s-th optimizer update) uses
/// `baseLR · factor(s)`.
///
/// ```swift
/// let schedule = try LearningRateSchedule.linear(warmup: .ratio(0.06))     // warmup_linear(ratio: 0.06)
/// schedule.factor(step: 0, totalSteps: 100)    // 0.0
/// schedule.factor(step: 6, totalSteps: 100)    // 1.0
/// ```
public enum LearningRateSchedule: Sendable, Equatable {
    /// A constant rate, optionally after a linear warm-up.
    case constant(warmup: Warmup)
    /// Linear warm-up from 0, then linear decay to 0 at the last step.
    case linear(warmup: Warmup)
    /// Linear warm-up, then a half-cosine decay to `minFactor`.
    case cosine(warmup: Warmup, minFactor: Double)

    /// A constant schedule without warm-up.
    public static let flat = LearningRateSchedule.constant(warmup: .steps(0))

    /// A validated linear warm-up/decay schedule.
    public static func warmupLinear(ratio: Double? = nil, steps: Int? = nil) throws -> LearningRateSchedule {
        .linear(warmup: try warmup(ratio: ratio, steps: steps, op: "warmup_linear"))
    }

    /// A validated cosine schedule.
    public static func warmupCosine(ratio: Double? = nil, steps: Int? = nil, minFactor: Double = 0) throws -> LearningRateSchedule {
        guard minFactor >= 0, minFactor <= 1 else {
            throw NNError.invalidHyperparameter(op: "cosine", name: "min_factor", value: minFactor, requirement: "must be in [0, 1]")
        }
        return .cosine(warmup: try warmup(ratio: ratio, steps: steps, op: "cosine"), minFactor: minFactor)
    }

    static func warmup(ratio: Double?, steps: Int?, op: String) throws -> Warmup {
        switch (ratio, steps) {
        case let (r?, nil):
            guard r >= 0, r <= 1 else { throw NNError.invalidHyperparameter(op: op, name: "ratio", value: r, requirement: "must be in [0, 1]") }
            return .ratio(r)
        case let (nil, s?):
            guard s >= 0 else { throw NNError.invalidHyperparameter(op: op, name: "steps", value: Double(s), requirement: "must be >= 0") }
            return .steps(s)
        case (nil, nil): return .steps(0)
        case (_?, _?):
            throw NNError.invalidHyperparameter(op: op, name: "ratio", value: ratio ?? 0, requirement: "give either ratio or steps, not both")
        }
    }

    /// The multiplier of the base rate at 0-based `step` in a run of `totalSteps`.
    public func factor(step: Int, totalSteps: Int) -> Double {
        let total = Swift.max(totalSteps, 1)
        switch self {
        case let .constant(w):
            let ws = w.steps(total: total)
            return step < ws ? Double(step) / Double(Swift.max(1, ws)) : 1
        case let .linear(w):
            let ws = w.steps(total: total)
            if step < ws { return Double(step) / Double(Swift.max(1, ws)) }
            return Swift.max(0, Double(total - step) / Double(Swift.max(1, total - ws)))
        case let .cosine(w, minFactor):
            let ws = w.steps(total: total)
            if step < ws { return Double(step) / Double(Swift.max(1, ws)) }
            let progress = Double(step - ws) / Double(Swift.max(1, total - ws))
            let c = Swift.max(0, 0.5 * (1 + Foundation.cos(Double.pi * progress)))
            return minFactor + (1 - minFactor) * c
        }
    }

    /// The learning rate at `step` for base rate `base`.
    public func rate(base: Double, step: Int, totalSteps: Int) -> Double { base * factor(step: step, totalSteps: totalSteps) }
}
