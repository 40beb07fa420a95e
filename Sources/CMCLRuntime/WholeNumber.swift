/// The one conversion of a number a user wrote to a Swift `Int`: the value must be finite,
/// whole and within the given bounds (never beyond ±9e15, where doubles stop being exact and
/// `Int(_:)` would trap), and a refusal is a diagnostic on the argument that names it.
///
/// ```swift
/// let axis = try WholeNumber.int(v, argument: "axis")                 // any whole number
/// let n = try WholeNumber.int(v, argument: "n", from: 0)             // a count
/// let size = try WholeNumber.int(v, argument: "shape", from: -1, what: "reshape sizes")
/// ```
enum WholeNumber {
    /// The largest magnitude accepted anywhere.
    static let limit = 9_000_000_000_000_000.0

    static func int(_ v: Value, argument: String, from low: Int? = nil, to high: Int? = nil, what: String? = nil) throws -> Int {
        guard case .number(let n) = v else {
            throw CMCLError("\(what ?? "argument `\(argument)`") must be \(range(low, high)), got \(Display.describe(v))",
                            argument: .label(argument))
        }
        return try int(n, argument: argument, from: low, to: high, what: what)
    }

    static func int(_ n: Double, argument: String, from low: Int? = nil, to high: Int? = nil, what: String? = nil) throws -> Int {
        let lo = max(Double(low ?? Int.min), -limit), hi = min(Double(high ?? Int.max), limit)
        guard n.isFinite, n.rounded() == n, n >= lo, n <= hi else {
            throw CMCLError("\(what ?? "argument `\(argument)`") must be \(range(low, high)), got \(Display.number(n))",
                            argument: .label(argument))
        }
        return Int(n)
    }

    static func range(_ low: Int?, _ high: Int?) -> String {
        switch (low, high) {
        case (nil, nil): return "a whole number"
        case (let l?, nil): return l == 0 ? "a whole number ≥ 0" : "a whole number ≥ \(l)"
        case (nil, let h?): return "a whole number ≤ \(h)"
        case (let l?, let h?): return "a whole number from \(l) to \(h)"
        }
    }
}
