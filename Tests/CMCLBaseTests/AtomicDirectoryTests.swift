import CMCLBase
import Foundation
import Testing

/// `WritePolicy` for files and `AtomicDirectory`: what a session may replace, and directories
/// that hold exactly what was written.
@Suite struct AtomicDirectoryTests {
    static func scratch() throws -> String { try AtomicFileTests.scratch() }
    static func entries(_ dir: String) -> [String] { AtomicFileTests.entries(dir) }

    @Test func aFileIsReplacedOnlyByItsSessionOrWhenForced() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.txt"
        let mine = WritePolicy(ledger: WriteLedger()), theirs = WritePolicy(ledger: WriteLedger())
        try AtomicFile.write("one", to: path, policy: mine)
        try AtomicFile.write("two", to: path, policy: mine)
        #expect(AtomicFileTests.read(path) == "two")
        #expect(throws: FileWriteError.self) { try AtomicFile.write("three", to: path, policy: theirs) }
        #expect(AtomicFileTests.read(path) == "two")
        // Changed behind the session's back: no longer the session's.
        try "edited".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            try AtomicFile.write("four", to: path, policy: mine)
            Issue.record("replaced a file edited since the session wrote it")
        } catch {
            #expect(error.kind == .wouldReplace)
        }
        try AtomicFile.write("five", to: path, policy: WritePolicy(force: true))
        #expect(AtomicFileTests.read(path) == "five")
        #expect(Self.entries(dir) == ["a.txt"])
    }

    @Test func invalidPathsAreRefusedBeforeAnythingIsWritten() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for path in ["", dir + "/a\u{0}b", dir + "/", dir + "/sub/"] {
            do {
                try AtomicFile.write("x", to: path, policy: .replace)
                Issue.record("wrote \(path.debugDescription)")
            } catch {
                #expect(error.kind == .invalidPath, "\(path.debugDescription): \(error)")
            }
        }
        do {
            try AtomicDirectory.write(to: dir + "/a\u{0}b", policy: .replace) { _ in }
            Issue.record("made a directory with a NUL in its name")
        } catch let e as FileWriteError {
            #expect(e.kind == .invalidPath)
        }
        #expect(Self.entries(dir).isEmpty)
    }

    @Test func aDirectoryHoldsExactlyWhatWasWritten() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/model"
        let ledger = WriteLedger()
        try AtomicDirectory.write(to: target, policy: WritePolicy(ledger: ledger)) { temp in
            try AtomicFile.write("a", to: temp + "/config.json")
            try AtomicFile.write("b", to: temp + "/tokenizer.json")
        }
        #expect(Self.entries(target) == ["config.json", "tokenizer.json"])
        // The same session rewrites it: the old tokenizer.json does not survive.
        try AtomicDirectory.write(to: target, policy: WritePolicy(ledger: ledger)) { temp in
            try AtomicFile.write("c", to: temp + "/config.json")
            try AtomicFile.write("d", to: temp + "/vocab.txt")
        }
        #expect(Self.entries(target) == ["config.json", "vocab.txt"])
        #expect(Self.entries(dir) == ["model"], "no temporary or old directory left")
    }

    @Test func aNonEmptyDirectoryOfSomeoneElseIsRefusedAndKept() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/project"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try "notes".write(toFile: target + "/README.md", atomically: false, encoding: .utf8)
        var ran = false
        do {
            try AtomicDirectory.write(to: target, policy: WritePolicy(ledger: WriteLedger())) { _ in ran = true }
            Issue.record("replaced a directory the session did not write")
        } catch let e as FileWriteError {
            #expect(e.kind == .wouldReplace)
        }
        #expect(!ran, "refused before doing the work")
        #expect(Self.entries(target) == ["README.md"])
        // An empty directory may be replaced; a file where the directory goes may not.
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        try AtomicDirectory.write(to: dir + "/empty", policy: WritePolicy()) { temp in try AtomicFile.write("x", to: temp + "/x") }
        #expect(Self.entries(dir + "/empty") == ["x"])
        try "file".write(toFile: dir + "/plain", atomically: false, encoding: .utf8)
        #expect(throws: FileWriteError.self) { try AtomicDirectory.write(to: dir + "/plain", policy: WritePolicy(force: true)) { _ in } }
        #expect(AtomicFileTests.read(dir + "/plain") == "file")
    }

    @Test func aFailureMidwayLeavesTheOldDirectoryAndNoTemporary() throws {
        struct Boom: Error {}
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/out"
        try AtomicDirectory.write(to: target, policy: WritePolicy(force: true)) { temp in try AtomicFile.write("old", to: temp + "/a") }
        #expect(throws: Boom.self) {
            try AtomicDirectory.write(to: target, policy: WritePolicy(force: true)) { temp in
                try AtomicFile.write("new", to: temp + "/a")
                throw Boom()
            }
        }
        #expect(AtomicFileTests.read(target + "/a") == "old")
        #expect(Self.entries(dir) == ["out"])
    }
}
