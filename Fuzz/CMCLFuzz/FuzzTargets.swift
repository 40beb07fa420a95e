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
/// - `runlog`: bytes as an existing run log; one experiment then appends a run to it, and the
///   run must read back (`read_runs`) whatever the bytes were, and the log must end in a newline.
/// - `readers`: bytes as a file read by `read_json`, `read_json(lines: true)` and `read_csv`
///   under a 4 KB memory limit: a file over half the limit must be refused, never read.
enum FuzzTarget: String, CaseIterable {
    case parser, interpreter, safetensors, tsv, json, wordpiece, runlog, readers
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
    if chosen == .readers { setenv("CMCL_MEMORY_LIMIT", "4K", 1) }
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
    case .runlog: fuzzRunLog(bytes)
    case .readers: fuzzReaders(bytes)
    }
    return 0
}

func fuzzParser(_ bytes: [UInt8]) {
    let file = SourceFile(name: "fuzz.cmcl", text: String(decoding: bytes, as: UTF8.self))
    let (_, diagnostics) = Parser.parse(file)
    let renderer = DiagnosticRenderer(color: true)
    for d in diagnostics { _ = renderer.render(d) }
}

/// Built once: registering every builtin is most of a session's start-up.
nonisolated(unsafe) let registry = BuiltinRegistry.standard()

func fuzzInterpreter(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    // Deep recursion in cmcl needs the stack the executable gives it.
    worker.run {
        let current = generation.add(1, ordering: .relaxed).newValue
        Interrupt.clear()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            if generation.load(ordering: .relaxed) == current { Interrupt.request() }
        }
        let vm = Interpreter.session(registry: registry, output: { _ in })
        vm.errorOutput = { _ in }
        let result = vm.run(SourceFile(name: "fuzz.cmcl", text: text))
        for d in result.diagnostics { _ = DiagnosticRenderer().render(d) }
        if let v = result.value { _ = Display.render(v) }
        generation.add(1, ordering: .relaxed)
        Interrupt.clear()
    }
}

/// One long-lived thread with a 512 MB stack that runs work handed to it, one item at a time.
final class StackWorker: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
    private var work: (() -> Void)?

    init() {
        let thread = Thread { [unowned self] in
            while true {
                self.ready.wait()
                self.work?()
                self.work = nil
                self.done.signal()
            }
        }
        thread.stackSize = 512 << 20
        thread.start()
    }

    func run(_ body: @escaping () -> Void) {
        work = body
        ready.signal()
        done.wait()
    }
}

let worker = StackWorker()

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

/// The scratch file a file-reading target writes each input to (in the fuzzer's working directory).
let scratchFile = FileManager.default.currentDirectoryPath + "/fuzz-input"

func fuzzRunLog(_ bytes: [UInt8]) {
    guard FileManager.default.createFile(atPath: scratchFile, contents: Data(bytes)) else { return }
    let program = """
    let r = experiment([{name: "fuzz-run"}], [7], fn(c, s) => {acc: 0 / 0}, log: \(StringEscape.quoted(scratchFile)), progress: false)
    let back = read_runs(\(StringEscape.quoted(scratchFile))).rows.filter(fn(x) => x.name == "fuzz-run" and x.seed == 7)
    print(len(back))
    """
    var out = ""
    worker.run {
        let vm = Interpreter.session(registry: registry, output: { out += $0 })
        vm.errorOutput = { _ in }
        let result = vm.run(SourceFile(name: "runlog.cmcl", text: program))
        if let d = result.diagnostics.first { fatalError("runlog: the program failed: \(d.message)") }
    }
    // The run is in the log, whatever was there before: either the log already held it (the
    // experiment resumed and left the file as it was) or the run was appended after everything
    // that was there, on a line of its own.
    guard out == "1\n" else { fatalError("runlog: the appended run did not read back (\(out))") }
    guard let data = FileManager.default.contents(atPath: scratchFile) else { fatalError("runlog: the log is gone") }
    if Array(data) == bytes { return }
    guard data.starts(with: bytes) else { fatalError("runlog: the log's earlier bytes were changed") }
    guard data.last == 0x0A else { fatalError("runlog: the appended run does not end in a newline") }
    if let last = bytes.last, last != 0x0A, data[data.startIndex + bytes.count] != 0x0A {
        fatalError("runlog: the appended run joined the log's last line")
    }
}

func fuzzReaders(_ bytes: [UInt8]) {
    guard FileManager.default.createFile(atPath: scratchFile, contents: Data(bytes)) else { return }
    let limit = MemoryLimit.defaultBytes() / 2
    let json = try? JSONValue.read(path: scratchFile)
    let lines = try? JSONValue.readLines(path: scratchFile, skipBadLines: true)
    let csv = try? Table.read(path: scratchFile, format: .csv, skipBadRows: true)
    let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    if bytes.count - bom > limit, json != nil || lines != nil || csv != nil {
        fatalError("readers: a file of \(bytes.count) bytes was read under a limit of \(limit)")
    }
}
