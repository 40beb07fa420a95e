import CMCLBase
import CMCLLang

extension Interpreter {
    /// Calls `callee` from compiled code, turning builtin errors into diagnostics that
    /// point at the call (or the offending argument) and adding a trace frame.
    func perform(_ callee: Value, _ positional: [Value], _ named: [(String, Value)], site: CallSite,
                 name: String, receiverOffset: Int = 0) throws -> Value {
        switch callee {
        case .closure(let c):
            let values: [Value?]
            do {
                values = try bindClosureArguments(c.function, positional, named: named)
            } catch let e as CMCLError {
                throw Diagnostic(e.diagnosticKind, e.message, file: site.file,
                                 span: site.span(for: e.argument, signature: nil, receiverOffset: receiverOffset),
                                 hint: e.hint)
            }
            do {
                return try enter(c, values)
            } catch var d as Diagnostic {
                d.trace.append(TraceFrame(function: c.function.name, file: site.file, span: site.span))
                throw d
            } catch let e as CMCLError {
                throw Diagnostic(e.diagnosticKind, e.message, file: site.file, span: site.span, hint: e.hint,
                                 trace: [TraceFrame(function: c.function.name, file: site.file, span: site.span)])
            }
        case .builtin(let b):
            var args = positional
            var offset = receiverOffset
            if let receiver = b.receiver {
                args.insert(receiver, at: 0)
                offset += 1
            }
            return try invokeAt(b.builtin, args, named, site: site, receiverOffset: offset)
        case .object(let o):
            do {
                let bound = try bind(Signature.variadicCall, positional, named: [])
                var call = bound
                call.options = named
                if let result = try o.call(call) { return result }
                throw CMCLError("a \(o.typeName) cannot be called", hint: "only functions, builtins and models can be called")
            } catch let e as CMCLError {
                throw diagnostic(e, site: site, signature: nil, receiverOffset: receiverOffset)
            } catch let d as Diagnostic {
                throw d
            } catch let exit as ScriptExit {
                throw exit
            } catch {
                throw diagnostic(CMCLError(engine: error), site: site, signature: nil, receiverOffset: receiverOffset)
            }
        default:
            let what = name == "<expression>" ? "this value is \(Display.describe(callee))" : "`\(name)` is \(Display.describe(callee))"
            throw Diagnostic(.runtime, "\(what), not a function", file: site.file,
                             span: site.span, hint: "only functions, builtins and models can be called")
        }
    }

    func invokeAt(_ builtin: Builtin, _ args: [Value], _ named: [(String, Value)], site: CallSite,
                  receiverOffset: Int) throws -> Value {
        do {
            return try invoke(builtin, args, named: named)
        } catch let e as CMCLError {
            throw diagnostic(e, site: site, signature: builtin.signature, receiverOffset: receiverOffset)
        } catch var d as Diagnostic {
            d.trace.append(TraceFrame(function: builtin.name, file: site.file, span: site.span))
            throw d
        } catch let exit as ScriptExit {
            throw exit
        }
    }

    func diagnostic(_ e: CMCLError, site: CallSite, signature: Signature?, receiverOffset: Int) -> Diagnostic {
        Diagnostic(e.diagnosticKind, e.message, file: site.file,
                   span: site.span(for: e.argument, signature: signature, receiverOffset: receiverOffset),
                   hint: e.hint)
    }

    /// `object.name(args)`: a record's function field, a method registered for the
    /// object's type, a native field, or any global function called with the object as
    /// its first argument (`xs.map(f)` is `map(xs, f)`).
    func callMethod(_ object: Value, _ name: String, _ positional: [Value], _ named: [(String, Value)],
                    site: CallSite, nameSpan: Span) throws -> Value {
        if case .record(let r) = object, let f = r[name] {
            return try perform(f, positional, named, site: site, name: name)
        }
        if let b = registry.member(of: object.typeName, name) {
            if b.kind == .property {
                let value = try invokeAt(b, [object], [], site: site, receiverOffset: 1)
                return try perform(value, positional, named, site: site, name: name)
            }
            return try invokeAt(b, [object] + positional, named, site: site, receiverOffset: 1)
        }
        if case .object(let o) = object, let f = o.field(name) {
            return try perform(f, positional, named, site: site, name: name)
        }
        if let g = global(name), g.isCallable {
            return try perform(g, [object] + positional, named, site: site, name: name, receiverOffset: 1)
        }
        throw Diagnostic(.runtime, "\(Display.describe(object)) has no method `\(name)`", file: site.file, span: nameSpan,
                         hint: Suggestion.hint(for: name, in: memberNames(of: object) + globalNamesDefined))
    }

    /// `object.name` without a call.
    public func member(_ object: Value, _ name: String) throws -> Value {
        if case .record(let r) = object {
            if let v = r[name] { return v }
            if registry.member(of: "record", name) == nil {
                throw CMCLError("record has no field `\(name)`",
                                hint: Suggestion.hint(for: name, in: r.keys) ?? "its fields: \(r.keys.joined(separator: ", "))",
                                kind: .name)
            }
        }
        if let b = registry.member(of: object.typeName, name) {
            if b.kind == .property { return try invoke(b, [object], named: []) }
            return .builtin(BoundBuiltin(b, receiver: object))
        }
        if case .object(let o) = object, let v = o.field(name) { return v }
        throw CMCLError("\(Display.describe(object)) has no field `\(name)`",
                        hint: Suggestion.hint(for: name, in: memberNames(of: object)), kind: .name)
    }

    /// Names completion and suggestions offer after `value.`.
    public func memberNames(of value: Value) -> [String] {
        var names: [String] = []
        if case .record(let r) = value { names += r.keys }
        names += registry.members(of: value.typeName).map(\.memberName)
        if case .object(let o) = value { names += o.fieldNames }
        return names
    }
}
