import CMCLBase
import CMCLLang
import Foundation

/// The language's own builtins: output, inspection, numbers, lists, records and strings.
enum CoreBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("core", title: "Core")
        r.category("math", title: "Numbers")
        r.category("list", title: "Lists, records and strings")
        registerCore(r)
        registerMath(r)
        registerCollections(r)
        registerStrings(r)
    }

    static func registerCore(_ r: BuiltinRegistry) {
        r.add("print(values..., sep: \" \", end: \"\\n\")", "core", "Writes the values, separated by `sep`.",
              example: "print(\"loss\", 0.25)   # loss 0.25") { a in
            if let rich = a.interpreter.richOutput, a.rest.count == 1, case .object(let o as any RichDisplay) = a.rest[0] {
                rich(o)
                return .null
            }
            let text = a.rest.map { Display.render($0, .print) }.joined(separator: try a.string("sep"))
            a.interpreter.output(text + (try a.string("end")))
            return .null
        }
        r.add("len(x)", "core", "Number of elements of a list, string, record, range, tensor or dataset.",
              example: "len([1, 2, 3])   # 3") { a in
            let v = try a.value("x")
            switch v {
            case .list(let l): return .number(Double(l.items.count))
            case .string(let s): return .number(Double(s.count))
            case .record(let rec): return .number(Double(rec.keys.count))
            case .object(let o):
                if let n = o.length { return .number(Double(n)) }
            default: break
            }
            throw a.typeError("x", "something with a length", v)
        }
        r.add("range(start, stop: nil, step: 1)", "core",
              "Numbers from `start` up to (not including) `stop`; `range(n)` counts 0…n-1.",
              example: "for i in range(3) { print(i) }") { a in
            var start = try a.number("start")
            var stop: Double
            if let s = try a.optionalNumber("stop") { stop = s } else { stop = start; start = 0 }
            let step = try a.number("step")
            guard step != 0 else { throw CMCLError("range step cannot be zero", argument: .label("step")) }
            if !start.isFinite || !stop.isFinite { throw CMCLError("range bounds must be finite") }
            stop = stop + 0
            let count = ((stop - start) / step).rounded(.up)
            if count > RangeObject.maximumCount {
                throw CMCLError("range(\(Display.number(start)), \(Display.number(stop)), \(Display.number(step))) would hold \(Display.number(count)) numbers; the most is 2^53 (\(Display.number(RangeObject.maximumCount)))",
                                hint: "beyond 2^53, numbers are no longer exact whole numbers")
            }
            return .object(RangeObject(start: start, stop: stop, step: step))
        }
        r.add("type(x)", "core", "The name of a value's type.", example: "type(1.5)   # \"number\"") { a in
            .string(try a.value("x").typeName)
        }
        r.add("str(x)", "core", "The value as text, as `print` shows it.", example: "str([1, 2])   # \"[1, 2]\"") { a in
            .string(Display.render(try a.value("x"), .print))
        }
        r.add("repr(x)", "core", "The value as the REPL shows it (strings quoted).",
              example: "repr(\"a\")   # \"\\\"a\\\"\"") { a in
            .string(Display.render(try a.value("x"), .repl))
        }
        r.add("assert(condition, message: \"assertion failed\")", "core",
              "Stops with an error when `condition` is false.", example: "assert(1 + 1 == 2)") { a in
            if !(try a.value("condition")).isTruthy {
                throw CMCLError(try a.string("message"), argument: .position(0))
            }
            return .null
        }
        r.add("error(message)", "core", "Stops with an error carrying `message`.",
              example: "if x < 0 { error(\"x must be positive\") }") { a in
            throw CMCLError(try a.string("message"))
        }
        r.add("time(f, repeat: 1, label: nil)", "core",
              "Runs `f()` (`repeat` times), prints how long one run took, and returns its value.",
              example: "time(fn() => fib(20))") { a in
            let f = try a.callable("f")
            let n = max(1, try a.int("repeat"))
            var result = Value.null
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n { result = try a.call(f, []) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(n)
            let label = try a.optionalString("label").map { "\($0): " } ?? "time: "
            a.interpreter.output(label + Display.duration(seconds) + (n > 1 ? " per run (\(n) runs)" : "") + "\n")
            return result
        }
        r.add("clock()", "core", "Seconds since an arbitrary start, for measuring intervals.",
              example: "let t0 = clock()") { _ in
            .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
        r.add("help(name)", "core", "The documentation of a builtin, as text.", example: "print(help(\"range\"))") { a in
            // `help(fit)` as well as `help("fit")`.
            let name: String
            if case .builtin(let b) = try a.value("name") { name = b.builtin.name } else { name = try a.string("name") }
            if let v = a.interpreter.registry.documentedValue(name) { return .string(v.text) }
            if a.interpreter.registry.lookup(name) == nil, let m = a.interpreter.registry.methods(named: name).first {
                return .string(Help.text(for: m))
            }
            guard let b = a.interpreter.registry.lookup(name) else {
                throw CMCLError("no builtin named `\(name)`",
                                hint: Suggestion.hint(for: name, in: a.interpreter.registry.all.map(\.name)))
            }
            return .string(Help.text(for: b))
        }
    }

    static func registerMath(_ r: BuiltinRegistry) {
        let unary: [(String, String, (Double) -> Double)] = [
            ("abs", "Absolute value.", { Swift.abs($0) }),
            ("sqrt", "Square root.", { $0.squareRoot() }),
            ("exp", "e to the power x.", { Foundation.exp($0) }),
            ("log", "Natural logarithm.", { Foundation.log($0) }),
            ("log2", "Base-2 logarithm.", { Foundation.log2($0) }),
            ("log10", "Base-10 logarithm.", { Foundation.log10($0) }),
            ("sin", "Sine (radians).", { Foundation.sin($0) }),
            ("cos", "Cosine (radians).", { Foundation.cos($0) }),
            ("tanh", "Hyperbolic tangent.", { Foundation.tanh($0) }),
            ("floor", "Largest whole number not above x.", { $0.rounded(.down) }),
            ("ceil", "Smallest whole number not below x.", { $0.rounded(.up) }),
        ]
        for (name, doc, f) in unary {
            r.add("\(name)(x)", "math", doc, example: "\(name)(2)") { a in
                let v = try a.value("x")
                if case .number(let n) = v { return .number(f(n)) }
                if case .object = v, let m = a.interpreter.registry.member(of: v.typeName, name) {
                    return try a.interpreter.invoke(m, [v], named: [])
                }
                throw a.typeError("x", "a number", v)
            }
        }
        r.add("round(x, digits: 0)", "math", "Rounds to `digits` decimals (halves away from zero).",
              example: "round(3.14159, digits: 2)   # 3.14") { a in
            let x = try a.number("x"), digits = try a.int("digits")
            if digits > 300 { return .number(x) }
            if digits < -300 { return .number(0) }
            let p = Foundation.pow(10, Double(digits))
            let r = (x * p).rounded() / p
            return .number(r.isFinite ? r : x)
        }
        r.add("pow(x, y)", "math", "x to the power y.", example: "pow(2, 10)   # 1024") { a in
            .number(Foundation.pow(try a.number("x"), try a.number("y")))
        }
        r.add("min(values..., **options)", "math", "The smallest of the arguments, of one list, or of a tensor (`axis:`); NaN if any is NaN.", example: "min(3, 1, 2)   # 1") { a in
            try extremum(a, less: true)
        }
        r.add("max(values..., **options)", "math", "The largest of the arguments, of one list, or of a tensor (`axis:`); NaN if any is NaN.", example: "max([3, 1, 2])   # 3") { a in
            try extremum(a, less: false)
        }
        r.add("isnan(x)", "math", "Whether x is not a number.", example: "isnan(0 / 0)   # true") { a in
            .bool(try a.number("x").isNaN)
        }
        r.add("int(x)", "math", "x truncated towards zero; parses strings. `nan` and `inf` have no integer: an error.",
              example: "int(\"42\")   # 42") { a in
            let v = try a.value("x")
            func whole(_ n: Double) throws -> Value {
                guard n.isFinite else { throw CMCLError("\(Display.number(n)) has no integer value", argument: .position(0)) }
                return .number(n.rounded(.towardZero))
            }
            switch v {
            case .number(let n): return try whole(n)
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                if let n = Double(s.trimmingWhitespace()) { return try whole(n) }
                throw CMCLError("cannot read \(StringEscape.quoted(s)) as a number", argument: .position(0))
            default: throw a.typeError("x", "a number or a string", v)
            }
        }
        r.add("num(x)", "math", "Parses a string as a number (numbers pass through).", example: "num(\"2.5e-3\")   # 0.0025") { a in
            let v = try a.value("x")
            switch v {
            case .number: return v
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                if let n = Double(s.trimmingWhitespace()) { return .number(n) }
                throw CMCLError("cannot read \(StringEscape.quoted(s)) as a number", argument: .position(0))
            default: throw a.typeError("x", "a number or a string", v)
            }
        }
    }

    /// Forwards `f(x, **options)` to the method `f` of x's type (e.g. `sum(t, axis: 1)` on a tensor).
    static func forward(_ name: String, _ a: Arguments, _ x: Value) throws -> Value? {
        guard case .object = x, let m = a.interpreter.registry.member(of: x.typeName, name) else { return nil }
        return try a.interpreter.invoke(m, [x], named: a.options)
    }

    static func extremum(_ a: Arguments, less: Bool) throws -> Value {
        if a.rest.count == 1, let v = try forward(less ? "min" : "max", a, a.rest[0]) { return v }
        if !a.options.isEmpty {
            throw CMCLError("`\(less ? "min" : "max")` takes options such as `axis:` only for tensors")
        }
        var items = a.rest
        if items.count == 1, case .list(let l) = items[0] { items = l.items }
        guard var best = items.first else {
            throw CMCLError("`\(less ? "min" : "max")` needs at least one value")
        }
        // A NaN anywhere makes the result NaN, whatever the order (as numpy's min and max).
        if let nan = items.first(where: { if case .number(let x) = $0 { return x.isNaN } else { return false } }) { return nan }
        for v in items.dropFirst() {
            let b = try a.interpreter.binary(less ? .less : .greater, v, best)
            if b.isTruthy { best = v }
        }
        return best
    }

    static func registerCollections(_ r: BuiltinRegistry) {
        r.add("map(xs, f)", "list", "A list of `f(x)` for each element.", example: "map([1, 2], fn(x) => x * 10)   # [10, 20]") { a in
            let f = try a.callable("f")
            return .list(try a.interpreter.elements(of: try a.value("xs")).map { try a.call(f, [$0]) })
        }
        r.add("filter(xs, f)", "list", "The elements for which `f(x)` is true.",
              example: "filter(range(6), fn(x) => x % 2 == 0)   # [0, 2, 4]") { a in
            let f = try a.callable("f")
            return .list(try a.interpreter.elements(of: try a.value("xs")).filter { try a.call(f, [$0]).isTruthy })
        }
        r.add("reduce(xs, f, initial)", "list", "Folds `f(acc, x)` over the elements from `initial`.",
              example: "reduce([1, 2, 3], fn(a, x) => a + x, 0)   # 6") { a in
            let f = try a.callable("f")
            var acc = try a.value("initial")
            for x in try a.interpreter.elements(of: try a.value("xs")) { acc = try a.call(f, [acc, x]) }
            return acc
        }
        r.add("sum(xs, **options)", "list", "The sum of the elements (numbers, or anything with `+`); tensors take `axis:`.",
              example: "sum([1, 2, 3])   # 6") { a in
            let xs = try a.value("xs")
            if let v = try forward("sum", a, xs) { return v }
            var total = Value.number(0)
            for x in try a.interpreter.elements(of: xs) { total = try a.interpreter.binary(.add, total, x) }
            return total
        }
        r.add("mean(xs, **options)", "list", "The arithmetic mean of a list of numbers; tensors take `axis:`.",
              example: "mean([1, 2, 3, 4])   # 2.5") { a in
            let xs = try a.value("xs")
            if let v = try forward("mean", a, xs) { return v }
            let items = try a.interpreter.elements(of: xs)
            guard !items.isEmpty else { throw CMCLError("the mean of an empty list is undefined") }
            var total = 0.0
            for x in items {
                guard case .number(let n) = x else { throw CMCLError("mean needs numbers, got \(Display.describe(x))") }
                total += n
            }
            return .number(total / Double(items.count))
        }
        r.add("append(xs, value)", "list", "Adds `value` at the end of the list (in place) and returns the list.",
              example: "let xs = [1]\nxs.append(2)   # [1, 2]") { a in
            let v = try a.value("xs")
            guard case .list(let l) = v else { throw a.typeError("xs", "a list", v) }
            l.items.append(try a.value("value"))
            return v
        }
        r.add("pop(xs)", "list", "Removes and returns the last element.", example: "[1, 2].pop()   # 2") { a in
            let v = try a.value("xs")
            guard case .list(let l) = v else { throw a.typeError("xs", "a list", v) }
            guard let last = l.items.popLast() else { throw CMCLError("pop from an empty list") }
            return last
        }
        r.add("sorted(xs, key: nil, reverse: false)", "list", "A sorted copy; `key` maps elements to sort keys; NaN sorts after every other number.",
              example: "sorted([3, 1, 2])   # [1, 2, 3]") { a in
            var items = try a.interpreter.elements(of: try a.value("xs"))
            let key = try a.optional("key")
            let keys = try items.map { item in try key.map { k in try a.call(k, [item]) } ?? item }
            var order = Array(items.indices)
            var comparisons = 0
            try order.sort { i, j in
                // Sorting millions of elements takes seconds: stop at Ctrl-C.
                comparisons += 1
                try Interrupt.poll(comparisons)
                // NaN compares false with everything; ordering it last keeps the order a strict one.
                if case .number(let x) = keys[i], case .number(let y) = keys[j], x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
                return try a.interpreter.binary(.less, keys[i], keys[j]).isTruthy
            }
            items = order.map { items[$0] }
            if try a.bool("reverse") { items.reverse() }
            return .list(items)
        }
        r.add("reversed(xs)", "list", "The elements in reverse order.", example: "reversed([1, 2, 3])   # [3, 2, 1]") { a in
            .list(try a.interpreter.elements(of: try a.value("xs")).reversed())
        }
        r.add("zip(xs, ys)", "list", "Pairs of corresponding elements, as two-element lists.",
              example: "zip([1, 2], [\"a\", \"b\"])   # [[1, \"a\"], [2, \"b\"]]") { a in
            let xs = try a.interpreter.elements(of: try a.value("xs")), ys = try a.interpreter.elements(of: try a.value("ys"))
            var pairs: [Value] = []
            pairs.reserveCapacity(min(xs.count, ys.count))
            for (i, (x, y)) in zip(xs, ys).enumerated() {
                try Interrupt.poll(i)
                pairs.append(.list([x, y]))
            }
            return .list(pairs)
        }
        r.add("enumerate(xs)", "list", "Pairs `[index, element]`.", example: "for p in enumerate([\"a\"]) { print(p[0], p[1]) }") { a in
            try .list(a.interpreter.elements(of: try a.value("xs")).enumerated().map { i, x in
                try Interrupt.poll(i)
                return .list([.number(Double(i)), x])
            })
        }
        r.add("list(xs)", "list", "The elements of any iterable as a new list.", example: "list(range(3))   # [0, 1, 2]") { a in
            .list(try a.interpreter.elements(of: try a.value("xs")))
        }
        r.add("contains(xs, value)", "list", "Whether a list, string or record (by key) contains `value`.",
              example: "contains([1, 2], 2)   # true") { a in
            let xs = try a.value("xs"), v = try a.value("value")
            switch (xs, v) {
            case (.string(let s), .string(let t)): return .bool(s.contains(t))
            case (.record(let rec), .string(let k)): return .bool(rec[k] != nil)
            default:
                for (i, x) in try a.interpreter.elements(of: xs).enumerated() {
                    try Interrupt.poll(i + 1)
                    if try a.interpreter.equal(x, v) { return .bool(true) }
                }
                return .bool(false)
            }
        }
        r.add("keys(r)", "list", "The field names of a record, in order.", example: "keys({lr: 1, epochs: 2})   # [\"lr\", \"epochs\"]") { a in
            .list(try a.record("r").keys.map { .string($0) })
        }
        r.add("values(r)", "list", "The field values of a record, in order.", example: "values({lr: 1, epochs: 2})   # [1, 2]") { a in
            .list(try a.record("r").values)
        }
        r.add("items(r)", "list", "`[key, value]` pairs of a record.", example: "items({a: 1})   # [[\"a\", 1]]") { a in
            .list(try a.record("r").pairs.map { .list([.string($0.0), $0.1]) })
        }
        r.add("get(r, key, default: nil)", "list", "A record's field, or `default` when absent.",
              example: "get({a: 1}, \"b\", default: 0)   # 0") { a in
            try a.record("r")[try a.string("key")] ?? (try a.value("default"))
        }
        r.add("merge(r, other)", "list", "A new record with the fields of `r` overridden by `other`.",
              example: "merge({lr: 1, epochs: 2}, {lr: 3})   # {lr: 3, epochs: 2}") { a in
            let out = RecordObject(try a.record("r").pairs)
            for (k, v) in try a.record("other").pairs { out[k] = v }
            return .record(out)
        }
    }

    static func registerStrings(_ r: BuiltinRegistry) {
        r.add("join(xs, sep: \"\")", "list", "The elements as text, joined by `sep`.", example: "join([\"a\", \"b\"], sep: \"-\")   # \"a-b\"") { a in
            let parts = try a.interpreter.elements(of: try a.value("xs")).enumerated().map { i, x in
                try Interrupt.poll(i)
                return Display.render(x, .print)
            }
            let sep = try a.string("sep")
            let total = parts.reduce(Double(max(0, parts.count - 1)) * Double(sep.utf8.count)) { $0 + Double($1.utf8.count) }
            try SizeLimit.checkString(total, "this join")
            return .string(parts.joined(separator: sep))
        }
        r.add("split(s, sep: nil)", "list", "Splits a string on `sep` (default: runs of whitespace).",
              example: "split(\"a b  c\")   # [\"a\", \"b\", \"c\"]") { a in
            let s = try a.string("s")
            if let sep = try a.optionalString("sep"), !sep.isEmpty {
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
            // Runs of whitespace separate; a loop rather than `split`, to poll Ctrl-C on huge strings.
            var parts: [Value] = []
            var start: String.Index?
            var step = 0
            for i in s.indices {
                step += 1
                try Interrupt.poll(step)
                if s[i].isWhitespace {
                    if let b = start { parts.append(.string(String(s[b..<i]))); start = nil }
                } else if start == nil {
                    start = i
                }
            }
            if let b = start { parts.append(.string(String(s[b...]))) }
            return .list(parts)
        }
        r.add("upper(s)", "list", "Upper-case copy.", example: "upper(\"abc\")   # \"ABC\"") { a in .string(try a.string("s").uppercased()) }
        r.add("lower(s)", "list", "Lower-case copy.", example: "lower(\"ABC\")   # \"abc\"") { a in .string(try a.string("s").lowercased()) }
        r.add("strip(s)", "list", "Copy without leading and trailing whitespace.", example: "strip(\"  a \")   # \"a\"") { a in
            .string(try a.string("s").trimmingWhitespace())
        }
        r.add("replace(s, old, new)", "list", "Copy with every `old` replaced by `new`.",
              example: "replace(\"a-b\", \"-\", \"+\")   # \"a+b\"") { a in
            let old = try a.string("old"), new = try a.string("new"), s = try a.string("s")
            guard !old.isEmpty else { throw CMCLError("`old` cannot be empty", argument: .label("old")) }
            return .string(try SizeLimit.replacing(old, with: new, in: s))
        }
        r.add("startswith(s, prefix)", "list", "Whether `s` starts with `prefix`.", example: "startswith(\"cmcl\", \"cm\")   # true") { a in
            .bool(try a.string("s").hasPrefix(try a.string("prefix")))
        }
        r.add("endswith(s, suffix)", "list", "Whether `s` ends with `suffix`.", example: "endswith(\"a.cmcl\", \".cmcl\")   # true") { a in
            .bool(try a.string("s").hasSuffix(try a.string("suffix")))
        }
        r.add("format(template, values...)", "list",
              "Fills `{}` placeholders in order; `{:.3f}`, `{:.2e}`, `{:.1%}`, `{:>8}` and `{:<8}` format them.",
              example: "format(\"acc {:.1%} after {} steps\", 0.8765, 100)   # \"acc 87.6% after 100 steps\"") { a in
            .string(try Formatter.format(try a.string("template"), a.rest))
        }
    }
}
