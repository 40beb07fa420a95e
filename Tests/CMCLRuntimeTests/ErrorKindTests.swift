import CMCLData
import CMCLLang
import CMCLNN
import Foundation
import CMCLTensor
import Testing
@testable import CMCLRuntime

/// Runs `setup` in a fresh session, then hands the session to `body` (on a large stack).
private func inSession<T>(_ setup: String, _ body: @escaping (Interpreter) -> T) -> T {
    LargeStack.run {
        let vm = Interpreter.session()
        _ = vm.run(SourceFile(name: "t.cmcl", text: setup))
        return body(vm)
    }
}

/// The error a call throws, if a `CMCLError`.
private func callError(_ vm: Interpreter, _ name: String, _ positional: [String], named: [(String, Value)] = []) -> CMCLError? {
    guard let callee = vm.global(name) else { return nil }
    do {
        _ = try vm.call(callee, positional.compactMap { vm.global($0) }, named: named)
        return nil
    } catch let e as CMCLError {
        return e
    } catch {
        return nil
    }
}

@Suite("Errors reach the runtime as typed values")
struct ErrorKindTests {
    @Test func engineErrorsKeepTheirTypeAndMessage() {
        let (tensor, data) = inSession("let a = zeros(2, 3)\nlet b = zeros(4, 5)\n") { vm in
            (callError(vm, "matmul", ["a", "b"]), callError(vm, "word_tokenizer", [], named: [("texts", .list([])), ("pattern", .string("("))]))
        }
        #expect(tensor?.kind == .engine)
        #expect(tensor?.engineError is TensorError)
        // The message is the engine's own description, unchanged.
        if let e = tensor?.engineError { #expect(tensor?.message == String(describing: e)) }
        #expect(tensor?.message.hasPrefix("matmul: shapes [2, 3] and [4, 5]") == true)
        #expect(data?.kind == .engine)
        #expect(data?.engineError as? DataError == .invalidArgument(operation: "word tokenizer", problem: "`(` is not a valid regular expression"))
    }

    @Test func nameAndInterruptionErrorsHaveTheirKinds() {
        let unknown = inSession("fn f(x) => x") { vm in callError(vm, "f", [], named: [("y", .number(1))]) }
        #expect(unknown?.kind == .name)
        #expect(unknown?.diagnosticKind == .name)
        #expect(CMCLError.interrupted.kind == .interrupted)
        #expect(CMCLError.interrupted.diagnosticKind == .interrupted)
        #expect(CMCLError("x").diagnosticKind == .runtime)
        #expect(CMCLError(engine: TensorError.invalidArgument(op: "t", reason: "r")).diagnosticKind == .runtime)
    }

    @Test func anEngineErrorBecomesARuntimeDiagnosticWithTheSameText() {
        let r = run("zeros(2, 3).matmul(zeros(4, 5))")
        #expect(r.result.failure == .runtime)
        #expect(r.errors.first?.hasPrefix("matmul: shapes [2, 3] and [4, 5]") == true)
        // `try`/`catch` catches engine errors like any runtime error.
        #expect(printed("try { zeros(2, 3).matmul(zeros(4, 5)) } catch e { print(e.kind, e.message) }").hasPrefix("runtime matmul: shapes"))
    }

    @Test func aWeightsOnlyFileIsRecognisedByItsErrorCase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-weights-only-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.safetensors").path
        let e = inSession("let net = transformer(vocab: 20, layers: 1, hidden: 8, heads: 2, max_len: 16)\n"
                          + "net.save_pretrained(\(StringEscape.quoted(dir.path)))\nlet path = \(StringEscape.quoted(file))") { vm in
            callError(vm, "load", ["path"])
        }
        #expect(e?.kind == .engine)
        #expect(e?.engineError as? NNError == .weightsOnly(path: file))
        #expect(e?.message.hasPrefix("checkpoint \(file): no cmcl.model metadata: the file holds weights only") == true)
        #expect(e?.hint?.contains("pretrained(dir)") == true)
    }
}
