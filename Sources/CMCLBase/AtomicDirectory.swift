#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A directory written as a unit (a Hugging Face model, an exported PyTorch project): its files
/// are written into a fresh hidden sibling (`.NAME.tmp-XXXX`), which then takes the target's
/// name, so the result holds exactly what was written — no file left over from an earlier
/// directory of that name — and a failure midway leaves the old directory as it was.
///
/// The target follows `WritePolicy`: a file there is refused, an empty directory is replaced,
/// a non-empty one only when this session wrote it or the write is forced. Parent directories
/// are created as needed.
///
/// ```swift
/// try AtomicDirectory.write(to: "sst2-model", policy: policy) { dir in
///     try AtomicFile.write(config, to: dir + "/config.json")
/// }
/// ```
public enum AtomicDirectory {
    /// Runs `produce` with the temporary directory's path, then puts that directory in place.
    /// Errors thrown by `produce` are rethrown unchanged after the temporary is removed.
    public static func write(to path: String, policy: WritePolicy, _ produce: (String) throws -> Void) throws {
        try WritePolicy.validate(path)
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let target = try AtomicFile.resolveLinks(trimmed)
        var info = stat()
        var exists = false
        if lstat(target, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw FileWriteError(path: path, reason: "it is a file, not a directory", kind: .invalidPath)
            }
            exists = true
            if !isEmpty(target) { try policy.checkReplace(target, path: path, what: "a non-empty directory") }
        } else if errno != ENOENT {
            throw FileWriteError(path: path, reason: AtomicFile.lastError())
        }
        let parent = AtomicFile.parentDirectory(of: target)
        let base = target.split(separator: "/").last.map(String.init) ?? "dir"
        if base == "." || base == ".." {
            throw FileWriteError(path: path, reason: "name the directory itself, not `\(base)`", kind: .invalidPath)
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(path: path, reason: "cannot create its parent directory \(parent)")
        }
        let temp = try makeSibling(parent: parent, base: base, tag: "tmp", userPath: path)
        do {
            try produce(temp)
        } catch {
            remove(temp)
            throw error
        }
        if exists {
            // Two renames: the old directory steps aside, the new one takes its name, the old one goes.
            let old: String
            do { old = try reserveSibling(parent: parent, base: base, tag: "old", userPath: path) } catch {
                remove(temp)
                throw error
            }
            guard rename(target, old) == 0 else {
                let reason = AtomicFile.lastError()
                remove(temp)
                throw FileWriteError(path: path, reason: reason)
            }
            guard rename(temp, target) == 0 else {
                let reason = AtomicFile.lastError()
                _ = rename(old, target)
                remove(temp)
                throw FileWriteError(path: path, reason: reason)
            }
            remove(old)
        } else {
            guard rename(temp, target) == 0 else {
                let reason = AtomicFile.lastError()
                remove(temp)
                throw FileWriteError(path: path, reason: reason)
            }
        }
        AtomicFile.syncDirectory(parent)
        policy.ledger?.record(target)
    }

    static func isEmpty(_ directory: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).isEmpty
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Creates a new hidden directory beside the target.
    static func makeSibling(parent: String, base: String, tag: String, userPath: String) throws(FileWriteError) -> String {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let candidate = parent + "/." + base + "." + tag + "-" + String(generator.next() & 0xFF_FFFF_FFFF, radix: 36)
            if mkdir(candidate, 0o777) == 0 { return candidate }
            if errno != EEXIST { throw FileWriteError(path: userPath, reason: AtomicFile.lastError()) }
        }
        throw FileWriteError(path: userPath, reason: "cannot create a temporary directory in \(parent)")
    }

    /// A free hidden name beside the target (for the old directory to step aside to).
    static func reserveSibling(parent: String, base: String, tag: String, userPath: String) throws(FileWriteError) -> String {
        let made = try makeSibling(parent: parent, base: base, tag: tag, userPath: userPath)
        _ = rmdir(made)  // rename onto an empty directory works too, but keep the name free
        return made
    }
}
