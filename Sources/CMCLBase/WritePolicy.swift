#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What identifies a file's (or directory's) current contents cheaply: device, inode, size and
/// modification time. Two equal stamps mean it was not replaced or rewritten in between.
public struct FileStamp: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modified: Int64
    public let modifiedNanoseconds: Int64

    /// The stamp of what is at `path` (following links), or nil when there is nothing.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modified = Int64(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
    }
}

/// The files and directories one session wrote, with their stamps when written. A write may
/// replace something only when it is in the ledger with an unchanged stamp (or when forced), so
/// a session never replaces what a user (or another session) made. Each interpreter session owns
/// one; there is no process-wide ledger.
public final class WriteLedger: Sendable {
    private let written = Mutex<[String: FileStamp]>([:])

    public init() {}

    /// Remembers that this session just wrote `path`.
    public func record(_ path: String) {
        let key = WritePolicy.key(path)
        guard let stamp = FileStamp(path: key) else { return }
        written.withLock { $0[key] = stamp }
    }

    /// Whether this session wrote `path` and nothing changed it since.
    public func wrote(_ path: String) -> Bool {
        let key = WritePolicy.key(path)
        guard let now = FileStamp(path: key) else { return false }
        return written.withLock { $0[key] } == now
    }

    /// Forgets everything (a REPL `:reset`).
    public func clear() { written.withLock { $0 = [:] } }
}

/// The one rule for every write cmcl makes on a user's behalf (docs/files.md):
///
/// - an empty path, a path containing a NUL byte, a directory where a file is expected and a
///   file where a directory is expected are errors;
/// - an existing file, or a non-empty directory, is replaced only when this session wrote it
///   (and it has not changed since) or when the write is forced (`force: true`, `:export!`,
///   `--force`);
/// - read-only files are never replaced.
///
/// ```swift
/// let ledger = WriteLedger()
/// try AtomicFile.write("x", to: "out.txt", policy: WritePolicy(ledger: ledger))  // creates it
/// try AtomicFile.write("y", to: "out.txt", policy: WritePolicy(ledger: ledger))  // this session's: replaced
/// ```
public struct WritePolicy: Sendable {
    /// Replace whatever is there (still never a read-only file or a directory with a file).
    public var force: Bool
    /// What this session wrote; nil means nothing counts as this session's.
    public var ledger: WriteLedger?

    public init(force: Bool = false, ledger: WriteLedger? = nil) {
        self.force = force
        self.ledger = ledger
    }

    /// Replaces anything replaceable: for files inside a directory being written as a unit, and
    /// for commands whose purpose is to rewrite a file (`cmcl test --record`).
    public static let replace = WritePolicy(force: true)

    /// Throws unless `path` can name a file at all.
    public static func validate(_ path: String) throws(FileWriteError) {
        guard !path.isEmpty else { throw FileWriteError(path: path, reason: "the path is empty", kind: .invalidPath) }
        guard !path.utf8.contains(0) else {
            throw FileWriteError(path: path, reason: "the path contains a NUL byte (\\0)", kind: .invalidPath)
        }
    }

    /// Throws unless this policy lets an existing `target` (already resolved) be replaced.
    func checkReplace(_ target: String, path: String, what: String) throws(FileWriteError) {
        if force || ledger?.wrote(target) == true { return }
        throw FileWriteError(path: path, reason: "it is \(what) this session did not write", kind: .wouldReplace)
    }

    /// The absolute, link-free name used as the ledger's key (the parent's real path and the name).
    static func key(_ path: String) -> String {
        let parent = AtomicFile.parentDirectory(of: path)
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        guard let real = realpath(parent, nil) else { return path }
        defer { free(real) }
        let dir = String(cString: real)
        return dir == "/" ? "/" + name : dir + "/" + name
    }
}
