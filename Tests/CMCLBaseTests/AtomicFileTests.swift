import CMCLBase
import Foundation
import Testing

@Suite struct AtomicFileTests {
    /// A fresh empty directory for one test.
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "cmcl-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func entries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    @Test func createsAndReplaces() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.txt"
        try AtomicFile.write("one\n", to: path)
        #expect(Self.read(path) == "one\n")
        try AtomicFile.write([UInt8]("two".utf8), to: path)
        #expect(Self.read(path) == "two")
        #expect(Self.entries(dir) == ["a.txt"])  // no temporary left
    }

    @Test func keepsPermissionsOfReplacedFile() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.txt"
        try AtomicFile.write("x", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        try AtomicFile.write("y", to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func followsSymlinksAndKeepsThem() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try AtomicFile.write("old", to: dir + "/real/target.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: "real/target.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link2.txt", withDestinationPath: dir + "/link.txt")
        try AtomicFile.write("new", to: dir + "/link2.txt")
        #expect(Self.read(dir + "/real/target.txt") == "new")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.txt")) == "real/target.txt")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link2.txt")) == dir + "/link.txt")
        #expect(Self.entries(dir + "/real") == ["target.txt"])
        // A dangling link creates its target.
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: "real/fresh.txt")
        try AtomicFile.write("made", to: dir + "/dangling")
        #expect(Self.read(dir + "/real/fresh.txt") == "made")
    }

    @Test func refusesReadOnlyFiles() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ro.txt"
        try AtomicFile.write("keep", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        #expect(throws: FileWriteError.self) { try AtomicFile.write("lost", to: path) }
        do { try AtomicFile.write("lost", to: path) } catch { #expect(error.reason.contains("read-only")) }
        #expect(Self.read(path) == "keep")
        #expect(Self.entries(dir) == ["ro.txt"])
    }

    @Test func refusesDirectoriesAndMissingFolders() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do { try AtomicFile.write("x", to: dir); Issue.record("wrote over a directory") } catch {
            #expect(error.reason.contains("directory"))
        }
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: dir + "/no/such/file") }
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: "") }
    }

    @Test func writesDevicesInPlace() throws {
        // A character device is written, never replaced by a regular file.
        try AtomicFile.write("discarded", to: "/dev/null")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        if FileManager.default.fileExists(atPath: "/dev/full") {
            do { try AtomicFile.write("x", to: "/dev/full"); Issue.record("/dev/full accepted data") } catch {
                #expect(error.reason.lowercased().contains("space"))
            }
            #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        }
    }

    @Test func fifoWithoutReaderIsAnError() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pipe"
        #expect(mkfifo(path, 0o644) == 0)
        do { try AtomicFile.write("x", to: path); Issue.record("wrote to a FIFO nobody reads") } catch {
            #expect(error.reason.contains("reading"))
        }
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    @Test func failingProducerLeavesOldFileAndNoTemporary() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/keep.bin"
        try AtomicFile.write("original", to: path)
        do {
            try AtomicFile.write(to: path) { out in
                try out.write("half of the new cont")
                throw Boom()
            }
            Issue.record("no error")
        } catch {
            #expect(error.reason == "boom")
        }
        #expect(Self.read(path) == "original")
        #expect(Self.entries(dir) == ["keep.bin"])
    }
}
