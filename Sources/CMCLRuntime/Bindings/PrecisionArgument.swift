import CMCLBase
import CMCLTensor

/// The `precision:` argument of `fit`, `evaluate`, `predict`, `ablation_curve` and `experiment`:
/// "fp32" or "bf16" (``Precision``); nil means the session's (`:precision` in the REPL).
public enum PrecisionArgument {
    /// The spelling resolved (and checked against the CPU), with a did-you-mean for near misses.
    public static func parse(_ spelled: String) throws -> Precision {
        if let p = Precision(rawValue: spelled.lowercased()) {
            do { try p.check() } catch let e as TensorError { throw CMCLError("\(e)", argument: .label("precision")) }
            return p
        }
        throw Arguments.unknownName(spelled, what: "precision", among: Precision.allCases.map(\.rawValue), argument: "precision")
    }

    /// The call's precision: its `precision:` argument, else the session's (checked when it was set).
    static func resolve(_ a: Arguments) throws -> Precision {
        try a.optionalString("precision").map(parse) ?? a.interpreter.precision
    }
}
