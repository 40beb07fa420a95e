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
            throw CMCLError("\(what ?? "argument `\(argument)`") must be \(range(low, high, plural: what != nil)), got \(Display.describe(v))",
                            argument: .label(argument))
        }
        return try int(n, argument: argument, from: low, to: high, what: what)
    }

    static func int(_ n: Double, argument: String, from low: Int? = nil, to high: Int? = nil, what: String? = nil) throws -> Int {
        let lo = max(Double(low ?? Int.min), -limit), hi = min(Double(high ?? Int.max), limit)
        guard n.isFinite, n.rounded() == n, n >= lo, n <= hi else {
            throw CMCLError("\(what ?? "argument `\(argument)`") must be \(range(low, high, plural: what != nil)), got \(Display.number(n))",
                            argument: .label(argument))
        }
        return Int(n)
    }

    /// `a whole number from 0 to 9`, or `whole numbers from 0 to 9` for a plural `what`.
    static func range(_ low: Int?, _ high: Int?, plural: Bool = false) -> String {
        let noun = plural ? "whole numbers" : "a whole number"
        switch (low, high) {
        case (nil, nil): return noun
        case (let l?, nil): return "\(noun) ≥ \(l)"
        case (nil, let h?): return "\(noun) ≤ \(h)"
        case (let l?, let h?): return "\(noun) from \(l) to \(h)"
        }
    }
}
