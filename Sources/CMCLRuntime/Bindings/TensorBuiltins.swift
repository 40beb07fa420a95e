import CMCLBase
import CMCLLang
import CMCLNN
import CMCLTensor
import Foundation

/// Tensor creation, operations and autodiff, bound to cmcl names.
enum TensorBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("tensor", title: "Tensors")
        r.category("autodiff", title: "Gradients")
        registerCreation(r)
        registerProperties(r)
        registerOps(r)
        registerAutodiff(r)
    }

    // MARK: Argument helpers

    static func tensor(_ v: Value, _ name: String) throws -> Tensor {
        switch v {
        case .object(let o as TensorValue): return o.tensor
        case .number(let n): return Tensor(scalar: n)
        case .list: return try fromList(v, dtype: .float32)
        default: throw CMCLError("argument `\(name)` must be a tensor, got \(Display.describe(v))", argument: .label(name))
        }
    }

    static func tensor(_ a: Arguments, _ name: String) throws -> Tensor { try tensor(try a.value(name), name) }

    /// A tensor from nested lists; a flat list of numbers goes straight to the values (and stops
    /// at Ctrl-C without building anything in between).
    static func fromList(_ v: Value, dtype: DType) throws -> Tensor {
        if case .list(let l) = v {
            var values: [Double] = []
            values.reserveCapacity(l.items.count)
            for (i, x) in l.items.enumerated() {
                try Interrupt.poll(i + 1)
                switch x {
                case .number(let n): values.append(n)
                case .bool(let b): values.append(b ? 1 : 0)
                default: return try Tensor(nested: try nested(v), dtype: dtype)
                }
            }
            return try Tensor(values: values, shape: [values.count], dtype: dtype)
        }
        return try Tensor(nested: try nested(v), dtype: dtype)
    }

    /// The most dimensions nested lists may give a tensor; deeper nesting (a list that contains
    /// itself is infinitely deep) is an error, not a stack overflow.
    static let maxNesting = 64

    static func nested(_ v: Value, depth: Int = 0) throws -> NestedValue {
        switch v {
        case .number(let n): return .number(n)
        case .bool(let b): return .number(b ? 1 : 0)
        case .list(let l):
            guard depth < maxNesting else {
                throw CMCLError("tensor data is nested more than \(maxNesting) lists deep (does a list contain itself?)")
            }
            return .list(try l.items.enumerated().map { i, x in
                try Interrupt.poll(i + 1)
                return try nested(x, depth: depth + 1)
            })
        case .object(let o as TensorValue): return try nested(toList(o.tensor))
        default: throw CMCLError("tensor data must be numbers or nested lists of numbers, got \(Display.describe(v))")
        }
    }

    static func toList(_ t: Tensor) -> Value {
        let values = t.toDoubles()
        func build(_ dim: Int, _ offset: Int, _ strides: [Int]) -> Value {
            if dim == t.shape.count { return .number(values[offset]) }
            return .list((0..<t.shape[dim]).map { build(dim + 1, offset + $0 * strides[dim], strides) })
        }
        var strides = [Int](repeating: 1, count: t.shape.count)
        for i in stride(from: t.shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * t.shape[i + 1] }
        return build(0, 0, strides)
    }

    static func wrap(_ t: Tensor) -> Value { .object(TensorValue(t)) }

    static func dtype(_ a: Arguments) throws -> DType? {
        guard let s = try a.optionalString("dtype") else { return nil }
        guard let d = DType(rawValue: s) else {
            throw CMCLError("unknown dtype \"\(s)\"", hint: "use \"float32\", \"float64\" or \"int32\"", argument: .label("dtype"))
        }
        return d
    }

    /// A shape given as numbers (`zeros(2, 3)`) or one list (`zeros([2, 3])`).
    static func shape(_ values: [Value], what: String = "shape") throws -> [Int] {
        var items = values
        if items.count == 1, case .list(let l) = items[0] { items = l.items }
        return try items.map { v in
            try WholeNumber.int(v, argument: what, from: 0, to: 1_000_000_000_000, what: "\(what) sizes")
        }
    }

    /// `axis: 1`, `axis: [0, 1]` or nil.
    static func axes(_ a: Arguments, _ name: String = "axis") throws -> [Int]? {
        guard let v = try a.optional(name) else { return nil }
        switch v {
        case .number: return [try a.int(name)]
        case .list(let l):
            return try l.items.map { try WholeNumber.int($0, argument: name, what: "axes") }
        default: throw a.typeError(name, "an axis number or a list of axes", v)
        }
    }

    static func finish(_ t: Tensor, _ a: Arguments) throws -> Value {
        if a.has("requires_grad"), try a.bool("requires_grad") { return wrap(try t.requiringGrad()) }
        return wrap(t)
    }

    // MARK: Creation

    static func registerCreation(_ r: BuiltinRegistry) {
        r.add("tensor(data, dtype: \"float32\", requires_grad: false)", "tensor",
              "A tensor from nested lists of numbers (or a number).",
              example: "let t = tensor([[1, 2], [3, 4]])") { a in
            let d = try dtype(a) ?? .float32
            return try finish(try fromList(try a.value("data"), dtype: d), a)
        }
        r.add("zeros(shape..., dtype: \"float32\", requires_grad: false)", "tensor", "A tensor of zeros.",
              example: "zeros(2, 3)") { a in
            try finish(try Tensor.zeros(try shape(a.rest), dtype: try dtype(a) ?? .float32), a)
        }
        r.add("ones(shape..., dtype: \"float32\", requires_grad: false)", "tensor", "A tensor of ones.",
              example: "ones([2, 3])") { a in
            try finish(try Tensor.ones(try shape(a.rest), dtype: try dtype(a) ?? .float32), a)
        }
        r.add("full(shape, value, dtype: \"float32\", requires_grad: false)", "tensor", "A tensor filled with `value`.",
              example: "full([2, 2], 0.5)") { a in
            try finish(try Tensor.full(try shape([try a.value("shape")]), value: try a.number("value"),
                                       dtype: try dtype(a) ?? .float32), a)
        }
        r.add("arange(start, stop: nil, step: 1, dtype: \"float32\")", "tensor",
              "Evenly spaced values in [start, stop); `arange(n)` is 0…n-1.", example: "arange(5)") { a in
            var start = try a.number("start")
            var stop: Double
            if let s = try a.optionalNumber("stop") { stop = s } else { stop = start; start = 0 }
            return wrap(try Tensor.arange(start, stop, step: try a.number("step"), dtype: try dtype(a) ?? .float32))
        }
        r.add("eye(n, m: nil, dtype: \"float32\")", "tensor", "The identity matrix (n × m).", example: "eye(3)") { a in
            wrap(try Tensor.eye(try a.int("n"), try a.optionalInt("m"), dtype: try dtype(a) ?? .float32))
        }
        r.add("rand(shape..., requires_grad: false)", "tensor", "Uniform random numbers in [0, 1) from the seeded generator.",
              example: "seed(0)\nrand(2, 2)") { a in
            try finish(try Tensor.rand(try shape(a.rest), generator: a.interpreter.random), a)
        }
        r.add("randn(shape..., std: 1, requires_grad: false)", "tensor", "Normal random numbers (mean 0).",
              example: "randn(3, 4)") { a in
            try finish(try Tensor.normal(try shape(a.rest), std: try a.number("std"), generator: a.interpreter.random), a)
        }
        r.add("randint(low, high, shape...)", "tensor", "Random integers in [low, high) as an int32 tensor.",
              example: "randint(0, 10, 5)") { a in
            wrap(try Tensor.randint(try shape(a.rest), low: try a.int("low"), high: try a.int("high"), generator: a.interpreter.random))
        }
        r.add("bernoulli(shape, p)", "tensor", "0/1 draws that are 1 with probability `p`.",
              example: "bernoulli([4], 0.5)") { a in
            wrap(try Tensor.bernoulli(try shape([try a.value("shape")]), p: try a.number("p"), generator: a.interpreter.random))
        }
        r.add("uniform(shape, low: 0, high: 1)", "tensor",
              "Uniform draws; one draw can drive nested dropout masks at several rates.", example: "uniform([3], low: -1, high: 1)") { a in
            wrap(try Tensor.uniform(try shape([try a.value("shape")]), low: try a.number("low"), high: try a.number("high"),
                                    generator: a.interpreter.random))
        }
        r.add("randperm(n)", "tensor", "A random permutation of 0…n-1 (int32).", example: "randperm(5)") { a in
            wrap(try Tensor.randperm(try a.int("n", from: 0), generator: a.interpreter.random, stop: Interrupt.check))
        }
        r.add("seed(n)", "tensor", "Reseeds the session's random generator: the same seed gives the same numbers.",
              example: "seed(42)") { a in
            let n = try a.int("n")
            guard n >= 0 else { throw CMCLError("seed must be non-negative", argument: .label("n")) }
            a.interpreter.random.reseed(UInt64(n))
            return .null
        }
        r.add("init(shape, method: \"normal\", std: 0.02)", "tensor",
              "Initialised weights: \"normal\", \"truncated_normal\" (BERT), \"xavier\", \"xavier_normal\", \"kaiming\", \"kaiming_normal\".",
              example: "init([4, 3], method: \"xavier\")") { a in
            let s = try shape([try a.value("shape")])
            let std = try a.number("std")
            let g = a.interpreter.random
            switch try a.string("method") {
            case "normal": return wrap(try Init.normal(s, std: std, generator: g))
            case "truncated_normal": return wrap(try Init.truncatedNormal(s, std: std, generator: g))
            case "xavier": return wrap(try Init.xavierUniform(s, generator: g))
            case "xavier_normal": return wrap(try Init.xavierNormal(s, generator: g))
            case "kaiming": return wrap(try Init.kaimingUniform(s, generator: g))
            case "kaiming_normal": return wrap(try Init.kaimingNormal(s, generator: g))
            case let other:
                throw CMCLError("unknown initialiser \"\(other)\"", hint: Suggestion.hint(for: other, in:
                    ["normal", "truncated_normal", "xavier", "xavier_normal", "kaiming", "kaiming_normal"]), argument: .label("method"))
            }
        }
    }

    // MARK: Properties and conversions

    static func registerProperties(_ r: BuiltinRegistry) {
        r.add("Tensor.shape(self)", "tensor", "The size of each dimension, as a list.", example: "zeros(2, 3).shape   # [2, 3]",
              kind: .property) { a in
            .list(try tensor(a, "self").shape.map { .number(Double($0)) })
        }
        r.add("Tensor.ndim(self)", "tensor", "The number of dimensions.", example: "zeros(2, 3).ndim   # 2", kind: .property) { a in
            .number(Double(try tensor(a, "self").rank))
        }
        r.add("Tensor.size(self)", "tensor", "The number of elements.", example: "zeros(2, 3).size   # 6", kind: .property) { a in
            .number(Double(try tensor(a, "self").count))
        }
        r.add("Tensor.dtype(self)", "tensor", "The element type: \"float32\", \"float64\" or \"int32\".",
              example: "zeros(2).dtype", kind: .property) { a in
            .string(try tensor(a, "self").dtype.rawValue)
        }
        r.add("Tensor.T(self)", "tensor", "The transpose of the last two dimensions (a view).", example: "eye(2).T",
              kind: .property) { a in
            let t = try tensor(a, "self")
            return wrap(t.rank < 2 ? t : try t.transpose(-2, -1))
        }
        r.add("Tensor.grad(self)", "autodiff", "The gradient accumulated by `backward`, or nil.",
              example: "let w = randn(3, requires_grad: true)\nbackward(sum(w * w))\nw.grad", kind: .property) { a in
            try tensor(a, "self").grad.map(wrap) ?? .null
        }
        r.add("Tensor.requires_grad(self)", "autodiff", "Whether the tensor takes part in gradients.",
              example: "ones(2, requires_grad: true).requires_grad   # true", kind: .property) { a in
            .bool(try tensor(a, "self").requiresGrad)
        }
        r.add("item(t)", "tensor", "The single number of a one-element tensor.", example: "tensor([3]).item()   # 3") { a in
            .number(try tensor(a, "t").item())
        }
        r.add("tolist(t)", "tensor", "The elements as (nested) lists of numbers.", example: "eye(2).tolist()") { a in
            toList(try tensor(a, "t"))
        }
        r.add("astype(t, dtype)", "tensor", "A copy with another element type.", example: "arange(3).astype(\"int32\")") { a in
            guard let d = try dtype(a) else { throw CMCLError("missing dtype") }
            return wrap(try tensor(a, "t").to(d))
        }
    }

    // MARK: Operations

    static func registerOps(_ r: BuiltinRegistry) {
        let unary: [(String, String, (Tensor) throws -> Tensor)] = [
            ("relu", "max(0, x) elementwise.", { try $0.relu() }),
            ("gelu", "The GELU activation (erf form, as in BERT).", { try $0.gelu() }),
            ("sigmoid", "1 / (1 + e^-x) elementwise.", { try $0.sigmoid() }),
            ("square", "x² elementwise.", { try $0.square() }),
        ]
        for (name, doc, f) in unary {
            r.add("\(name)(x)", "tensor", doc, example: "\(name)(tensor([-1, 0, 2]))") { a in wrap(try f(try tensor(a, "x"))) }
        }
        // Math builtins (`exp`, `log`, …) dispatch to these when given a tensor.
        let math: [(String, (Tensor) throws -> Tensor)] = [
            ("abs", { try $0.abs() }), ("sqrt", { try $0.sqrt() }), ("exp", { try $0.exp() }), ("log", { try $0.log() }),
            ("tanh", { try $0.tanh() }),
        ]
        for (name, f) in math {
            r.add("Tensor.\(name)(self)", "tensor", "\(name) of every element.", example: "tensor([1, 4]).\(name)()") { a in
                wrap(try f(try tensor(a, "self")))
            }
        }
        let reductions: [(String, String, (Tensor, [Int]?, Bool) throws -> Tensor)] = [
            ("sum", "Sum over `axis` (all elements when nil).", { try $0.sum(axes: $1, keepDims: $2) }),
            ("mean", "Mean over `axis`.", { try $0.mean(axes: $1, keepDims: $2) }),
            ("max", "Maximum over `axis`.", { try $0.max(axes: $1, keepDims: $2) }),
            ("min", "Minimum over `axis`.", { try $0.min(axes: $1, keepDims: $2) }),
            ("logsumexp", "log Σ exp, computed stably, over `axis`.", { try $0.logsumexp(axes: $1, keepDims: $2) }),
        ]
        for (name, doc, f) in reductions {
            r.add("Tensor.\(name)(self, axis: nil, keepdims: false)", "tensor", doc,
                  example: "tensor([[1, 2], [3, 4]]).\(name)(axis: 1)") { a in
                wrap(try f(try tensor(a, "self"), try axes(a), try a.bool("keepdims")))
            }
        }
        r.add("Tensor.var(self, axis: nil, keepdims: false, correction: 1)", "tensor", "Variance over `axis` (unbiased by default).",
              example: "tensor([1, 2, 3, 4]).var()") { a in
            wrap(try tensor(a, "self").variance(axes: try axes(a), correction: try a.int("correction"), keepDims: try a.bool("keepdims")))
        }
        r.add("argmax(t, axis: nil, keepdims: false)", "tensor", "Index of the largest element (int32).",
              example: "argmax(tensor([[1, 5], [7, 2]]), axis: 1)") { a in
            wrap(try tensor(a, "t").argmax(axis: try a.optionalInt("axis"), keepDims: try a.bool("keepdims")))
        }
        r.add("argmin(t, axis: nil, keepdims: false)", "tensor", "Index of the smallest element (int32).",
              example: "argmin(tensor([3, 1, 2]))") { a in
            wrap(try tensor(a, "t").argmin(axis: try a.optionalInt("axis"), keepDims: try a.bool("keepdims")))
        }
        r.add("softmax(t, axis: -1)", "tensor", "Softmax along `axis`, computed stably.", example: "softmax(tensor([1, 2, 3]))") { a in
            wrap(try tensor(a, "t").softmax(axis: try a.int("axis")))
        }
        r.add("log_softmax(t, axis: -1)", "tensor", "log(softmax) along `axis`, computed stably.",
              example: "log_softmax(tensor([1, 2, 3]))") { a in
            wrap(try tensor(a, "t").logSoftmax(axis: try a.int("axis")))
        }
        r.add("matmul(a, b)", "tensor", "Matrix product with broadcast batch dimensions (also `a @ b`).",
              example: "matmul(eye(2), tensor([[1, 2], [3, 4]]))") { a in
            wrap(try tensor(a, "a").matmul(try tensor(a, "b")))
        }
        r.add("reshape(t, shape...)", "tensor", "The same elements in a new shape; one size may be -1.",
              example: "arange(6).reshape(2, -1)") { a in
            var items = a.rest
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            let s = try items.map { v -> Int in
                try WholeNumber.int(v, argument: "shape", from: -1, to: 1_000_000_000_000, what: "reshape sizes")
            }
            return wrap(try tensor(a, "t").reshape(s))
        }
        r.add("transpose(t, a: -2, b: -1)", "tensor", "Swaps two dimensions (a view).", example: "transpose(zeros(2, 3)).shape   # [3, 2]") { a in
            wrap(try tensor(a, "t").transpose(try a.int("a"), try a.int("b")))
        }
        r.add("permute(t, dims...)", "tensor", "Reorders the dimensions (a view).", example: "permute(zeros(2, 3, 4), 2, 0, 1).shape") { a in
            wrap(try tensor(a, "t").permute(try shape(a.rest, what: "permutation")))
        }
        r.add("flatten(t)", "tensor", "All elements in one dimension.", example: "flatten(eye(2))") { a in
            wrap(try tensor(a, "t").flatten())
        }
        r.add("squeeze(t, axis: nil)", "tensor", "Removes size-1 dimensions.", example: "squeeze(zeros(1, 3)).shape   # [3]") { a in
            wrap(try tensor(a, "t").squeeze(try a.optionalInt("axis")))
        }
        r.add("unsqueeze(t, axis)", "tensor", "Inserts a size-1 dimension.", example: "unsqueeze(zeros(3), 0).shape   # [1, 3]") { a in
            wrap(try tensor(a, "t").unsqueeze(try a.int("axis")))
        }
        r.add("concat(tensors, axis: 0)", "tensor", "Joins tensors along an existing dimension.",
              example: "concat([ones(2), zeros(2)])") { a in
            wrap(try Tensor.concat(try a.list("tensors").map { try tensor($0, "tensors") }, axis: try a.int("axis")))
        }
        r.add("stack(tensors, axis: 0)", "tensor", "Joins tensors along a new dimension.", example: "stack([ones(2), zeros(2)]).shape   # [2, 2]") { a in
            wrap(try Tensor.stack(try a.list("tensors").map { try tensor($0, "tensors") }, axis: try a.int("axis")))
        }
        r.add("where(condition, a, b)", "tensor", "Elementwise `a` where condition is non-zero, else `b`.",
              example: "let x = tensor([-1, 2])\nwhere(x > 0, x, 0)") { a in
            wrap(try Tensor.where(try tensor(a, "condition"), try tensor(a, "a"), try tensor(a, "b")))
        }
        r.add("clamp(t, min: nil, max: nil)", "tensor", "Limits every element to [min, max].",
              example: "clamp(tensor([-2, 0.5, 3]), min: 0, max: 1)") { a in
            let v = try a.value("t")
            if case .number(let n) = v {
                return .number(Swift.min(Swift.max(n, try a.optionalNumber("min") ?? -.infinity), try a.optionalNumber("max") ?? .infinity))
            }
            return wrap(try tensor(v, "t").clamp(min: try a.optionalNumber("min"), max: try a.optionalNumber("max")))
        }
        r.add("masked_fill(t, mask, value)", "tensor", "`value` where mask is non-zero, else t.",
              example: "masked_fill(zeros(3), tensor([1, 0, 1]), -1)") { a in
            wrap(try tensor(a, "t").maskedFill(try tensor(a, "mask"), value: try a.number("value")))
        }
        r.add("one_hot(labels, classes)", "tensor", "One-hot rows for integer labels.", example: "one_hot(tensor([0, 2], dtype: \"int32\"), 3)") { a in
            wrap(try tensor(a, "labels").to(.int32).oneHot(classes: try a.int("classes")))
        }
        r.add("gather(t, axis, indices)", "tensor", "Picks elements along `axis` at integer `indices`.",
              example: "gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], dtype: \"int32\"))") { a in
            wrap(try tensor(a, "t").gather(axis: try a.int("axis"), indices: try tensor(a, "indices").to(.int32)))
        }
        r.add("index_select(t, axis, indices)", "tensor", "Whole slices along `axis` at integer `indices`.",
              example: "index_select(eye(3), 0, tensor([2, 0], dtype: \"int32\"))") { a in
            wrap(try tensor(a, "t").indexSelect(axis: try a.int("axis"), indices: try tensor(a, "indices").to(.int32)))
        }
        r.add("embedding(table, ids)", "tensor",
              "Rows of `table` for integer `ids` (the gradient scatter-adds into the used rows); `embedding(count, dim)` makes an embedding layer.",
              example: "embedding(randn(10, 4), tensor([1, 3], dtype: \"int32\")).shape   # [2, 4]") { a in
            if case .number = try a.value("table") {
                return .object(ModelValue(try Embedding(try a.int("table"), try a.int("ids"), std: 0.02, generator: a.interpreter.random)))
            }
            return wrap(try tensor(a, "table").embedding(try tensor(a, "ids").to(.int32)))
        }
        r.add("pad(t, widths, value: 0)", "tensor", "Pads each dimension by [before, after] amounts.",
              example: "pad(ones(2), [[1, 1]])") { a in
            let widths = try a.list("widths").map { w -> (before: Int, after: Int) in
                let s = try shape([w], what: "padding")
                guard s.count == 2 else { throw CMCLError("each padding is [before, after]") }
                return (s[0], s[1])
            }
            return wrap(try tensor(a, "t").pad(widths, value: try a.number("value")))
        }
        r.add("layer_norm(x, weight: nil, bias: nil, eps: 1e-5)", "tensor",
              "Layer normalisation over the last dimension (fused); `layer_norm(dim)` makes a layer-norm layer.",
              example: "layer_norm(randn(2, 4))") { a in
            if case .number = try a.value("x") {
                return .object(ModelValue(try LayerNorm(try a.int("x"), eps: try a.number("eps"))))
            }
            let w = try a.optional("weight").map { try tensor($0, "weight") }
            let b = try a.optional("bias").map { try tensor($0, "bias") }
            return wrap(try tensor(a, "x").layerNorm(weight: w, bias: b, eps: try a.number("eps")))
        }
        r.add("dropout(x, p: 0.1, mask: nil, training: true)", "tensor",
              "Inverted dropout at rate p; with `mask` (0/1), applies that mask scaled by 1/(1-p); `dropout(p)` makes a dropout layer.",
              example: "seed(0)\ndropout(ones(6), p: 0.5)") { a in
            if case .number(let rate) = try a.value("x") { return .object(ModelValue(try Dropout(rate))) }
            let x = try tensor(a, "x")
            let p = try a.number("p")
            if let m = try a.optional("mask") {
                guard p < 1 else { throw CMCLError("p must be below 1", argument: .label("p")) }
                return wrap(try x.dropout(mask: try tensor(m, "mask"), scale: Float(1 / (1 - p))))
            }
            return wrap(try x.dropout(p: p, generator: a.interpreter.random, training: try a.bool("training")))
        }
        r.add("cross_entropy(logits, labels, reduction: \"mean\", ignore_index: -100)", "tensor",
              "Softmax cross-entropy of logits [N, C] against integer labels [N].",
              example: "cross_entropy(tensor([[2, 0], [0, 2]]), tensor([0, 1], dtype: \"int32\"))") { a in
            wrap(try tensor(a, "logits").crossEntropy(labels: try tensor(a, "labels").to(.int32),
                                                      ignoreIndex: try a.int("ignore_index"), reduction: try reduction(a)))
        }
        r.add("mse(prediction, target, reduction: \"mean\")", "tensor", "Mean squared error.",
              example: "mse(tensor([1, 2]), tensor([1, 4])).item()   # 2") { a in
            wrap(try tensor(a, "prediction").mseLoss(try tensor(a, "target"), reduction: try reduction(a)))
        }
    }

    static func reduction(_ a: Arguments) throws -> Reduction {
        let s = try a.string("reduction")
        guard let r = Reduction(rawValue: s) else {
            throw CMCLError("unknown reduction \"\(s)\"", hint: "use \"mean\", \"sum\" or \"none\"", argument: .label("reduction"))
        }
        return r
    }

    // MARK: Autodiff

    static func registerAutodiff(_ r: BuiltinRegistry) {
        r.add("backward(y, grad: nil)", "autodiff",
              "Back-propagates from scalar `y` (or with upstream `grad`); gradients accumulate in `.grad` of leaves.",
              example: "let x = tensor([1, 2, 3], requires_grad: true)\nbackward(sum(x * x))\nx.grad") { a in
            let y = try tensor(a, "y")
            if let g = try a.optional("grad") { try y.backward(grad: try tensor(g, "grad")) } else { try y.backward() }
            return .null
        }
        r.add("zero_grad(tensors...)", "autodiff", "Clears the gradients of the given tensors (or lists of them).",
              example: "zero_grad(w)") { a in
            for v in a.rest {
                if case .list(let l) = v { for x in l.items { try tensor(x, "tensors").zeroGrad() } } else { try tensor(v, "tensors").zeroGrad() }
            }
            return .null
        }
        r.add("detach(t)", "autodiff", "The same values, cut from the gradient graph.", example: "detach(w * 2)") { a in
            wrap(try tensor(a, "t").detach())
        }
        r.add("requires_grad(t, flag: true)", "autodiff", "Marks a leaf tensor as collecting gradients.",
              example: "let w = requires_grad(randn(3))") { a in
            wrap(try tensor(a, "t").requiringGrad(try a.bool("flag")))
        }
        r.add("no_grad(f)", "autodiff", "Runs `f()` without recording gradients (evaluation).",
              example: "no_grad(fn() => w * 2)") { a in
            let f = try a.callable("f")
            return try Tensor.withNoGrad { try a.call(f, []) }
        }
    }
}
