import CMCLBase
import CMCLTensor
import Foundation

/// Limits on values built by cmcl code, checked before building them, so that a string or
/// list "bomb" is an error naming the size instead of an endless loop or an abort.
public enum SizeLimit {
    /// The longest string a program may build (64 MB of UTF-8).
    nonisolated(unsafe) public static var maxStringBytes = 64_000_000
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

    /// `text` with every occurrence of `old` (compared byte for byte, left to right) replaced
    /// by `new`. The result's size is checked before it is built, and Ctrl-C is polled.
    static func replacing(_ old: String, with new: String, in text: String) throws -> String {
        let haystack = Array(text.utf8), needle = Array(old.utf8), replacement = Array(new.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return text }
        let growth = Double(replacement.count) - Double(needle.count)
        /// Calls `body` with the start of each non-overlapping match (memchr, then memcmp).
        func scan(_ body: (Int) throws -> Void) throws {
            try haystack.withUnsafeBufferPointer { h in
                try needle.withUnsafeBufferPointer { n in
                    guard let hb = h.baseAddress, let nb = n.baseAddress else { return }
                    let last = h.count - n.count
                    var i = 0, polled = 0
                    while i <= last {
                        guard let hit = memchr(hb + i, Int32(nb[0]), last - i + 1) else { break }
                        let j = hb.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                        if memcmp(hb + j, nb, n.count) == 0 {
                            try body(j)
                            i = j + n.count
                        } else {
                            i = j + 1
                        }
                        if j - polled > 1 << 22 { polled = j; try Interrupt.check() }
                    }
                }
            }
        }
        var count = 0
        try scan { _ in
            count += 1
            if growth > 0, count & 0xFFFF == 0 {
                try checkString(Double(haystack.count) + Double(count) * growth, "this replace")
            }
        }
        if count == 0 { return text }
        try checkString(Double(haystack.count) + Double(count) * growth, "this replace")
        let size = haystack.count + count * (replacement.count - needle.count)
        var failure: Error?
        let result = String(unsafeUninitializedCapacity: max(size, 1)) { out in
            guard let o = out.baseAddress else { return 0 }
            var written = 0, copied = 0
            haystack.withUnsafeBufferPointer { h in
                replacement.withUnsafeBufferPointer { r in
                    guard let hb = h.baseAddress else { return }
                    do {
                        try scan { i in
                            memcpy(o + written, hb + copied, i - copied)
                            written += i - copied
                            if let rb = r.baseAddress { memcpy(o + written, rb, r.count) }
                            written += r.count
                            copied = i + needle.count
                        }
                    } catch {
                        failure = error
                    }
                    memcpy(o + written, hb + copied, h.count - copied)
                    written += h.count - copied
                }
            }
            return failure == nil ? written : 0
        }
        if let failure { throw failure }
        return result
    }

    static func size(_ bytes: Double) -> String {
        bytes.isFinite && bytes < 9e18 ? MemoryLimit.describe(Int(bytes)) : "more bytes than exist"
    }

    static func count(_ n: Double) -> String {
        n.isFinite && n < 1e15 ? Display.number(n) : String(format: "%.3g", n)
    }
}
