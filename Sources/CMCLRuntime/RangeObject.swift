/// `range(start, stop, step)`: a lazy sequence of numbers, as in Python.
public final class RangeObject: NativeObject {
    public let start: Double
    public let stop: Double
    public let step: Double
    public let count: Int

    public init(start: Double, stop: Double, step: Double) {
        self.start = start
        self.stop = stop
        self.step = step
        let n = ((stop - start) / step).rounded(.up)
        count = n.isFinite && n > 0 ? Int(min(n, 9.0e15)) : 0
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
        return (0..<count).map { .number(element($0)) }
    }

    public func index(_ items: [IndexValue]) throws -> Value? {
        guard items.count == 1, case .single(let v) = items[0] else { return nil }
        guard case .number(let n) = v, n.rounded() == n else { throw CMCLError("range index must be a whole number") }
        var i = Int(n)
        if i < 0 { i += count }
        guard i >= 0, i < count else { throw CMCLError("index \(Int(n)) is out of range for a range of \(count)") }
        return .number(element(i))
    }
}
