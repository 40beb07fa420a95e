import CMCLBase
import CMCLLang
import CMCLRuntime

extension ReplSession {
    /// `:help` and `:help NAME`: the same registry texts `help(name)` and the docs use.
    func help(_ name: String) {
        let registry = interpreter.registry
        guard !name.isEmpty else {
            var out = "Commands:\n"
            for c in MetaCommand.all { out += "  " + c.usage.padded(18) + " " + c.summary + "\n" }
            // The full list is long: past a screenful, list the topics instead.
            let overview = Help.overview(registry)
            out += "\n" + (overview.split(separator: "\n").count > 40 ? Help.topics(registry) : overview)
            let prelude = baselineFunctions
            if !prelude.isEmpty {
                out += "Prelude (written in cmcl):\n  " + prelude.joined(separator: ", ") + "\n"
            }
            out += "\n`:help NAME` (or `NAME?`) shows a signature, a description and an example; `:help Type.method` and `:help TOPIC` "
                + "(`:help topic NAME` when a builtin has the topic's name) work too.\n"
            out += "Tab completes names, members after `.`, commands and file paths in strings.\n"
            return emit(out)
        }
        if let cmd = MetaCommand.named(name.hasPrefix(":") ? String(name.dropFirst()) : name), name.hasPrefix(":")
            || registry.lookup(name) == nil && interpreter.global(name) == nil {
            return emit(cmd.usage + "\n  " + cmd.summary + "\n")
        }
        // `:help topic compare`: the topic even when a builtin has its name.
        if name.hasPrefix("topic "), let text = Help.topic(registry, String(name.dropFirst(6)).trimmingCharacters(in: .whitespaces)) {
            return emit(text)
        }
        if let b = registry.lookup(name) {
            let topic = Help.topic(registry, name) == nil ? "" : "\n  (`\(name)` is also a topic: `:help topic \(name)` lists it)"
            return emit(Help.text(for: b) + topic + "\n")
        }
        if let v = registry.documentedValue(name) { return emit(v.text + "\n") }
        if let text = Help.topic(registry, name) { return emit(text) }
        // A bare method name (`save_pretrained`): the method, and how to ask for it.
        let methods = registry.methods(named: name)
        if !methods.isEmpty, interpreter.global(name) == nil {
            var out = "`\(name)` is a method (`:help \(methods[0].name)`):\n"
            for m in methods { out += Help.text(for: m) + "\n" }
            return emit(out)
        }
        // `x.method` with x a variable: the method of x's type.
        if let dot = name.firstIndex(of: "."), let v = interpreter.global(String(name[..<dot])) {
            let member = String(name[name.index(after: dot)...])
            if let b = registry.member(of: v.typeName, member) { return emit(Help.text(for: b) + "\n") }
        }
        let members = registry.members(of: name)
        if !members.isEmpty {
            var out = "\(name) methods and properties:\n"
            for b in members { out += "  " + b.memberName.padded(18) + " " + b.summary + "\n" }
            return emit(out)
        }
        if let v = interpreter.global(name) {
            var out = Display.render(v, .repl) + "\n"
            if case .closure = v {
                out += "  a function written in cmcl" + (baselineFunctions.contains(name) ? " (prelude)" : "") + "\n"
            } else {
                out += "  a variable of type \(v.typeName)\n"
            }
            return emit(out)
        }
        var names = registry.all.map(\.name) + interpreter.globalNamesDefined
        names += MetaCommand.all.map { ":" + $0.name }
        let hint = Suggestion.hint(for: name, in: names).map { "; \($0)" } ?? ""
        fail("no builtin, command or variable named `\(name)`\(hint)")
    }
}
