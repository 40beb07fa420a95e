import Foundation

/// Axis ranges, tick positions and tick labels.
enum Scale {
    /// `lo…hi` widened by 5% each side (a flat range around its value).
    static func padded(_ lo: Double, _ hi: Double) -> (Double, Double) {
        guard lo.isFinite, hi.isFinite else { return (0, 1) }
        if hi == lo { return lo == 0 ? (-1, 1) : (lo - abs(lo) * 0.1, hi + abs(hi) * 0.1) }
        let pad = (hi - lo) * 0.05
        return (lo - pad, hi + pad)
    }

    /// About `count` round tick values inside `lo…hi` (steps of 1, 2 or 5 × 10^k).
    /// `integral`: only whole-number ticks (an axis of steps or levels).
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5, integral: Bool = false) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite, count > 0 else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integral { step = max(1, step.rounded()) }
        var out: [Double] = []
        var t = ceil(lo / step) * step
        while t <= hi + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// `lo…hi` widened to round values (multiples of the tick step).
    static func nice(_ lo: Double, _ hi: Double, count: Int = 5) -> (Double, Double) {
        let t = ticks(lo, hi, count: count)
        guard t.count >= 2 else { return (lo, hi) }
        let step = t[1] - t[0]
        return ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step)
    }

    /// A short label: up to 4 significant digits, no trailing zeros.
    static func label(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v == v.rounded(), abs(v) < 1e6 { return String(Int(v)) }
        let a = abs(v)
        if a >= 1e6 || a < 1e-3 { return String(format: "%.2g", v) }
        var s = String(format: a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : a >= 1 ? "%.3f" : "%.4f", v)
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
