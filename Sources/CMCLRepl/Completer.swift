import CMCLLang
import CMCLRuntime
import Foundation

/// One completion candidate.
public struct Candidate: Equatable, Sendable {
    /// What a candidate is; decides what is appended when it is the only match.
    public enum Kind: Equatable, Sendable {
        case keyword, function, value, command, file, directory
        /// A named argument of the call the cursor is in (`epochs:`).
        case argument
    }

    /// The text that replaces the word being completed (directories end with `/`).
    public var text: String
    public var kind: Kind

    public init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// The answer to a completion request: which part of the line to replace, and with what.
public struct Completion: Equatable, Sendable {
    /// UTF-8 offsets of the text the candidates replace (the word before the cursor).
    public var range: Range<Int>
    /// Candidates in display order (sorted, without duplicates).
    public var candidates: [Candidate]

    /// The quote of the string the word is in, if any (closed after a unique file).
    public var quote: String?

    public init(range: Range<Int>, candidates: [Candidate], quote: String? = nil) {
        self.range = range
        self.candidates = candidates
        self.quote = quote
    }

    /// The candidates' texts.
    public var texts: [String] { candidates.map(\.text) }

    /// What to type after a unique match: `(` after a function, a space after a keyword or
    /// command, the closing quote after a file named in a string, nothing after a directory.
    public var suffixIfUnique: String {
        guard candidates.count == 1, let only = candidates.first else { return "" }
        switch only.kind {
        case .function: return "("
        case .keyword, .command, .argument: return " "
        case .value, .directory: return ""
        case .file: return quote ?? ""
        }
    }
}

/// Tab completion for the REPL, independent of the terminal: give it the line and the
/// cursor, get back the word to replace and the candidates.
///
///     let completer = Completer(interpreter: vm)
///     completer.complete("pri", cursor: 3).texts       // ["print"]
///     completer.complete("cfg.ep", cursor: 6).texts    // ["epochs"] when cfg = {epochs: 3}
///
/// It completes `:` commands, keywords, builtins and variables in scope, members after a
/// `.` (evaluating only name/field chains: nothing is called), and file paths inside a
/// string literal or after `:load` / `:save`.
public struct Completer {
    public let interpreter: Interpreter
    /// The directory relative paths are completed against.
    public var workingDirectory: String

    public init(interpreter: Interpreter,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.interpreter = interpreter
        self.workingDirectory = workingDirectory
    }

    /// Candidates for the word that ends at `cursor` (a UTF-8 offset into `line`).
    public func complete(_ line: String, cursor: Int) -> Completion {
        let bytes = Array(line.utf8)
        let end = max(0, min(cursor, bytes.count))
        let head = Array(bytes[0..<end])
        // Meta-commands.
        var lead = 0
        while lead < head.count, head[lead] == UInt8(ascii: " ") || head[lead] == UInt8(ascii: "\t") { lead += 1 }
        if lead < head.count, head[lead] == UInt8(ascii: ":") {
            return completeCommand(head, from: lead)
        }
        return completeCode(head, from: 0)
    }

    /// Where the word being completed starts (a UTF-8 offset), for terminals that replace it.
    public func wordStart(_ line: String, cursor: Int) -> Int {
        complete(line, cursor: cursor).range.lowerBound
    }

    // MARK: Contexts

    private func completeCommand(_ head: [UInt8], from lead: Int) -> Completion {
        guard let space = head[lead...].firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
            let word = text(head[lead...])
            let names = MetaCommand.all.map { ":" + $0.name }.filter { $0.hasPrefix(word) }
            return Completion(range: lead..<head.count, candidates: names.map { Candidate($0, .command) })
        }
        let name = text(head[(lead + 1)..<space])
        var argStart = space
        while argStart < head.count, head[argStart] == UInt8(ascii: " ") || head[argStart] == UInt8(ascii: "\t") {
            argStart += 1
        }
        switch MetaCommand.named(name)?.name {
        case "load", "save":
            let word = text(head[argStart...])
            return Completion(range: argStart..<head.count, candidates: paths(matching: word))
        case "help":
            let start = wordStart(head, allowDots: true, lowerBound: argStart)
            let word = text(head[start...])
            var names = Set(interpreter.registry.all.map(\.name))
            names.formUnion(interpreter.globalNamesDefined.filter { !$0.hasPrefix("_") })
            names.formUnion(MetaCommand.all.map { ":" + $0.name })
            let candidates = names.filter { $0.hasPrefix(word) }.sorted().map { Candidate($0, .value) }
            return Completion(range: start..<head.count, candidates: candidates)
        case "type", "time":
            return completeCode(head, from: argStart)
        default:
            return Completion(range: head.count..<head.count, candidates: [])
        }
    }

