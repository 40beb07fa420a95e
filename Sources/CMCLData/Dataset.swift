import CMCLBase
/// An immutable, indexable collection of examples with value semantics: every operation
/// returns a new dataset.
///
/// ```swift
/// let sst2 = try GLUE.load("sst2", split: "train", dir: "glue")
/// let (train, valid) = sst2.split(0.8, seed: 1)
/// let small = train.shuffled(seed: 7).take(100)
/// ```
public struct Dataset<Element: Sendable>: Sendable, RandomAccessCollection {
    /// The examples in order.
    public var elements: [Element]
    /// A short name (task and split) for messages.
    public var name: String
    /// Class names, index-aligned with the labels (empty for regression or unlabeled data).
    public var labelNames: [String]
    /// How many rows the reader skipped as malformed.
    public var skipped: Int

    /// Creates a dataset.
    public init(_ elements: [Element], name: String = "dataset", labelNames: [String] = [], skipped: Int = 0) {
        self.elements = elements
        self.name = name
        self.labelNames = labelNames
        self.skipped = skipped
    }

    /// Always 0.
    public var startIndex: Int { 0 }
    /// The number of examples.
    public var endIndex: Int { elements.count }
    /// The example at `position` (must be in range; see ``element(at:)`` for a checked access).
    public subscript(position: Int) -> Element { elements[position] }

    /// The element at `index`, or an error naming the valid range (negative indices count from the end).
    public func element(at index: Int) throws -> Element {
        let i = index < 0 ? elements.count + index : index
        guard elements.indices.contains(i) else {
            throw DataError.invalidArgument(operation: "\(name)[\(index)]",
                                            problem: "index out of range for \(elements.count) examples")
        }
        return elements[i]
    }

    func with<T>(_ items: [T], suffix: String = "") -> Dataset<T> {
        Dataset<T>(items, name: name + suffix, labelNames: labelNames, skipped: skipped)
    }

    /// Applies `transform` to every example.
    public func map<T: Sendable>(_ transform: (Element) throws -> T) rethrows -> Dataset<T> {
        with(try elements.map(transform))
    }

    /// Keeps the examples for which `isIncluded` holds.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> Dataset<Element> {
        with(try elements.filter(isIncluded))
    }

    /// A deterministic permutation of the examples (SplitMix64 Fisher–Yates).
    public func shuffled(seed: UInt64) -> Dataset<Element> {
        var rng = SplitMix64(seed: seed)
        return with(rng.permutation(elements.count).map { elements[$0] })
    }

    /// The first `count` examples (all of them if fewer).
    public func take(_ count: Int) -> Dataset<Element> {
        with(Array(elements.prefix(Swift.max(0, count))))
    }

    /// The examples after the first `count`.
    public func drop(_ count: Int) -> Dataset<Element> {
        with(Array(elements.dropFirst(Swift.max(0, count))))
    }

    /// Splits into two parts, the first holding `round(fraction * count)` examples. With a
    /// seed the examples are shuffled first; without one the order is kept.
    ///
    /// ```swift
    /// let (train, test) = data.split(0.8, seed: 42)
    /// ```
    public func split(_ fraction: Double, seed: UInt64? = nil) -> (Dataset<Element>, Dataset<Element>) {
        let source = seed.map { shuffled(seed: $0) } ?? self
        let f = fraction.isNaN ? 0 : Swift.min(1, Swift.max(0, fraction))
        let cut = Int((f * Double(elements.count)).rounded())
        return (source.with(Array(source.elements.prefix(cut))),
                source.with(Array(source.elements.dropFirst(cut))))
    }

    /// Checked variant of ``split(_:seed:)`` that rejects a fraction outside [0, 1].
    public func checkedSplit(_ fraction: Double, seed: UInt64? = nil) throws -> (Dataset<Element>, Dataset<Element>) {
        guard fraction >= 0, fraction <= 1 else {
            throw DataError.invalidArgument(operation: "split(\(fraction))", problem: "fraction must be in [0, 1]")
        }
        return split(fraction, seed: seed)
    }
}

extension Dataset where Element == TextExample {
    /// Class labels as `Int32` (-1 for examples without a class label).
    public var labels: [Int32] { elements.map { $0.label.index ?? -1 } }
    /// Regression scores (NaN for examples without a score).
    public var scores: [Float] { elements.map { $0.label.score ?? .nan } }
}
