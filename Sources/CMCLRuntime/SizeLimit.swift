import CMCLTensor

/// Limits on values built by cmcl code, checked before building them, so that a string or
/// list "bomb" is an error naming the size instead of an endless loop or an abort.
public enum SizeLimit {
    /// The longest string a program may build (256 MB of UTF-8).
    nonisolated(unsafe) public static var maxStringBytes = 1 << 28
    /// The most elements a list built by repetition may have.
    nonisolated(unsafe) public static var maxListItems = 50_000_000

    /// Throws unless a string of `bytes` bytes may be built (`bytes` may be a Double so that
    /// products cannot overflow).
    static func checkString(_ bytes: Double, _ what: String) throws {
        guard bytes <= Double(maxStringBytes) else {
            throw CMCLError("\(what) would be a string of \(size(bytes)), more than the \(MemoryLimit.describe(maxStringBytes)) a string may have")
        }
    }

    static func checkList(_ items: Double, _ what: String) throws {
        guard items <= Double(maxListItems) else {
            throw CMCLError("\(what) would be a list of \(count(items)) elements, more than the \(count(Double(maxListItems))) allowed")
        }
    }

    static func size(_ bytes: Double) -> String {
        bytes.isFinite && bytes < 9e18 ? MemoryLimit.describe(Int(bytes)) : "more bytes than exist"
    }

    static func count(_ n: Double) -> String {
        n.isFinite && n < 1e15 ? Display.number(n) : String(format: "%.3g", n)
    }
}
