import CMCLBase
import CMCLLang
import Foundation

extension Interpreter {
    /// Binary operators on any values: numbers, strings, lists, then native objects.
    public func binary(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
        switch (l, r) {
        case (.number(let x), .number(let y)):
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide: return .number(x / y)
            case .modulo:
                let m = x.truncatingRemainder(dividingBy: y)
                return .number(m != 0 && (m < 0) != (y < 0) ? m + y : m)
            case .power: return .number(Foundation.pow(x, y))
            case .less: return .bool(x < y)
            case .lessEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterEqual: return .bool(x >= y)
            case .equal: return .bool(x == y)
            case .notEqual: return .bool(x != y)
            case .matmul: break
            }
        default: break
        }
        if op == .equal { return .bool(try equal(l, r)) }
        if op == .notEqual { return .bool(!(try equal(l, r))) }
        if case .object(let o) = l, let v = try native({ try o.binary(op, r, reversed: false) }) { return v }
        if case .object(let o) = r, let v = try native({ try o.binary(op, l, reversed: true) }) { return v }
        switch (op, l, r) {
        case (.add, .string(let a), .string(let b)):
            try SizeLimit.checkString(Double(a.utf8.count) + Double(b.utf8.count), "this `+`")
            return .string(a + b)
        case (.add, .string(let a), _), (.add, _, .string(let a)):
            let other = (l.isString ? r : l)
            throw CMCLError("cannot add a string and \(Display.describe(other))",
                            hint: l.isString ? "convert with `str(x)`: \"\(a.prefix(12))\" + str(x)" : "convert with `str(x)`")
        case (.add, .list(let a), .list(let b)):
            return .list(ListObject(a.items + b.items))
        case (.multiply, .list(let a), .number(let n)), (.multiply, .number(let n), .list(let a)):
            guard n >= 0, n.rounded() == n else {
                throw CMCLError("a list can only be repeated a whole, non-negative number of times")
            }
            try SizeLimit.checkList(Double(a.items.count) * n, "this repetition")
            if a.items.isEmpty { return .list(ListObject([])) }
            var items: [Value] = []
            items.reserveCapacity(a.items.count * Int(n))
            for i in 0..<Int(n) {
                if a.items.count > 0xFFFF { try Interrupt.check() } else { try Interrupt.poll(i * a.items.count) }
                items.append(contentsOf: a.items)
            }
            return .list(ListObject(items))
        case (.multiply, .string(let s), .number(let n)):
            guard n >= 0, n.rounded() == n else {
                throw CMCLError("a string can only be repeated a whole, non-negative number of times")
            }
            try SizeLimit.checkString(Double(s.utf8.count) * n, "this repetition")
            if s.isEmpty { return .string("") }
            return .string(String(repeating: s, count: Int(n)))
        case (.less, .string(let a), .string(let b)): return .bool(a < b)
        case (.lessEqual, .string(let a), .string(let b)): return .bool(a <= b)
        case (.greater, .string(let a), .string(let b)): return .bool(a > b)
        case (.greaterEqual, .string(let a), .string(let b)): return .bool(a >= b)
        default:
            var hint: String?
            if op == .matmul { hint = "`@` multiplies tensors: make them with `tensor([...])`" }
            throw CMCLError("cannot apply `\(op.rawValue)` to \(Display.describe(l)) and \(Display.describe(r))", hint: hint)
        }
    }

    public func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.not, _): return .bool(!v.isTruthy)
        case (.negate, .number(let n)): return .number(-n)
        case (.plus, .number(let n)): return .number(n)
        case (_, .object(let o)):
            if let r = try native({ try o.unary(op) }) { return r }
        default: break
        }
        throw CMCLError("cannot apply unary `\(op.rawValue)` to \(Display.describe(v))")
    }

    /// Structural equality for scalars, lists and records; identity for objects and functions.
    public func equal(_ l: Value, _ r: Value) throws -> Bool {
        var active = Set<PairKey>()
        return try equal(l, r, &active)
    }

    struct PairKey: Hashable {
        let a: ObjectIdentifier
        let b: ObjectIdentifier
    }

    /// `active` holds the container pairs being compared: meeting one again (values that
    /// contain each other) counts as equal instead of recursing forever.
    func equal(_ l: Value, _ r: Value, _ active: inout Set<PairKey>) throws -> Bool {
        switch (l, r) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            if a === b { return true }
            guard a.items.count == b.items.count else { return false }
            let key = PairKey(a: ObjectIdentifier(a), b: ObjectIdentifier(b))
            if active.contains(key) { return true }
            active.insert(key)
            defer { active.remove(key) }
            for (x, y) in zip(a.items, b.items) where !(try equal(x, y, &active)) { return false }
            return true
        case (.record(let a), .record(let b)):
            if a === b { return true }
            guard a.keys.count == b.keys.count else { return false }
            let key = PairKey(a: ObjectIdentifier(a), b: ObjectIdentifier(b))
            if active.contains(key) { return true }
            active.insert(key)
            defer { active.remove(key) }
            for (k, v) in a.pairs {
                guard let w = b[k], try equal(v, w, &active) else { return false }
            }
            return true
        case (.closure(let a), .closure(let b)): return a === b
        case (.builtin(let a), .builtin(let b)): return a.builtin === b.builtin
        case (.object(let a), _):
            if case .object(let b) = r, a === b { return true }
            if let v = try a.binary(.equal, r, reversed: false) { return v.isTruthy }
            return false
        default: return false
        }
    }

    /// Resolves a possibly negative index against `count`.
    func position(_ v: Value, count: Int, what: String) throws -> Int {
        guard case .number(let n) = v else {
            throw CMCLError("\(what) index must be a number, got \(Display.describe(v))")
        }
        guard n.rounded() == n else { throw CMCLError("\(what) index must be a whole number, got \(Display.number(n))") }
        let i = abs(n) < 9e15 ? (Int(n) < 0 ? Int(n) + count : Int(n)) : -1
        guard i >= 0, i < count else {
            throw CMCLError("index \(Display.number(n)) is out of range for a \(what) of length \(count)",
                            hint: count == 0 ? "the \(what) is empty" : "valid indices are 0…\(count - 1), or -\(count)…-1 from the end")
        }
        return i
    }

    /// Python slice semantics.
    static func sliceIndices(count: Int, start: Int?, stop: Int?, step: Int?) -> [Int] {
        let step = step ?? 1
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var v else { return dflt }
            if v < 0 { v += count }
            return min(max(v, lo), hi)
        }
        if step > 0 {
            let a = clamp(start, 0, lo: 0, hi: count), b = clamp(stop, count, lo: 0, hi: count)
            return a < b ? Array(stride(from: a, to: b, by: step)) : []
        }
        let a = clamp(start, count - 1, lo: -1, hi: count - 1), b = clamp(stop, -1, lo: -1, hi: count - 1)
        return a > b ? Array(stride(from: a, to: b, by: step)) : []
    }

    public func index(_ object: Value, _ items: [IndexValue]) throws -> Value {
        switch object {
        case .list(let l):
            guard items.count == 1 else {
                throw CMCLError("a list takes one index, got \(items.count)", hint: "for nested lists write `xs[i][j]`")
            }
            switch items[0] {
            case .single(let v): return l.items[try position(v, count: l.items.count, what: "list")]
            case .slice(let a, let b, let s):
                return .list(ListObject(Interpreter.sliceIndices(count: l.items.count, start: a, stop: b, step: s).map { l.items[$0] }))
            }
        case .string(let s):
            guard items.count == 1 else { throw CMCLError("a string takes one index") }
            let chars = Array(s)
            switch items[0] {
            case .single(let v): return .string(String(chars[try position(v, count: chars.count, what: "string")]))
            case .slice(let a, let b, let st):
                return .string(String(Interpreter.sliceIndices(count: chars.count, start: a, stop: b, step: st).map { chars[$0] }))
            }
        case .record(let r):
            guard items.count == 1, case .single(let k) = items[0], case .string(let key) = k else {
                throw CMCLError("a record is indexed by a field name string: r[\"name\"]")
            }
            guard let v = r[key] else {
                throw CMCLError("record has no field \"\(key)\"", hint: Suggestion.hint(for: key, in: r.keys))
            }
            return v
        case .object(let o):
            if let v = try native({ try o.index(items) }) { return v }
            throw CMCLError("a \(o.typeName) cannot be indexed")
        default:
            throw CMCLError("\(Display.describe(object)) cannot be indexed")
        }
    }

    public func setIndex(_ object: Value, _ items: [IndexValue], _ value: Value) throws {
        switch object {
        case .list(let l):
            guard items.count == 1, case .single(let v) = items[0] else {
                throw CMCLError("list element assignment takes one index")
            }
            l.items[try position(v, count: l.items.count, what: "list")] = value
        case .record(let r):
            guard items.count == 1, case .single(let k) = items[0], case .string(let key) = k else {
                throw CMCLError("a record is indexed by a field name string: r[\"name\"] = v")
            }
            r[key] = value
        case .object(let o):
            if try native({ try o.setIndex(items, to: value) }) { return }
            throw CMCLError("elements of a \(o.typeName) cannot be assigned")
        default:
            throw CMCLError("\(Display.describe(object)) does not support element assignment")
        }
    }

    /// What `for x in value` visits.
    public func elements(of value: Value) throws -> [Value] {
        switch value {
        case .list(let l): return l.items
        case .string(let s): return s.map { .string(String($0)) }
        case .record(let r): return r.keys.map { .string($0) }
        case .object(let o):
            if let items = try native({ try o.elements() }) { return items }
            throw CMCLError("a \(o.typeName) cannot be iterated")
        default:
            throw CMCLError("cannot iterate over \(Display.describe(value))",
                            hint: "loop over a list, a range, a string, a record's keys or a dataset")
        }
    }
}

extension Value {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}

/// Runs a native object's hook, turning engine errors into cmcl errors.
@inline(__always)
func native<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw CMCLError.passing(error)
    }
}
