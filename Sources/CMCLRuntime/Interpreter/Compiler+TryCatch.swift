import CMCLLang

extension Compiler {
    /// `try { body } catch name { handler }`: runtime errors in the body (not Ctrl-C, not
    /// `exit`) run the handler with `name` bound to a record describing the error.
    func tryCatch(_ body: Block, _ name: String?, _ handler: Block) -> Code {
        let (bodyCode, _) = block(body)
        let (handlerCode, slots) = block(handler, declaring: name.map { [$0] } ?? [])
        let slot = slots.first
        let boxed = slot.map(scope.isCell) ?? false
        let stack = vm.stack, cells = vm.cells, file = self.file
        return { bp, env in
            let caught: Value
            do {
                return try bodyCode(bp, env)
            } catch let d as Diagnostic where d.kind == .runtime {
                caught = Compiler.errorRecord(d)
            } catch let e as CMCLError where !e.isInterruption {
                caught = Compiler.errorRecord(Diagnostic(.runtime, e.message, file: file, span: body.span, hint: e.hint))
            }
            if let slot {
                if !boxed {
                    stack[bp + slot] = caught
                } else if let cell = cells[bp + slot] {
                    cell.value = caught
                } else {
                    cells[bp + slot] = Cell(caught)
                }
            }
            return try handlerCode(bp, env)
        }
    }

    /// The value `catch e` binds: message, kind, location, hint and the call stack.
    static func errorRecord(_ d: Diagnostic) -> Value {
        let location = d.file.map { $0.location(of: d.span.start) }
        return .record([
            ("message", .string(d.message)),
            ("kind", .string("runtime")),
            ("file", d.file.map { .string($0.name) } ?? .null),
            ("line", location.map { .number(Double($0.line)) } ?? .null),
            ("column", location.map { .number(Double($0.column)) } ?? .null),
            ("hint", d.hint.map { .string($0) } ?? .null),
            ("trace", .list(d.trace.map { .string($0.function) })),
        ])
    }
}
