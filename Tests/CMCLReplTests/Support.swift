import CMCLRuntime
import Foundation
import Testing
@testable import CMCLRepl

/// Every test that runs cmcl code lives under this suite: the Ctrl-C flag is process-wide,
/// so these tests must not run in parallel with each other.
@Suite(.serialized) struct ReplTests {}

/// A native object standing in for engine values (tensors, models): it has a field, a
/// registered property and method, and a multi-line display.
final class Box: NativeObject {
    let width: Double
    init(width: Double) { self.width = width }
    var typeName: String { "Box" }
    func display(_ style: DisplayStyle) -> String { "Box(\n  width: \(Display.number(width))\n)" }
    var fieldNames: [String] { ["inner"] }
    func field(_ name: String) -> Value? {
        name == "inner" ? .record([("depth", .number(2)), ("label", .string("x"))]) : nil
    }
}

/// A registry with the standard builtins plus `Box` members and a builtin that simulates Ctrl-C.
func testRegistry() -> BuiltinRegistry {
    let r = BuiltinRegistry.standard()
    r.add("Box.width(self)", "test", "The width of a box.", kind: .property) { a in
        guard case .object(let o) = try a.value("self"), let b = o as? Box else { return .null }
        return .number(b.width)
    }
    r.add("Box.scale(self, k)", "test", "A box k times as wide.", example: "b.scale(2)") { a in
        guard case .object(let o) = try a.value("self"), let b = o as? Box else { return .null }
        return .object(Box(width: b.width * (try a.number("k"))))
    }
    // Raises the interruption a long builtin raises after Ctrl-C, without setting the
    // process-wide flag: tests of other suites run in parallel in this process and would see it.
    // Real SIGINT in the REPL (flag set and cleared) is tested through a pseudo-terminal.
    r.add("press_ctrl_c()", "test", "Fails as a builtin stopped by Ctrl-C does.") { _ in
        throw CMCLError.interrupted
    }
    return r
}

/// A session with its output captured.
final class Captured {
    final class Sink {
        var out = ""
        var err = ""
    }

    let sink = Sink()
    let session: ReplSession
    var vm: Interpreter { session.interpreter }

    /// With a registry: a bare interpreter on it; without: `Interpreter.session()` (prelude loaded).
    init(registry: BuiltinRegistry? = nil) {
        let vm = registry.map { Interpreter(registry: $0) } ?? Interpreter.session()
        let sink = self.sink
        session = ReplSession(interpreter: vm, color: false, output: { sink.out += $0 }, error: { sink.err += $0 })
    }

    /// Submits `text` and returns what it wrote to (output, error).
    @discardableResult
    func submit(_ text: String) -> (out: String, err: String) {
        sink.out = ""
        sink.err = ""
        _ = session.submit(text)
        return (sink.out, sink.err)
    }
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
