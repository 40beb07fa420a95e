import CMCLLang
import CMCLTensor
import Foundation

/// A tensor as a cmcl value.
public final class TensorValue: NativeObject {
    public let tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { "Tensor" }
    public var length: Int? { tensor.shape.first ?? 0 }
    public var isTruthy: Bool { tensor.count > 0 }

    public func display(_ style: DisplayStyle) -> String { TensorFormatter.format(tensor, style: style) }

    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        let t = tensor
        if case .number(let s) = other {
            switch (op, reversed) {
            case (.add, _): return wrap(try t.add(s))
            case (.multiply, _): return wrap(try t.mul(s))
            case (.subtract, false): return wrap(try t.sub(s))
            case (.subtract, true): return wrap(try t.rsub(s))
            case (.divide, false): return wrap(try t.div(s))
            case (.divide, true): return wrap(try t.rdiv(s))
            case (.power, false): return wrap(try t.pow(s))
            case (.power, true): return wrap(try Tensor(scalar: s, dtype: t.dtype).pow(t))
            case (.less, false), (.greater, true): return wrap(try t.lt(s))
            case (.lessEqual, false), (.greaterEqual, true): return wrap(try t.le(s))
            case (.greater, false), (.less, true): return wrap(try t.gt(s))
            case (.greaterEqual, false), (.lessEqual, true): return wrap(try t.ge(s))
            case (.equal, _): return wrap(try t.eq(s))
            case (.notEqual, _): return wrap(try t.ne(s))
            default: return nil
            }
        }
        guard case .object(let o) = other, let u = (o as? TensorValue)?.tensor else {
            if case .list = other {
                throw CMCLError("cannot apply `\(op.rawValue)` to a Tensor and a list",
                                hint: "make the list a tensor first: tensor([...])")
            }
            return nil
        }
        let (a, b) = reversed ? (u, t) : (t, u)
        switch op {
        case .add: return wrap(try a.add(b))
        case .subtract: return wrap(try a.sub(b))
        case .multiply: return wrap(try a.mul(b))
        case .divide: return wrap(try a.div(b))
        case .power: return wrap(try a.pow(b))
        case .matmul: return wrap(try a.matmul(b))
        case .less: return wrap(try a.lt(b))
        case .lessEqual: return wrap(try a.le(b))
        case .greater: return wrap(try a.gt(b))
        case .greaterEqual: return wrap(try a.ge(b))
        case .equal: return wrap(try a.eq(b))
        case .notEqual: return wrap(try a.ne(b))
        case .modulo: return nil
        }
    }

    public func unary(_ op: UnaryOperator) throws -> Value? {
        switch op {
        case .negate: return wrap(try tensor.neg())
        case .plus: return .object(self)
        case .not: return nil
        }
    }

    public func index(_ items: [IndexValue]) throws -> Value? {
        var components: [TensorIndex] = []
        for item in items {
            switch item {
            case .slice(let start, let stop, let step):
                components.append(.range(start: start, end: stop, step: step ?? 1))
            case .single(let v):
                switch v {
                case .number(let n):
                    guard n.rounded() == n, abs(n) < 9e15 else {
                        throw CMCLError("tensor index must be a whole number, got \(Display.number(n))")
                    }
                    components.append(.at(Int(n)))
                case .null:
                    components.append(.newAxis)
                case .object(let o as TensorValue):
                    components.append(.indices(try o.tensor.to(.int32)))
                case .list(let l):
                    let ints = try l.items.map { item -> Int32 in
                        guard case .number(let n) = item, n.rounded() == n, abs(n) < 2e9 else {
                            throw CMCLError("index lists must hold whole numbers, got \(Display.describe(item))")
                        }
                        return Int32(n)
                    }
                    components.append(.indices(try Tensor(ints: ints, shape: [ints.count])))
                default:
                    throw CMCLError("a tensor is indexed by numbers, slices, index lists, index tensors or nil (new axis); got \(Display.describe(v))")
                }
            }
        }
        return wrap(try tensor.index(components))
    }

    public func setIndex(_ items: [IndexValue], to value: Value) throws -> Bool {
        throw CMCLError("tensors are immutable: element assignment is not supported",
                        hint: "build a new tensor, e.g. with `where(mask, value, t)` or `masked_fill(t, mask, v)`")
    }

    public func elements() throws -> [Value]? {
        guard let n = tensor.shape.first else { throw CMCLError("cannot iterate over a 0-d tensor", hint: "use `t.item()`") }
        return try (0..<n).map { wrap(try tensor.select(axis: 0, index: $0)) }
    }

    func wrap(_ t: Tensor) -> Value { .object(TensorValue(t)) }
}

