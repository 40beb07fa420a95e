/// `range(start, stop, step)`: a lazy sequence of numbers, as in Python.
public final class RangeObject: NativeObject {
    public let start: Double
    public let stop: Double
    public let step: Double
    public let count: Int

    /// The most numbers a range holds: beyond 2^53, doubles no longer count exactly.
    public static let maximumCount = 9_007_199_254_740_992.0

    public init(start: Double, stop: Double, step: Double) {
        self.start = start
        self.stop = stop
        self.step = step
        let n = ((stop - start) / step).rounded(.up)
        count = n.isFinite && n > 0 ? Int(min(n, RangeObject.maximumCount)) : 0
    }

    public var typeName: String { "range" }
    public var length: Int? { count }
    public var isTruthy: Bool { count > 0 }

    @inline(__always) func element(_ i: Int) -> Double { start + Double(i) * step }

    public func display(_ style: DisplayStyle) -> String {
        let s = Display.number(start), e = Display.number(stop)
        return step == 1 ? "range(\(s), \(e))" : "range(\(s), \(e), \(Display.number(step)))"
    }

    public func elements() throws -> [Value]? {
        guard count <= 50_000_000 else { throw CMCLError("range of \(count) numbers is too large to make a list") }
        return try (0..<count).map { i in
            try Interrupt.poll(i + 1)
            return .number(element(i))
        }
    }

    public func index(_ items: [IndexValue]) throws -> Value? {
        guard items.count == 1, case .single(let v) = items[0] else { return nil }
        guard case .number(let n) = v, n.rounded() == n, Swift.abs(n) <= RangeObject.maximumCount else {
            throw CMCLError("range index must be a whole number, got \(Display.describe(v))")
        }
        var i = Int(n)
        if i < 0 { i += count }
        guard i >= 0, i < count else { throw CMCLError("index \(Display.number(n)) is out of range for a range of \(count)") }
        return .number(element(i))
    }
}
