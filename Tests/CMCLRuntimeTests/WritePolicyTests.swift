import CMCLLang
import Foundation
import Testing

/// Every writer against every hazard of docs/files.md: an existing file, a non-empty directory,
/// an empty path, a NUL byte, a directory where a file goes (and the reverse), a symbolic link,
/// a read-only file. What the user owned must be byte for byte what it was after a refusal.
@Suite struct WritePolicyTests {
    /// A writer: the call with `TARGET` for its path (and `FORCE` for `, force: true` or nothing),
    /// and whether it writes a directory.
    struct Writer: CustomStringConvertible, Sendable {
        let name: String
        let call: String
        let directory: Bool
        var description: String { name }

        func code(_ target: String, force: Bool = false) -> String {
            let prefix = """
            let data = synth.sentiment(n: 20, length: 6, seed: 1)
            let tok = word_tokenizer(data)
            let enc = encode(data, tok, max_len: 8)
            let net = transformer(vocab: len(tok), layers: 1, hidden: 8, heads: 2, intermediate: 16, max_len: 16, classes: 2, seed: 1)

            """
            return prefix + call.replacingOccurrences(of: "TARGET", with: StringEscape.quoted(target))
                .replacingOccurrences(of: "FORCE", with: force ? ", force: true" : "")
        }
    }

    static let writers: [Writer] = [
        Writer(name: "write_json", call: "write_json({a: 1}, TARGETFORCE)", directory: false),
        Writer(name: "write_csv", call: "write_csv([{a: 1}], TARGETFORCE)", directory: false),
        Writer(name: "plot file", call: "plot([1, 2, 3], file: TARGETFORCE)", directory: false),
        Writer(name: "Model.save", call: "net.save(TARGETFORCE)", directory: false),
        Writer(name: "save_pretrained", call: "net.save_pretrained(TARGETFORCE)", directory: true),
        Writer(name: "export_torch", call: "export_torch(net, enc, TARGET, steps: 1, batch: 4FORCE)", directory: true),
    ]

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "cmcl-writers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func name(_ w: Writer) -> String {
        w.directory ? "out" : (w.name == "plot file" ? "out.svg" : w.name == "write_csv" ? "out.csv" : "out.json")
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func entries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    @Test(arguments: writers)
    func refusesToReplaceWhatTheSessionDidNotWrite(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/" + Self.name(w)
        if w.directory {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try "mine".write(toFile: target + "/README.md", atomically: false, encoding: .utf8)
        } else {
            try "mine".write(toFile: target, atomically: false, encoding: .utf8)
        }
        let r = run(w.code(target))
        #expect(r.errors.first?.contains("refusing to replace") == true, "\(r.errors)")
        #expect(r.firstError?.hint?.contains("force: true") == true)
        #expect(Self.read(w.directory ? target + "/README.md" : target) == "mine")
        if w.directory { #expect(Self.entries(target) == ["README.md"]) }
        #expect(Self.entries(dir) == [Self.name(w)], "no temporary left beside the target")
        // Forced, it is replaced; a directory holds only what was written.
        let forced = run(w.code(target, force: true))
        #expect(forced.errors.isEmpty, "\(forced.errors)")
        if w.directory {
            #expect(!Self.entries(target).contains("README.md") || w.name == "export_torch")
            #expect(Self.read(target + "/README.md") != "mine")
        } else {
            #expect(Self.read(target) != "mine")
        }
        #expect(Self.entries(dir) == [Self.name(w)])
    }

    @Test(arguments: writers)
    func replacesWhatTheSameSessionWrote(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/" + Self.name(w)
        let once = w.code(target)
        let twice = once + "\n" + w.call.replacingOccurrences(of: "TARGET", with: StringEscape.quoted(target))
            .replacingOccurrences(of: "FORCE", with: "")
        let r = run(twice)
        #expect(r.errors.isEmpty, "\(r.errors)")
        // A second session does not own it.
        #expect(run(once).errors.first?.contains("refusing to replace") == true)
    }

    @Test(arguments: writers)
    func emptyAndNULPathsAreErrorsNamingTheArgument(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cwd = FileManager.default.currentDirectoryPath
        let before = Self.entries(cwd)
        let empty = run(w.code(""))
        #expect(empty.errors.first?.contains("the path is empty") == true, "\(empty.errors)")
        #expect(empty.errors.first?.contains("argument `") == true)
        #expect(Self.entries(cwd) == before, "nothing written into the current directory")
        let nul = run(w.code(dir + "/a\u{0}b" + (w.directory ? "" : ".svg")))
        #expect(nul.errors.first?.contains("NUL") == true, "\(nul.errors)")
        #expect(Self.entries(dir).isEmpty)
    }

    @Test(arguments: writers)
    func directoryAndFileMismatchesAreErrors(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/" + Self.name(w)
        if w.directory {
            try "a file".write(toFile: target, atomically: false, encoding: .utf8)
            let r = run(w.code(target, force: true))
            #expect(r.errors.first?.contains("is a file, not a directory") == true, "\(r.errors)")
            #expect(Self.read(target) == "a file")
        } else {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let r = run(w.code(target, force: true))
            #expect(r.errors.first?.contains("is a directory, not a file") == true, "\(r.errors)")
            #expect(Self.entries(target).isEmpty)
        }
    }

    @Test(arguments: writers.filter { !$0.directory })
    func symbolicLinksAreFollowedUnderTheSameRule(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = dir + "/real-" + Self.name(w), link = dir + "/" + Self.name(w)
        try "mine".write(toFile: real, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(run(w.code(link)).errors.first?.contains("refusing to replace") == true)
        #expect(Self.read(real) == "mine")
        #expect(run(w.code(link, force: true)).errors.isEmpty)
        #expect(Self.read(real) != "mine")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == real, "the link is kept")
    }

    @Test(arguments: writers.filter { !$0.directory })
    func readOnlyFilesAreNeverReplaced(_ w: Writer) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/" + Self.name(w)
        try "mine".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: target)
        let r = run(w.code(target, force: true))
        #expect(r.errors.first?.contains("read-only") == true, "\(r.errors)")
        #expect(Self.read(target) == "mine")
    }

    @Test func directoriesHoldExactlyWhatWasSaved() throws {
        // save_pretrained into a directory that held another tokenizer: the old tokenizer.json must go.
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/model"
        let code = "let net = transformer(vocab: 30, layers: 1, hidden: 8, heads: 2, intermediate: 16, max_len: 16, classes: 2, seed: 1)\n"
            + "net.save_pretrained(\(StringEscape.quoted(target))FORCE)"
        #expect(run(code.replacingOccurrences(of: "FORCE", with: "")).errors.isEmpty)
        try "{}".write(toFile: target + "/tokenizer.json", atomically: false, encoding: .utf8)
        #expect(run(code.replacingOccurrences(of: "FORCE", with: ", force: true")).errors.isEmpty)
        #expect(!Self.entries(target).contains("tokenizer.json"))
        #expect(Self.entries(target).contains("config.json"))
    }
}

