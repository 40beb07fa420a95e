import CMCLTensor
import Foundation
import CMCLBase

/// Reading and writing the safetensors checkpoint format: an 8-byte little-endian header length,
/// a JSON header mapping each tensor name to `dtype`, `shape` and `data_offsets`, then the raw
/// little-endian data.
///
/// Reads `F32`, `F64`, `I32`, `F16` and `BF16` (converted to `float32`), and `I64`, `I16`, `I8`,
/// `U8`, `BOOL` (converted to `int32`, range-checked). Writes `F32`, `F64` and `I32`.
///
/// ```swift
/// try Safetensors.write(["w": w], to: URL(fileURLWithPath: "ckpt.safetensors"))
/// let tensors = try Safetensors.read(from: URL(fileURLWithPath: "ckpt.safetensors"))
/// ```
public enum Safetensors {
    /// The largest header accepted (100 MB, as in the reference implementation).
    public static let maxHeaderBytes = 100_000_000

    /// The tensors stored in the file at `url`.
    public static func read(from url: URL) throws -> [String: Tensor] {
        try readWithMetadata(from: url).tensors
    }

    /// The tensors and `__metadata__` strings stored in the file at `url`.
    public static func readWithMetadata(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw NNError.checkpoint(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// The tensors and the `__metadata__` strings of a safetensors byte buffer.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ reason: String) -> NNError { .checkpoint(path: path, reason: reason) }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, too short for a safetensors header") }
        let headerLength = data.withUnsafeBytes { raw -> UInt64 in
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(raw[i]) << (8 * UInt64(i)) }
            return v
        }
        guard headerLength <= UInt64(maxHeaderBytes), Int(headerLength) <= data.count - 8 else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count) or the limit")
        }
        let hl = Int(headerLength)
        let headerData = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + hl))
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerData) } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        let bodyStart = data.startIndex + 8 + hl
        let bodyCount = data.count - 8 - hl
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                if let m = entry as? [String: Any] { for (k, v) in m { metadata[k] = "\(v)" } }
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeAny = info["shape"] as? [Any], let offsAny = info["data_offsets"] as? [Any], offsAny.count == 2 else {
                throw fail("entry '\(name)' lacks dtype, shape or data_offsets")
            }
            let shape = try shapeAny.map { v -> Int in
                guard let n = (v as? NSNumber)?.intValue, n >= 0 else { throw fail("entry '\(name)' has an invalid shape \(shapeAny)") }
                return n
            }
            let offs = try offsAny.map { v -> Int in
                guard let n = (v as? NSNumber)?.intValue, n >= 0 else { throw fail("entry '\(name)' has invalid data_offsets \(offsAny)") }
                return n
            }
            guard let elementSize = elementSize(dtype) else { throw fail("entry '\(name)' has unsupported dtype \(dtype)") }
            var count = 1
            for d in shape {
                let (m, o) = count.multipliedReportingOverflow(by: d)
                guard !o else { throw fail("entry '\(name)' has a shape \(shape) too large") }
                count = m
            }
            let (begin, end) = (offs[0], offs[1])
            guard begin <= end, end <= bodyCount else {
                throw fail("entry '\(name)' data_offsets [\(begin), \(end)] fall outside the \(bodyCount) data bytes")
            }
            guard end - begin == count * elementSize else {
                throw fail("entry '\(name)' holds \(end - begin) bytes but \(dtype) \(shape) needs \(count * elementSize)")
            }
            let bytes = data[(bodyStart + begin)..<(bodyStart + end)]
            tensors[name] = try makeTensor(bytes, dtype: dtype, shape: shape, count: count, name: name, fail: fail)
        }
        return (tensors, metadata)
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64": return 8
        case "F32", "I32": return 4
        case "F16", "BF16", "I16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    private static func makeTensor(_ bytes: Data, dtype: String, shape: [Int], count: Int, name: String,
                                   fail: (String) -> NNError) throws -> Tensor {
        let buffer = [UInt8](bytes)
        return try buffer.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Tensor in
            func u16(_ i: Int) -> UInt16 { UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8 }
            func u32(_ i: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian }
            func u64(_ i: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian }
            switch dtype {
            case "F32":
                return try Tensor((0..<count).map { Float(bitPattern: u32($0)) }, shape: shape)
            case "F64":
                return try Tensor(doubles: (0..<count).map { Double(bitPattern: u64($0)) }, shape: shape)
            case "F16":
                return try Tensor((0..<count).map { halfToFloat(u16($0)) }, shape: shape)
            case "BF16":
                return try Tensor((0..<count).map { Float(bitPattern: UInt32(u16($0)) << 16) }, shape: shape)
            case "I32":
                return try Tensor(ints: (0..<count).map { Int32(bitPattern: u32($0)) }, shape: shape)
            case "I64":
                var out = [Int32](repeating: 0, count: count)
                for i in 0..<count {
                    let v = Int64(bitPattern: u64(i))
                    guard let w = Int32(exactly: v) else { throw fail("entry '\(name)' holds I64 value \(v) outside the int32 range") }
                    out[i] = w
                }
                return try Tensor(ints: out, shape: shape)
            case "I16":
                return try Tensor(ints: (0..<count).map { Int32(Int16(bitPattern: u16($0))) }, shape: shape)
            case "I8":
                return try Tensor(ints: (0..<count).map { Int32(Int8(bitPattern: raw[$0])) }, shape: shape)
            default: // U8, BOOL
                return try Tensor(ints: (0..<count).map { Int32(raw[$0]) }, shape: shape)
            }
        }
    }

    /// IEEE half → single precision (exact).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int((h >> 10) & 0x1F), man = UInt32(h & 0x3FF)
        if exp == 0 {
            let v = Float(man) * 0x1p-24
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (man << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (man << 13))
    }

    /// The safetensors encoding of `tensors` (names sorted, header padded to 8 bytes).
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var entries: [String] = []
        var body = Data()
        if !metadata.isEmpty {
            let m = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(m.joined(separator: ","))}")
        }
        for name in tensors.keys.sorted() {
            guard let t = tensors[name] else { continue }
            let begin = body.count
            let code: String
            switch t.dtype {
            case .float32:
                code = "F32"
                for v in t.toArray() { var le = v.bitPattern.littleEndian; withUnsafeBytes(of: &le) { body.append(contentsOf: $0) } }
            case .float64:
                code = "F64"
                for v in t.toDoubles() { var le = v.bitPattern.littleEndian; withUnsafeBytes(of: &le) { body.append(contentsOf: $0) } }
            case .int32:
                code = "I32"
                for v in t.toInts() { var le = v.littleEndian; withUnsafeBytes(of: &le) { body.append(contentsOf: $0) } }
            }
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(code)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(body.count)]}")
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data()
        var len = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        out.append(body)
        return out
    }

    /// Writes `tensors` to `url` in safetensors format, atomically (`AtomicFile`): an interrupted
    /// save leaves the old file whole.
    public static func write(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:]) throws {
        let data = try encode(tensors, metadata: metadata)
        do {
            try AtomicFile.write(to: url.path) { out in try data.withUnsafeBytes { try out.write($0) } }
        } catch {
            throw NNError.checkpoint(path: url.path, reason: "cannot write the file (\(error.reason))")
        }
    }

    static func jsonString(_ s: String) -> String { StringEscape.quoted(s, style: .json) }
}
