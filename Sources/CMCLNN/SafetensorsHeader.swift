import Foundation

/// The validated header of a safetensors file: every tensor's dtype, shape and byte range,
/// checked against the file before any tensor is read.
///
/// Checks, each failing with ``NNError/checkpoint(path:reason:)`` naming the entry:
/// the header length fits the file; the header is a JSON object of entries nested no deeper than
/// the format allows; shapes and offsets are non-negative JSON integers (not `50.5`, not `true`);
/// shape products and byte sizes do not overflow; each entry's byte count is exactly
/// dtype size × element count; and the entries tile the data section exactly, from byte 0 to
/// its end, without gaps or overlaps (so a header length that is off by one byte is an error
/// instead of weights read shifted).
///
/// ```swift
/// let header = try SafetensorsHeader(data, path: "model.safetensors")
/// header.entries["embeddings.word_embeddings.weight"]?.shape   // [30522, 384]
/// ```
public struct SafetensorsHeader: Sendable {
    /// One tensor's description.
    public struct Entry: Sendable, Equatable {
        /// The dtype code (`F32`, `F16`, `BF16`, …).
        public var dtype: String
        /// The shape.
        public var shape: [Int]
        /// Byte range within the data section.
        public var byteRange: Range<Int>
        /// The number of elements (the product of `shape`).
        public var count: Int
    }

    /// The tensors by name.
    public var entries: [String: Entry]
    /// The `__metadata__` strings.
    public var metadata: [String: String]
    /// The byte offset of the data section in the file (8 + header length).
    public var dataStart: Int

    /// Parses and validates the header of the safetensors bytes `data` (named `path` in errors).
    public init(_ data: Data, path: String) throws {
        func fail(_ reason: String) -> NNError { .checkpoint(path: path, reason: reason) }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, too short for a safetensors header") }
        let headerLength = data.withUnsafeBytes { raw -> UInt64 in
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(raw[i]) << (8 * UInt64(i)) }
            return v
        }
        guard headerLength <= UInt64(Safetensors.maxHeaderBytes) else {
            throw fail("header length \(headerLength) is above the \(Safetensors.maxHeaderBytes)-byte limit (not a safetensors file?)")
        }
        guard Int(headerLength) <= data.count - 8 else {
            throw fail("header length \(headerLength) runs past the end of the \(data.count)-byte file (truncated?)")
        }
        let hl = Int(headerLength)
        let headerData = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + hl))
        try Self.checkNesting(headerData, fail: fail)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerData) } catch {
            throw fail("the \(hl)-byte header is not valid JSON (wrong header length, or not a safetensors file)")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        let bodyCount = data.count - 8 - hl
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw fail("__metadata__ is not an object of strings") }
                for (k, v) in m {
                    guard let s = v as? String else { throw fail("__metadata__ entry '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try Self.entry(name, value, bodyCount: bodyCount, fail: fail)
        }
        // The entries must tile the data section exactly.
        var covered = 0
        for (name, e) in entries.sorted(by: { ($0.value.byteRange.lowerBound, $0.value.byteRange.upperBound, $0.key)
                                              < ($1.value.byteRange.lowerBound, $1.value.byteRange.upperBound, $1.key) }) {
            if e.byteRange.isEmpty && e.byteRange.lowerBound <= covered { continue }
            guard e.byteRange.lowerBound == covered else {
                throw fail(e.byteRange.lowerBound < covered
                           ? "entry '\(name)' data_offsets \(Self.text(e.byteRange)) overlap the previous tensor (ending at \(covered))"
                           : "data bytes \(covered)..<\(e.byteRange.lowerBound) belong to no tensor (before entry '\(name)')")
            }
            covered = e.byteRange.upperBound
        }
        guard covered == bodyCount else {
            throw fail("the tensors cover \(covered) data bytes but the file holds \(bodyCount) after the header"
                       + " (header length \(hl) is wrong, or the file has trailing bytes)")
        }
        self.entries = entries
        self.metadata = metadata
        self.dataStart = 8 + hl
    }

    static func text(_ r: Range<Int>) -> String { "[\(r.lowerBound), \(r.upperBound)]" }

    static func entry(_ name: String, _ value: Any, bodyCount: Int, fail: (String) -> NNError) throws -> Entry {
        guard let info = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
        guard let dtype = info["dtype"] as? String else { throw fail("entry '\(name)' lacks a dtype string") }
        guard let shapeAny = info["shape"] as? [Any] else { throw fail("entry '\(name)' lacks a shape list") }
        guard let offsAny = info["data_offsets"] as? [Any], offsAny.count == 2 else {
            throw fail("entry '\(name)' lacks data_offsets [begin, end]")
        }
        guard let elementSize = Safetensors.elementSize(dtype) else {
            throw fail("entry '\(name)' has unsupported dtype '\(dtype)' (F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)")
        }
        guard shapeAny.count <= 16 else { throw fail("entry '\(name)' has \(shapeAny.count) dimensions (at most 16)") }
        let shape = try shapeAny.map { v -> Int in
            guard let n = integer(v) else {
                throw fail("entry '\(name)' has shape \(describe(shapeAny)): dimensions must be non-negative integers")
            }
            return n
        }
        let offsets = try offsAny.map { v -> Int in
            guard let n = integer(v) else {
                throw fail("entry '\(name)' has data_offsets \(describe(offsAny)): offsets must be non-negative integers")
            }
            return n
        }
        var count = 1
        for d in shape {
            let (m, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw fail("entry '\(name)' has shape \(shape) whose element count overflows") }
            count = m
        }
        let (bytes, o) = count.multipliedReportingOverflow(by: elementSize)
        guard !o else { throw fail("entry '\(name)' has shape \(shape) whose \(dtype) byte size overflows") }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw fail("entry '\(name)' has data_offsets [\(begin), \(end)] with begin after end") }
        guard end <= bodyCount else {
            throw fail("entry '\(name)' data_offsets [\(begin), \(end)] fall outside the \(bodyCount) data bytes (truncated file?)")
        }
        guard end - begin == bytes else {
            throw fail("entry '\(name)' holds \(end - begin) bytes but \(dtype) \(shape) needs \(bytes)")
        }
        return Entry(dtype: dtype, shape: shape, byteRange: begin..<end, count: count)
    }

    /// A JSON integer ≥ 0 (not a float such as `50.5` or `50.0`, not a boolean), or nil.
    static func integer(_ v: Any) -> Int? {
        guard let n = v as? NSNumber else { return nil }
        switch String(cString: n.objCType) {
        case "i", "q", "l", "s":
            let i = n.int64Value
            return i >= 0 && i <= Int64(Int.max) ? Int(i) : nil
        default:
            return nil   // doubles ("d"), booleans ("c"), integers above Int64.max ("Q")
        }
    }

    static func describe(_ values: [Any]) -> String {
        "[" + values.map { v -> String in
            if let n = v as? NSNumber { return String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : "\(n)" }
            if let s = v as? String { return Safetensors.jsonString(s) }
            return "\(v)"
        }.joined(separator: ", ") + "]"
    }

    /// Rejects headers nested deeper than the format's three levels (plus one for a shape
    /// list) before the JSON parser, which recurses, sees them.
    static func checkNesting(_ data: Data, fail: (String) -> NNError) throws {
        var depth = 0, inString = false, escaped = false
        for b in data {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > 4 { throw fail("header nests deeper than a safetensors header can") }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
    }
}
