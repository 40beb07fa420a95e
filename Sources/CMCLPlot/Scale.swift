import Foundation

/// Axis ranges, tick positions and tick labels.
enum Scale {
    /// The largest magnitude an axis end may have (widening ±1e308 by 5% must not reach
    /// infinity); positions are computed by `fraction`, which cannot overflow.
    static let limit = Double.greatestFiniteMagnitude

    /// `lo…hi` widened by 5% each side (a flat range around its value), within ±`limit`.
    static func padded(_ lo: Double, _ hi: Double) -> (Double, Double) {
        guard lo.isFinite, hi.isFinite else { return (0, 1) }
        if hi == lo { return lo == 0 ? (-1, 1) : clamped(lo - abs(lo) * 0.1, hi + abs(hi) * 0.1) }
        let pad = hi * 0.05 - lo * 0.05
        return clamped(lo - pad, hi + pad)
    }

    static func clamped(_ lo: Double, _ hi: Double) -> (Double, Double) {
        (min(max(lo, -limit), limit), min(max(hi, -limit), limit))
    }

    /// Where `v` lies in `lo…hi` (0 at lo, 1 at hi), computed so that it cannot overflow; 0
    /// for an empty range or a NaN.
    static func fraction(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
        let f = (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5)
        return f.isNaN ? 0 : min(max(f, -1e6), 1e6)
    }

    /// `x` rounded to an Int that cannot trap (NaN → 0, clamped to ±1e9).
    static func index(_ x: Double) -> Int {
        x.isNaN ? 0 : Int(min(max(x, -1e9), 1e9).rounded())
    }

    /// About `count` round tick values inside `lo…hi` (steps of 1, 2 or 5 × 10^k).
    /// `integral`: only whole-number ticks (an axis of steps or levels).
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5, integral: Bool = false) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite, count > 0 else { return [lo] }
        let raw = (hi * 0.5 - lo * 0.5) / Double(count) * 2
        guard raw.isFinite, raw > 0 else { return [lo] }
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

    /// The values an axis labels, most important first: its two ends, then the round ticks
    /// between them (a tick at an end is that end). Renderers place them in this order and
    /// leave out a tick whose label would touch one already placed, so the ends are always
    /// labelled. `single`: an axis around one value (a single evaluation) is labelled there only.
    static func axisValues(_ lo: Double, _ hi: Double, count: Int, integral: Bool = false, single: Double? = nil) -> [Double] {
        if let v = single { return [v] }
        guard hi > lo else { return [lo] }
        let inside = ticks(lo, hi, count: count, integral: integral).filter { t in
            let f = fraction(t, lo, hi)
            return f > 1e-9 && f < 1 - 1e-9
        }
        return [lo, hi] + inside
    }

    /// `lo…hi` widened to round values (multiples of the tick step).
    static func nice(_ lo: Double, _ hi: Double, count: Int = 5) -> (Double, Double) {
        let t = ticks(lo, hi, count: count)
        guard t.count >= 2 else { return (lo, hi) }
        let step = t[1] - t[0]
        let a = (lo / step).rounded(.down) * step, b = (hi / step).rounded(.up) * step
        // Round away the binary noise of the multiplication (0.6000000000000001).
        func clean(_ v: Double) -> Double { Double(String(format: "%.12g", v)) ?? v }
        let (x, y) = (clean(a), clean(b))
        return x.isFinite && y.isFinite && x < y ? (x, y) : (lo, hi)
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