    private func completeCode(_ head: [UInt8], from codeStart: Int) -> Completion {
        if let quote = openStringStart(head, from: codeStart) {
            let word = text(head[(quote + 1)...])
            // A string argument with known values (`glue("` → task names).
            if let call = enclosingCall(head, before: quote, lowerBound: codeStart), let b = interpreter.registry.lookup(call.callee),
               call.argument < b.signature.parameters.count, let choices = b.choices[b.signature.parameters[call.argument].name] {
                return Completion(range: (quote + 1)..<head.count,
                                  candidates: choices.filter { $0.hasPrefix(word) }.map { Candidate($0, .file) },
                                  quote: text(head[quote...quote]))
            }
            return Completion(range: (quote + 1)..<head.count, candidates: paths(matching: word),
                              quote: text(head[quote...quote]))
        }
        let start = wordStart(head, allowDots: false, lowerBound: codeStart)
        let word = text(head[start...])
        if let first = word.utf8.first, isDigit(first) {
            return Completion(range: start..<head.count, candidates: [])
        }
        if start > codeStart, head[start - 1] == UInt8(ascii: ".") {
            guard let value = chainValue(head, endingBefore: start - 1, lowerBound: codeStart) else {
                return Completion(range: start..<head.count, candidates: [])
            }
            return Completion(range: start..<head.count, candidates: members(of: value, prefix: word))
        }
        // Inside a call: its named arguments first (`fit(m, d, ep` → `epochs:`).
        var arguments: [Candidate] = []
        if let call = enclosingCall(head, before: start, lowerBound: codeStart), let b = interpreter.registry.lookup(call.callee) {
            let given = Set(call.labels)
            arguments = b.signature.parameters.dropFirst(call.argument)
                .filter { !$0.isVariadic && !$0.collectsNamed && $0.name.hasPrefix(word) && !given.contains($0.name) }
                .map { Candidate($0.name + ":", .argument) }
        }
        // A matching named argument wins over global names (`ep` → `epochs:`, not `eprint`).
        return Completion(range: start..<head.count, candidates: arguments.isEmpty || word.isEmpty ? arguments + names(prefix: word) : arguments)
    }

