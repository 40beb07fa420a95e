import CMCLBase
import CMCLLang
import Foundation

/// Finds the files `import "name"` loads: `name.cmcl` next to the importing file, then in
/// the standard library (the `CMCL_STDLIB` folder if set, else the copy embedded in the
/// binary). Each module runs once per session.
final class ModuleLoader {
    private var loaded: Set<String> = []

    func reset() { loaded = [] }

    /// Records that `file` is running (a script, a `:load`ed file), so importing it does not run it again.
    func noteRunning(_ file: SourceFile) {
        guard !file.name.hasPrefix("<"), file.name != "-e", FileManager.default.fileExists(atPath: file.name) else { return }
        loaded.insert(URL(fileURLWithPath: file.name).standardizedFileURL.path)
    }

    /// The module's source, or nil when it was already imported.
    func resolve(_ name: String, from importer: SourceFile) throws -> SourceFile? {
        let fileName = name.hasSuffix(".cmcl") ? name : name + ".cmcl"
        var candidates: [String] = []
        if fileName.hasPrefix("/") {
            candidates.append(fileName)
        } else {
            let importerDir = (importer.name.hasPrefix("<") || importer.name == "-e")
                ? FileManager.default.currentDirectoryPath
                : URL(fileURLWithPath: importer.name).deletingLastPathComponent().path
            candidates.append(URL(fileURLWithPath: importerDir).appendingPathComponent(fileName).path)
            if let dir = ProcessInfo.processInfo.environment["CMCL_STDLIB"] {
                candidates.append(URL(fileURLWithPath: dir).appendingPathComponent(fileName).path)
            }
        }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            if loaded.contains(key) { return nil }
            let text: String
            do {
                text = try SourceReader.read(path: path)
            } catch {
                throw CMCLError("cannot read \(path): \(error)")
            }
            loaded.insert(key)
            return SourceFile(name: ModuleLoader.displayPath(path), text: text)
        }
        let base = fileName.hasSuffix(".cmcl") ? String(fileName.dropLast(5)) : fileName
        if let text = StdlibSources.files[base] {
            let key = "<stdlib>/" + base
            if loaded.contains(key) { return nil }
            loaded.insert(key)
            return SourceFile(name: "stdlib/\(base).cmcl", text: text)
        }
        throw CMCLError("no module named \"\(name)\"",
                        hint: Suggestion.hint(for: base, in: StdlibSources.files.keys)
                            ?? "looked for \(fileName) next to \(importer.name) and in the standard library")
    }

    /// A path relative to the working directory when it is inside it.
    static func displayPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        return full.hasPrefix(cwd) ? String(full.dropFirst(cwd.count)) : path
    }
}
