import CMCLData
import CMCLLang
import CMCLNN
import CMCLRuntime
import CMCLTensor
import Foundation
import Synchronization

/// libFuzzer targets (built by scripts/fuzz with `-sanitize=fuzzer,address`). One binary holds
/// them all; `CMCL_FUZZ_TARGET` chooses one:
///
/// - `parser`: bytes as source through the lexer, the parser and the diagnostic renderer.
/// - `interpreter`: bytes as a program, run in a fresh session with a 16 MB tensor limit, a
///   1 MB string limit and a time limit of 2 s per input (enforced by Ctrl-C's flag).
/// - `safetensors`: bytes as a safetensors file.
/// - `tsv`: bytes as TSV and as quoted CSV.
/// - `json`: bytes as a JSON document and as JSON lines.
/// - `wordpiece`: bytes as text for a BERT WordPiece tokenizer, and as ids to decode.
enum FuzzTarget: String, CaseIterable {
    case parser, interpreter, safetensors, tsv, json, wordpiece
}

nonisolated(unsafe) var target = FuzzTarget.parser
/// Counts inputs, so that a watchdog interrupts only the input it was started for.
let generation = Atomic<Int>(0)

/// Reads the target's name and lowers the size limits.
func fuzzerSetUp() {
    let name = ProcessInfo.processInfo.environment["CMCL_FUZZ_TARGET"] ?? "parser"
    guard let chosen = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("cmcl-fuzz: unknown CMCL_FUZZ_TARGET \(name); one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    target = chosen
    Tensor.maxAllocationBytes = 16 << 20
    SizeLimit.maxStringBytes = 1 << 20
}

/// One input; returns 0 as libFuzzer expects.
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case .parser: fuzzParser(bytes)
    case .interpreter: fuzzInterpreter(bytes)
    case .safetensors: fuzzSafetensors(bytes)
    case .tsv: fuzzTSV(bytes)
    case .json: fuzzJSON(bytes)
    case .wordpiece: fuzzWordPiece(bytes)
    }
    return 0
}

func fuzzParser(_ bytes: [UInt8]) {
    let file = SourceFile(name: "fuzz.cmcl", text: String(decoding: bytes, as: UTF8.self))
    let (_, diagnostics) = Parser.parse(file)
    let renderer = DiagnosticRenderer(color: true)
    for d in diagnostics { _ = renderer.render(d) }
}

func fuzzInterpreter(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    // Deep recursion in cmcl needs the stack the executable gives it.
    LargeStack.run {
        let current = generation.add(1, ordering: .relaxed).newValue
        Interrupt.clear()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            if generation.load(ordering: .relaxed) == current { Interrupt.request() }
        }
        let vm = Interpreter.session(output: { _ in })
        vm.errorOutput = { _ in }
        let result = vm.run(SourceFile(name: "fuzz.cmcl", text: text))
        for d in result.diagnostics { _ = DiagnosticRenderer().render(d) }
        if let v = result.value { _ = Display.render(v) }
        generation.add(1, ordering: .relaxed)
        Interrupt.clear()
    }
}

func fuzzSafetensors(_ bytes: [UInt8]) {
    guard let (tensors, _) = try? Safetensors.decode(Data(bytes)) else { return }
    for (_, t) in tensors { _ = t.toDoubles() }
}

func fuzzTSV(_ bytes: [UInt8]) {
    _ = try? Table.parse(bytes: bytes, format: .tsv, source: "fuzz.tsv")
    _ = try? Table.parse(bytes: bytes, format: .csv, source: "fuzz.csv", skipBadRows: true)
}

func fuzzJSON(_ bytes: [UInt8]) {
    _ = try? JSONValue.parse(bytes: bytes, source: "fuzz.json")
    _ = try? JSONValue.parseLines(bytes: bytes, source: "fuzz.jsonl", skipBadLines: true)
}

let wordPiece: WordPieceTokenizer? = {
    let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "un", "##aff", "##able", "run", "##ning",
                  "é", "##s", "!", ",", ".", "中", "##x", "x"]
    return try? WordPieceTokenizer(vocabulary: Vocabulary(tokens: tokens))
}()

func fuzzWordPiece(_ bytes: [UInt8]) {
    guard let tok = wordPiece else { return }
    let text = String(decoding: bytes, as: UTF8.self)
    let half = text.index(text.startIndex, offsetBy: text.count / 2)
    _ = tok.encode(String(text[..<half]), String(text[half...]), maxLength: bytes.first.map { Int($0) })
    var ids: [Int32] = []
    var i = 0
    while i + 4 <= bytes.count {
        ids.append(Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                         | UInt32(bytes[i + 3]) << 24))
        i += 4
    }
    _ = tok.decode(ids)
}
