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
        let file = try SafetensorsFile(url)
        var tensors: [String: Tensor] = [:]
        for name in file.header.entries.keys { tensors[name] = try file.tensor(name) }
        return (tensors, file.header.metadata)
    }

    /// The tensors and the `__metadata__` strings of a safetensors byte buffer (validated by
    /// ``SafetensorsHeader`` before anything is allocated).
    public static func decode(_ data: Data, path: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let header = try SafetensorsHeader(data, path: path)
        var tensors: [String: Tensor] = [:]
        for name in header.entries.keys {
            tensors[name] = try tensor(name, in: data, header: header, path: path)
        }
        return (tensors, header.metadata)
    }

    /// The tensor `name` of the safetensors bytes `data` whose validated header is `header`.
    public static func tensor(_ name: String, in data: Data, header: SafetensorsHeader, path: String = "<memory>") throws -> Tensor {
        guard let e = header.entries[name] else {
            throw NNError.checkpoint(path: path, reason: "no tensor named '\(name)'")
        }
        let start = data.startIndex + header.dataStart
        let bytes = data[(start + e.byteRange.lowerBound)..<(start + e.byteRange.upperBound)]
        return try bytes.withUnsafeBytes { raw in
            try makeTensor(raw, dtype: e.dtype, shape: e.shape, count: e.count, name: name) {
                NNError.checkpoint(path: path, reason: $0)
            }
        }
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

    private static func makeTensor(_ raw: UnsafeRawBufferPointer, dtype: String, shape: [Int], count: Int, name: String,
                                   fail: (String) -> NNError) throws -> Tensor {
        func u16(_ i: Int) -> UInt16 { raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian }
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
    /// save leaves the old file whole. An existing file is replaced only as `policy` allows; a
    /// refusal (or a path that names no file) is thrown as the `FileWriteError` itself.
    public static func write(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:],
                             policy: WritePolicy = .replace) throws {
        let data = try encode(tensors, metadata: metadata)
        do {
            try AtomicFile.write(to: url.path, policy: policy) { out in try data.withUnsafeBytes { try out.write($0) } }
        } catch where error.kind != .system {
            throw error
        } catch {
            throw NNError.checkpoint(path: url.path, reason: "cannot write the file (\(error.reason))")
        }
    }

    static func jsonString(_ s: String) -> String { StringEscape.quoted(s, style: .json) }
}

/// A safetensors file mapped into memory with its validated header: tensors are read one at a
/// time, on demand, so a caller can check names and shapes before allocating anything.
///
/// ```swift
/// let file = try SafetensorsFile(URL(fileURLWithPath: "model.safetensors"))
/// let shape = file.header.entries["embeddings.word_embeddings.weight"]?.shape
/// let w = try file.tensor("embeddings.word_embeddings.weight")
/// ```
public struct SafetensorsFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The mapped bytes.
    let data: Data
    /// The validated header.
    public let header: SafetensorsHeader

    /// Maps the file at `url` and validates its header.
    public init(_ url: URL) throws {
        path = url.path
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw NNError.checkpoint(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        header = try SafetensorsHeader(data, path: url.path)
    }

    /// The tensor stored as `name` (converted to float32 or int32 as ``Safetensors`` describes).
    public func tensor(_ name: String) throws -> Tensor {
        try Safetensors.tensor(name, in: data, header: header, path: path)
    }
}
