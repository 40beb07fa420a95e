import Foundation

/// Reads cmcl source from a path or from standard input with read(2): bounded in size,
/// never blocking on a FIFO without a writer, and with a plain reason when it fails
/// (a directory, a device that never ends, a closed descriptor).
///
///     let text = try SourceReader.read(path: "train.cmcl")
public enum SourceReader {
    /// The largest source accepted (32 MiB): past it, the input is not a script.
    public static let maxBytes = 32 << 20

    /// Why source could not be read; `description` completes "cannot read PATH: …".
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The text of the file at `path` (bytes that are not UTF-8 become U+FFFD).
    public static func read(path: String) throws(Failure) -> String {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason(errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { throw Failure("it is a directory") }
            if info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > maxBytes {
                throw Failure("it is \(megabytes(Int(info.st_size))), larger than the \(megabytes(maxBytes)) a script may have")
            }
        }
        // Opened without blocking so that a FIFO with no writer cannot hang; read normally.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return try readAll(fd)
    }

    /// All of standard input.
    public static func readStandardInput() throws(Failure) -> String {
        try readAll(0)
    }

    static func readAll(_ fd: Int32) throws(Failure) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {  // a non-blocking descriptor: wait until it has more
                    var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&waiting, 1, -1)
                    continue
                }
                throw Failure(reason(errno))
            }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes {
                throw Failure("it is larger than the \(megabytes(maxBytes)) a script may have")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EISDIR: return "it is a directory"
        case EACCES: return "permission denied"
        case EBADF: return "the descriptor is closed"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    static func megabytes(_ n: Int) -> String {
        n >= 1 << 20 ? "\(n >> 20) MB" : "\(n) bytes"
    }
}
