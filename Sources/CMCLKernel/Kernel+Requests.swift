import CMCLData
import CMCLLang
import CMCLRepl
import CMCLRuntime
import Foundation

extension Kernel {
    // MARK: execute

    func execute(_ request: KernelMessage) {
        let content = request.content
        guard let code = content["code"]?.string else {
            return reply(request, on: shell, content: Kernel.errorContent("BadRequest", "execute_request without a string `code`"))
        }
        let silent = content["silent"] == .bool(true)
        let storeHistory = !silent && content["store_history"] != .bool(false)
        currentParent = request.header
        streams.begin(parent: request.header, muted: silent)
        errorText = ""
        let before = repl.cellNumber
        if !silent {
            publish("execute_input", ["code": .string(code), "execution_count": .number(Double(before))], parent: request.header)
        }
        // An interrupt that arrived while the kernel was idle does not cancel this cell.
        Interrupt.clear()
        var payload: [JSONValue] = []
        if code.allSatisfy(\.isWhitespace) {
            // Nothing to run; the count does not move.
        } else if let name = Kernel.pageRequest(code) {
            // `name?` or `?name` (as in IPython): the help text in the pager.
            let (text, ok) = captured { repl.submit(":help \(name)") }
            if ok { payload.append(["source": "page", "data": ["text/plain": .string(text)], "start": 0]) }
        } else if silent {
            let result = vm.run(SourceFile(name: "<silent>", text: code))
            Interrupt.clear()
            if !result.diagnostics.isEmpty {
                let renderer = DiagnosticRenderer(color: true)
                errorText = result.diagnostics.map { renderer.render($0) }.joined()
            }
        } else {
            let ran = before
            if storeHistory { history.add(code, line: ran) }
            repl.submit(code)
            repl.finishLine()
        }
        streams.flush()
        let count = Double(repl.cellNumber > before ? before : max(repl.cellNumber - 1, 0))
        var replyContent: JSONObject
        if !errorText.isEmpty {
            let first = repl.lastDiagnostics.first
            let name = first.map { Kernel.errorName($0.kind) } ?? "CommandError"
            let value = first?.message ?? NotebookDocument.plainText(errorText).split(separator: "\n").first.map(String.init) ?? ""
            let traceback = errorText.hasSuffix("\n") ? String(errorText.dropLast()) : errorText
            let error = Kernel.errorContent(name, value, traceback: traceback.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            if !silent {
                var shown = error
                shown["status"] = nil
                publish("error", shown, parent: request.header)
            }
            replyContent = error
            replyContent["execution_count"] = .number(count)
        } else {
            replyContent = ["status": "ok", "execution_count": .number(count), "payload": .array(payload),
                            "user_expressions": .object(userExpressions(content["user_expressions"]?.object ?? [:]))]
        }
        reply(request, on: shell, content: replyContent)
        currentParent = [:]
        if !errorText.isEmpty, !silent, content["stop_on_error"] != .bool(false) { abortQueuedCells() }
    }

    /// After a failed cell (with `stop_on_error`, the default), cells already queued behind it
    /// are not run but answered `aborted`, as ipykernel does, so *Run All* stops at the error.
    /// Other queued requests are answered as usual.
    func abortQueuedCells() {
        while let frames = try? shell.receive(timeout: 0) {
            guard let queued = try? KernelMessage.decode(frames, signer: signer), queued.type == "execute_request" else {
                handle(frames, on: shell)
                continue
            }
            publish("status", ["execution_state": .string("busy")], parent: queued.header)
            reply(queued, on: shell, content: ["status": "aborted", "execution_count": .number(Double(max(repl.cellNumber - 1, 0)))])
            publish("status", ["execution_state": .string("idle")], parent: queued.header)
        }
    }

    /// Runs `body` with the session's output and errors gathered instead of sent; returns the
    /// output, and whether no error was reported.
    func captured(_ body: () -> Void) -> (String, Bool) {
        let savedErrors = errorText
        errorText = ""
        capture = ""
        body()
        let text = capture ?? ""
        let ok = errorText.isEmpty
        capture = nil
        errorText = savedErrors
        return (text, ok)
    }

    /// `name?`, `?name`, `name??`: the name whose help goes to the pager, or nil.
    static func pageRequest(_ code: String) -> String? {
        let t = code.trimmingCharacters(in: .whitespacesAndNewlines)
        var name = Substring(t)
        if name.hasPrefix("?") { name = name.drop { $0 == "?" } } else if name.hasSuffix("?") {
            while name.hasSuffix("?") { name = name.dropLast() }
        } else { return nil }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        return String(name)
    }

    static func errorName(_ kind: Diagnostic.Kind) -> String {
        let word = String(describing: kind)
        if word == "interrupted" { return "KeyboardInterrupt" }
        return word.prefix(1).uppercased() + word.dropFirst() + "Error"
    }

    /// Each expression's value as a display bundle, or its error; nothing is printed.
    func userExpressions(_ expressions: JSONObject) -> JSONObject {
        var out: JSONObject = [:]
        for (name, source) in expressions.pairs {
            guard let code = source.string else { continue }
            let saved = vm.output
            vm.output = { _ in }
            let result = vm.run(SourceFile(name: "<expression>", text: code))
            vm.output = saved
            if let d = result.diagnostics.first {
                out[name] = .object(Kernel.errorContent(Kernel.errorName(d.kind), d.message))
            } else {
                out[name] = ["status": "ok", "data": .object(KernelDisplay.bundle(result.value ?? .null)), "metadata": [:]]
            }
        }
        return out
    }

    // MARK: complete, inspect, is_complete

    func complete(_ content: JSONObject) -> JSONObject {
        let code = content["code"]?.string ?? ""
        let cursor = Kernel.utf8Offset(code, codePoint: content["cursor_pos"]?.int ?? code.unicodeScalars.count)
        let completion = Completer(interpreter: vm).complete(code, cursor: cursor)
        return ["status": "ok", "matches": .array(completion.texts.map { .string($0) }),
                "cursor_start": .number(Double(Kernel.codePoint(code, utf8Offset: completion.range.lowerBound))),
                "cursor_end": .number(Double(Kernel.codePoint(code, utf8Offset: completion.range.upperBound))),
                "metadata": [:]]
    }

    func inspect(_ content: JSONObject) -> JSONObject {
        let code = content["code"]?.string ?? ""
        let cursor = Kernel.utf8Offset(code, codePoint: content["cursor_pos"]?.int ?? code.unicodeScalars.count)
        guard let name = Kernel.name(in: code, at: cursor) else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        let (text, ok) = captured { repl.submit(":help \(name)") }
        guard ok, !text.isEmpty else { return ["status": "ok", "found": false, "data": [:], "metadata": [:]] }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(text)], "metadata": [:]]
    }

    func isComplete(_ content: JSONObject) -> JSONObject {
        let code = content["code"]?.string ?? ""
        if code.allSatisfy(\.isWhitespace) || MetaCommand.split(code) != nil { return ["status": "complete"] }
        if code.hasSuffix("\\") { return ["status": "incomplete", "indent": ""] }
        let (_, diagnostics) = Parser.parse(SourceFile(name: "<cell>", text: code))
        if diagnostics.isEmpty { return ["status": "complete"] }
        if diagnostics.allSatisfy(\.isIncompleteInput) {
            var lexer = Lexer(file: SourceFile(name: "<cell>", text: code))
            var depth = 0
            for token in lexer.tokenize() {
                switch token.kind {
                case .leftBrace, .leftParen, .leftBracket: depth += 1
                case .rightBrace, .rightParen, .rightBracket: depth -= 1
                default: break
                }
            }
            return ["status": "incomplete", "indent": .string(String(repeating: "  ", count: max(0, depth)))]
        }
        return ["status": "invalid"]
    }

    /// The dotted name around the UTF-8 offset `cursor` (`cfg.epochs`, `print`), or nil.
    static func name(in code: String, at cursor: Int) -> String? {
        let bytes = Array(code.utf8)
        func isName(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 46
        }
        var start = min(max(cursor, 0), bytes.count), end = start
        while start > 0, isName(bytes[start - 1]) { start -= 1 }
        while end < bytes.count, isName(bytes[end]) { end += 1 }
        let name = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return nil }
        return name
    }

    /// Jupyter counts cursor positions in Unicode code points; the completer in UTF-8 bytes.
    static func utf8Offset(_ text: String, codePoint: Int) -> Int {
        var bytes = 0
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i >= codePoint { break }
            bytes += UTF8.width(scalar)
        }
        return bytes
    }

    static func codePoint(_ text: String, utf8Offset: Int) -> Int {
        var bytes = 0, points = 0
        for scalar in text.unicodeScalars {
            if bytes >= utf8Offset { break }
            bytes += UTF8.width(scalar)
            points += 1
        }
        return points
    }
}