/// numpy-like rendering of tensors: shape, dtype and elided middles for big tensors.
enum TensorFormatter {
    static func format(_ t: Tensor, style: DisplayStyle) -> String {
        let values = t.toDoubles()
        let shape = t.shape
        let isInt = t.dtype == .int32
        let finite = values.filter { $0.isFinite }
        let allIntegral = finite.allSatisfy { $0 == $0.rounded() }
        let maxAbs = finite.map { Swift.abs($0) }.max() ?? 0
        let minAbs = finite.filter { $0 != 0 }.map { Swift.abs($0) }.min() ?? 0
        let scientific = !isInt && (maxAbs >= 1e8 || (minAbs > 0 && minAbs < 1e-4))
        func cell(_ v: Double) -> String {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            if isInt { return String(Int(v)) }
            if scientific { return String(format: "%.\(style.precision)e", v) }
            let text = allIntegral ? String(format: "%.0f.", v) : String(format: "%.\(style.precision)f", v)
            // A value that rounds to zero shows as 0, not -0.0000.
            if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
            return text
        }
        let summarize = values.count > 1000
        let edge = 3
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        /// Which elements are shown (a big tensor shows only its corners, so formatting a
        /// 3000 × 3000 tensor formats a few dozen numbers, not nine million).
        func shownIndices(_ n: Int) -> [Int] { summarize && n > 2 * edge ? Array(0..<edge) + Array((n - edge)..<n) : Array(0..<n) }
        var cells: [Int: String] = [:]
        func collect(_ dim: Int, _ offset: Int) {
            if shape.isEmpty || dim == shape.count { cells[offset] = cell(values[offset]); return }
            for i in shownIndices(shape[dim]) { collect(dim + 1, offset + i * strides[dim]) }
        }
        if !values.isEmpty { collect(0, 0) }
        let width = cells.values.map(\.count).max() ?? 1
        func render(_ dim: Int, _ offset: Int, _ indent: Int) -> String {
            if shape.isEmpty { return cells[0] ?? "" }
            let n = shape[dim]
            let idx = shownIndices(n)
            let elided = idx.count < n
            if dim == shape.count - 1 {
                var parts = idx.map { i -> String in
                    let c = cells[offset + i] ?? ""
                    return String(repeating: " ", count: width - c.count) + c
                }
                if elided { parts.insert("...", at: edge) }
                return "[" + parts.joined(separator: ", ") + "]"
            }
            var rows = idx.map { render(dim + 1, offset + $0 * strides[dim], indent + 1) }
            if elided { rows.insert("...", at: edge) }
            let sep = "," + String(repeating: "\n", count: shape.count - dim - 1) + String(repeating: " ", count: indent + 1)
            return "[" + rows.joined(separator: sep) + "]"
        }
        var out = "tensor(" + render(0, 0, 7)
        var notes: [String] = []
        if shape.count != 1 || values.count > 6 || true { notes.append("shape: \(shape)") }
        if t.dtype != .float32 { notes.append("dtype: \(t.dtype)") }
        if t.requiresGrad { notes.append("requires_grad: true") }
        out += ", " + notes.joined(separator: ", ") + ")"
        return out
    }
}
