import CMCLBase
import Foundation

/// Reads whole files as bytes and decodes UTF-8 without going through `Character`.
enum FileBytes {
    /// The largest file a reader loads: half the memory limit (`MemoryLimit`, a quarter of the
    /// address-space limit when one is set), since parsing needs room beside the bytes.
    static func maxBytes(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        MemoryLimit.defaultBytes(environment: environment) / 2
    }

    /// Returns the bytes of the file at `path`, with a leading UTF-8 byte-order mark removed.
    /// The size is checked against `maxBytes()` before anything is allocated.
    static func read(_ path: String) throws -> [UInt8] {
        guard !path.utf8.contains(0) else { throw DataError.unreadable(path: path, reason: "the path contains a NUL byte (\\0)") }
        guard !path.isEmpty else { throw DataError.unreadable(path: path, reason: "the path is empty") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            throw DataError.unreadable(path: path, reason: "is a directory")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DataError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        let limit = maxBytes()
        let size = Int(info.st_size)
        guard size <= limit else {
            throw DataError.unreadable(path: path, reason: "it is \(MemoryLimit.describe(size)), more than the \(MemoryLimit.describe(limit)) a file may have "
                                       + "(half the memory limit; set CMCL_MEMORY_LIMIT to change it)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            guard bytes.count + n <= limit else {
                throw DataError.unreadable(path: path, reason: "it grew past the \(MemoryLimit.describe(limit)) a file may have while being read")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes.removeFirst(3)
        }
        return bytes
    }

    /// Decodes `bytes[range]` as UTF-8, or returns nil when the bytes are not valid UTF-8.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        if start >= end { return "" }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        return String(validating: slice, as: UTF8.self)
    }
}