    /// The builtin call whose parentheses are open at `end`: its name, the index of the
    /// argument being written, and the labels already given. Nil outside a call.
    func enclosingCall(_ head: [UInt8], before end: Int, lowerBound: Int) -> (callee: String, argument: Int, labels: [String])? {
        var depth = 0, commas = 0
        var i = end - 1
        var inString: UInt8?
        var labels: [String] = []
        while i >= lowerBound {
            let c = head[i]
            if let q = inString {
                if c == q { inString = nil }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                inString = c
            } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                depth += 1
            } else if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                if depth == 0 {
                    guard c == UInt8(ascii: "(") else { return nil }
                    var s = i
                    while s > lowerBound, isIdentChar(head[s - 1]) { s -= 1 }
                    guard s < i else { return nil }
                    return (text(head[s..<i]), commas, labels)
                }
                depth -= 1
            } else if depth == 0, c == UInt8(ascii: ",") {
                commas += 1
            } else if depth == 0, c == UInt8(ascii: ":") {
                var s = i
                while s > lowerBound, isIdentChar(head[s - 1]) { s -= 1 }
                if s < i { labels.append(text(head[s..<i])) }
            }
            i -= 1
        }
        return nil
    }

    // MARK: Candidates

    /// Keywords, builtins and variables in scope that start with `prefix`.
    func names(prefix: String) -> [Candidate] {
        var out: [String: Candidate] = [:]
        for k in TokenKind.keywordSpellings where k.hasPrefix(prefix) { out[k] = Candidate(k, .keyword) }
        for name in interpreter.globalNamesDefined where name.hasPrefix(prefix) {
            if name.hasPrefix("_"), !prefix.hasPrefix("_") { continue }
            guard let v = interpreter.global(name) else { continue }
            out[name] = Candidate(name, v.isCallable ? .function : .value)
        }
        return out.values.sorted { $0.text < $1.text }
    }

    /// Fields and methods of `value` (sorted); when none match, the global functions, which
    /// are callable as methods (`xs.map(f)`).
    func members(of value: Value, prefix: String) -> [Candidate] {
        var own: [String: Candidate] = [:]
        for name in interpreter.memberNames(of: value) where name.hasPrefix(prefix) {
            own[name] = Candidate(name, memberKind(value, name))
        }
        if !own.isEmpty { return own.values.sorted { $0.text < $1.text } }
        var globals: [Candidate] = []
        for name in interpreter.globalNamesDefined where name.hasPrefix(prefix) && !name.hasPrefix("_") {
            guard own[name] == nil, let g = interpreter.global(name), g.isCallable else { continue }
            globals.append(Candidate(name, .function))
        }
        return own.values.sorted { $0.text < $1.text } + globals.sorted { $0.text < $1.text }
    }

    private func memberKind(_ value: Value, _ name: String) -> Candidate.Kind {
        if case .record(let r) = value, let v = r[name] { return v.isCallable ? .function : .value }
        if let b = interpreter.registry.member(of: value.typeName, name) {
            return b.kind == .property ? .value : .function
        }
        if case .object(let o) = value, let v = o.field(name) { return v.isCallable ? .function : .value }
        return .value
    }

    /// Files and directories whose path starts with `word` (relative to the working directory,
    /// or absolute, or under `~`).
    func paths(matching word: String) -> [Candidate] {
        let slash = word.lastIndex(of: "/")
        let dirPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var directory = dirPart.isEmpty ? "." : dirPart
        if directory.hasPrefix("~") {
            directory = NSString(string: directory).expandingTildeInPath
        }
        if !directory.hasPrefix("/") {
            directory = (workingDirectory as NSString).appendingPathComponent(directory)
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [Candidate] = []
        for entry in entries where entry.hasPrefix(namePart) {
            if entry.hasPrefix("."), !namePart.hasPrefix(".") { continue }
            var isDir: ObjCBool = false
            let full = (directory as NSString).appendingPathComponent(entry)
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDir)
            out.append(isDir.boolValue ? Candidate(dirPart + entry + "/", .directory) : Candidate(dirPart + entry, .file))
        }
        return out.sorted { $0.text < $1.text }
    }

    // MARK: Scanning

    /// The value of the `name.field.field` chain that ends just before `end` (the dot), or nil
    /// when the text there is anything else. Nothing is called: only globals, record fields
    /// and native fields are read.
    func chainValue(_ head: [UInt8], endingBefore end: Int, lowerBound: Int) -> Value? {
        var names: [String] = []
        var pos = end
        while true {
            var start = pos
            while start > lowerBound, isIdentChar(head[start - 1]) { start -= 1 }
            guard start < pos, !isDigit(head[start]) else { return nil }
            names.insert(text(head[start..<pos]), at: 0)
            if start > lowerBound, head[start - 1] == UInt8(ascii: ".") {
                pos = start - 1
                continue
            }
            if start > lowerBound, head[start - 1] == UInt8(ascii: ")") || head[start - 1] == UInt8(ascii: "]") {
                return nil
            }
            break
        }
        guard let root = names.first, TokenKind.keywordSpellings.contains(root) == false,
              var value = interpreter.global(root) else { return nil }
        for name in names.dropFirst() {
            switch value {
            case .record(let r):
                guard let v = r[name] else { return nil }
                value = v
            case .object(let o):
                guard let v = o.field(name) else { return nil }
                value = v
            default:
                return nil
            }
        }
        return value
    }

    /// The offset of the quote that opens a string still open at the end of `head`, if any.
    func openStringStart(_ head: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var opened = 0
        var i = start
        while i < head.count {
            let c = head[i]
            if let q = quote {
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c == q || c == UInt8(ascii: "\n") { quote = nil }
            } else if c == UInt8(ascii: "#") {
                while i < head.count, head[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
                opened = i
            }
            i += 1
        }
        return quote == nil ? nil : opened
    }

    private func wordStart(_ head: [UInt8], allowDots: Bool, lowerBound: Int) -> Int {
        var start = head.count
        while start > lowerBound, isIdentChar(head[start - 1]) || (allowDots && head[start - 1] == UInt8(ascii: ".")) {
            start -= 1
        }
        return start
    }

    private func isIdentChar(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || isDigit(c) || c == UInt8(ascii: "_")
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
