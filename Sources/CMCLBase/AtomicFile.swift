#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that cmcl could not write, with the reason in plain words.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path as the user gave it.
    public let path: String
    /// Why it failed ("it is read-only", "No space left on device", …).
    public let reason: String
    /// What kind of failure: a path that names no file, a replacement the policy refused (the
    /// caller says how to force it), or anything else.
    public let kind: Kind

    public enum Kind: Equatable, Sendable {
        case invalidPath
        case wouldReplace
        case system
    }

    public init(path: String, reason: String, kind: Kind = .system) {
        self.path = path
        self.reason = reason
        self.kind = kind
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// The one way cmcl writes a file: the new contents go to an unnamed (or hidden temporary) file
/// in the same directory, are flushed to disk, and then replace the old file in one rename, so a
/// crash or `kill -9` at any moment leaves either the old file or the new one, never a mix.
///
/// - A symbolic link is followed: its target is written and the link kept.
/// - A character device or FIFO (`/dev/null`, a pipe) is written directly, never replaced.
/// - A directory, socket or block device is refused; so is a read-only file (even for root).
/// - A new file gets the usual permissions (0666 less the umask); a replaced one keeps its own.
/// - On every error the temporary file is removed; without a name (Linux `O_TMPFILE`) nothing
///   can be left behind even when the process is killed.
///
/// ```swift
/// try AtomicFile.write("let x = 1\n", to: "notes.cmcl")
/// try AtomicFile.write(to: "model.safetensors") { out in
///     try out.write(header)
///     try out.write(body)
/// }
/// ```
public enum AtomicFile {
    /// Writes `text` (UTF-8) to `path`.
    public static func write(_ text: String, to path: String, policy: WritePolicy = .replace) throws(FileWriteError) {
        try write(to: path, policy: policy) { out in try out.write(text) }
    }

    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String, policy: WritePolicy = .replace) throws(FileWriteError) {
        try write(to: path, policy: policy) { out in try out.write(bytes) }
    }

    /// Writes what `produce` sends to the sink; if `produce` throws, the old file is untouched and
    /// its error is rethrown as a `FileWriteError` carrying its description. An existing file is
    /// replaced only as `policy` allows (`WritePolicy`); the policy's ledger then records the
    /// new file as this session's.
    public static func write(to path: String, policy: WritePolicy = .replace,
                             _ produce: (FileSink) throws -> Void) throws(FileWriteError) {
        let (target, found) = try checkReplace(path, policy: policy)
        var existing: stat?
        switch found {
        case .nothing: break
        case .regular(let info): existing = info
        case .device: return try writeDirectly(target, path: path, produce)
        }
        let directory = parentDirectory(of: target)
        var temp = try TemporaryFile(in: directory, for: target, userPath: path)
        defer { temp.discard() }
        if let old = existing {
            _ = fchmod(temp.fd, old.st_mode & 0o7777)
            if getuid() == 0 { _ = fchown(temp.fd, old.st_uid, old.st_gid) }
        }
        try run(produce, FileSink(fd: temp.fd, path: path))
        guard fsync(temp.fd) == 0 else { throw FileWriteError(path: path, reason: lastError()) }
        try temp.commit(as: target)
        syncDirectory(directory)
        policy.ledger?.record(target)
    }

    /// What a write to `path` would find there.
    public enum Existing {
        case nothing
        case regular(stat)
        /// A character device or FIFO, written directly.
        case device
    }

    /// Throws unless writing `path` under `policy` may go ahead (so a caller can refuse before
    /// doing the work); returns the path really written (links followed) and what is there.
    @discardableResult
    public static func checkReplace(_ path: String, policy: WritePolicy) throws(FileWriteError) -> (String, Existing) {
        try WritePolicy.validate(path)
        if path.hasSuffix("/") {
            throw FileWriteError(path: path, reason: "it names a directory (it ends in /), not a file", kind: .invalidPath)
        }
        let target = try resolveLinks(path)
        var info = stat()
        guard lstat(target, &info) == 0 else {
            if errno != ENOENT { throw FileWriteError(path: path, reason: lastError()) }
            return (target, .nothing)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if info.st_mode & 0o222 == 0 {
                throw FileWriteError(path: path, reason: "it is read-only (change its permissions to replace it)")
            }
            try policy.checkReplace(target, path: path, what: "a file")
            return (target, .regular(info))
        case S_IFDIR:
            throw FileWriteError(path: path, reason: "it is a directory, not a file", kind: .invalidPath)
        case S_IFCHR, S_IFIFO:
            return (target, .device)
        default:
            throw FileWriteError(path: path, reason: "it is not a regular file")
        }
    }

    // MARK: - Pieces

    static func run(_ produce: (FileSink) throws -> Void, _ sink: FileSink) throws(FileWriteError) {
        try typed(sink.path) { try produce(sink) }
    }

    /// Runs `body`, passing a `FileWriteError` through and describing any other error as one.
    static func typed(_ path: String, _ body: () throws -> Void) throws(FileWriteError) {
        do { try body() } catch let e as FileWriteError { throw e } catch {
            throw FileWriteError(path: path, reason: "\(error)")
        }
    }

    /// Follows symbolic links (at most 40) to the path that will really be written.
    static func resolveLinks(_ path: String) throws(FileWriteError) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileWriteError(path: path, reason: lastError()) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : parentDirectory(of: current) + "/" + link
        }
        throw FileWriteError(path: path, reason: "too many levels of symbolic links")
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); _ = close(fd) }
    }

    static func writeDirectly(_ target: String, path: String, _ produce: (FileSink) throws -> Void) throws(FileWriteError) {
        let fd = open(target, O_WRONLY | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let reason = errno == ENXIO ? "no process is reading from it" : lastError()
            throw FileWriteError(path: path, reason: reason)
        }
        defer { _ = close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        try run(produce, FileSink(fd: fd, path: path))
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Where `AtomicFile.write(to:_:)` sends bytes.
public struct FileSink: Sendable {
    let fd: Int32
    let path: String

    /// Writes all of `bytes` (retrying short writes and interrupted calls).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileWriteError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = systemWrite(fd, base, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, reason: AtomicFile.lastError())
            }
            if n == 0 { throw FileWriteError(path: path, reason: "the device accepts no more data") }
            remaining -= n
            base += n
        }
    }

    /// Writes the bytes of an array.
    public func write(_ bytes: [UInt8]) throws(FileWriteError) {
        try AtomicFile.typed(path) { try bytes.withUnsafeBytes { raw in try write(raw) } }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws(FileWriteError) {
        var copy = text
        try AtomicFile.typed(path) { try copy.withUTF8 { bytes in try write(UnsafeRawBufferPointer(bytes)) } }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// The file being written before it takes the target's place.
struct TemporaryFile {
    let fd: Int32
    let directory: String
    let userPath: String
    /// The temporary's name, or nil while it is unnamed (`O_TMPFILE`).
    private(set) var name: String?
    private var finished = false

    init(in directory: String, for target: String, userPath: String) throws(FileWriteError) {
        self.directory = directory
        self.userPath = userPath
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        let unnamed = open(directory, TemporaryFile.oTmpFile | O_WRONLY | O_CLOEXEC, 0o666)
        if unnamed >= 0 {
            fd = unnamed
            name = nil
            return
        }
        #endif
        let base = target.split(separator: "/").last.map(String.init) ?? "file"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let candidate = directory + "/." + base + ".tmp-" + String(generator.next() & 0xFF_FFFF_FFFF, radix: 36)
            let opened = open(candidate, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
            if opened >= 0 {
                fd = opened
                name = candidate
                return
            }
            if errno != EEXIST {
                throw FileWriteError(path: userPath, reason: AtomicFile.lastError())
            }
        }
        throw FileWriteError(path: userPath, reason: "cannot create a temporary file in \(directory)")
    }

    #if os(Linux) && arch(x86_64)
    static let oTmpFile: Int32 = 0o20_200_000
    #elseif os(Linux) && arch(arm64)
    static let oTmpFile: Int32 = 0o20_040_000
    #endif

    /// Gives the temporary file the target's name (the old file, if any, disappears at once).
    mutating func commit(as target: String) throws(FileWriteError) {
        if name == nil {
            // Give the unnamed file a hidden name first; rename then replaces the target atomically.
            var generator = SystemRandomNumberGenerator()
            let base = target.split(separator: "/").last.map(String.init) ?? "file"
            var linked = false
            for _ in 0..<100 where !linked {
                let candidate = directory + "/." + base + ".tmp-" + String(generator.next() & 0xFF_FFFF_FFFF, radix: 36)
                if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, candidate, AT_SYMLINK_FOLLOW) == 0 {
                    name = candidate
                    linked = true
                } else if errno != EEXIST {
                    throw FileWriteError(path: userPath, reason: AtomicFile.lastError())
                }
            }
            guard linked else { throw FileWriteError(path: userPath, reason: "cannot name the new file in \(directory)") }
        }
        guard close(fd) == 0 else {
            let reason = AtomicFile.lastError()
            finished = true
            if let name { _ = unlink(name) }
            throw FileWriteError(path: userPath, reason: reason)
        }
        guard let name, rename(name, target) == 0 else {
            let reason = AtomicFile.lastError()
            finished = true
            if let name { _ = unlink(name) }
            throw FileWriteError(path: userPath, reason: reason)
        }
        finished = true
    }

    /// Closes and removes the temporary file unless it was committed.
    mutating func discard() {
        guard !finished else { return }
        finished = true
        _ = close(fd)
        if let name { _ = unlink(name) }
    }
}
