import Foundation

/// Reads whole files as bytes and decodes UTF-8 without going through `Character`.
enum FileBytes {
    /// Returns the bytes of the file at `path`, with a leading UTF-8 byte-order mark removed.
    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            throw DataError.unreadable(path: path, reason: "is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.unreadable(path: path, reason: "permission denied or I/O error")
        }
        var bytes = [UInt8](data)
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
