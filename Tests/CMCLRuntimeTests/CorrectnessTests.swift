import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

@Suite("Interpreter: no silent wrong answers")
struct CorrectnessTests {
    @Test func minAndMaxPropagateNaNWhateverTheOrder() {
        for code in ["min(0 / 0, 1)", "min(1, 0 / 0)", "max(0 / 0, 1)", "max(1, 0 / 0)", "min([3, 0 / 0, 1])", "max([0 / 0])"] {
            #expect(eval(code) == "nan", "\(code)")
        }
        #expect(eval("min(3, 1, 2)") == "1")
        #expect(eval("max([3, 1, 2])") == "3")
    }

    @Test func int32ArithmeticDoesNotWrap() {
        let sum = eval("arange(100000, dtype: \"int32\").sum()")
        #expect(sum.hasPrefix("error:") && sum.contains("4999950000"), "\(sum)")
        let add = eval("tensor([2147483647], dtype: \"int32\") + 1")
        #expect(add.hasPrefix("error:") && add.contains("2147483648"), "\(add)")
        #expect(eval("arange(1000, dtype: \"int32\").sum().item()") == "499500")
    }

    @Test func rangeBeyondExactWholeNumbersIsAnError() {
        let r = eval("range(1e18)")
        #expect(r.hasPrefix("error: range(0, 1e+18, 1) would hold") && r.contains("2^53"), "\(r)")
        #expect(eval("len(range(1e15))") == "1000000000000000")
        #expect(eval("range(10)[1e300]").hasPrefix("error: range index must be a whole number"))
    }

    @Test(arguments: [
        ("embedding(randn(10, 4), tensor([1, 0 / 0]))", "nan"),
        ("embedding(randn(10, 4), tensor([1e10]))", "1e+10"),
        ("one_hot(tensor([0 / 0]), 3)", "nan"),
        ("one_hot(tensor([-1e12]), 3)", "-1e+12"),
        ("cross_entropy(tensor([[1, 2]]), tensor([0 / 0]))", "nan"),
        ("cross_entropy(tensor([[1, 2]]), tensor([1 / 0]))", "inf"),
        ("tensor([1, 2, 3])[0 / 0]", "nan"),
        ("tensor([1, 2, 3])[tensor([0 / 0])]", "nan"),
        ("tensor([1, 2, 3])[[1, 0 / 0]]", "nan"),
    ])
    func badIdsAndLabelsAreErrorsNamingTheValue(code: String, value: String) {
        let r = eval(code)
        #expect(r.hasPrefix("error:") && r.contains(value), "\(code) → \(r)")
    }

    @Test func aScriptThatImportsItselfRunsOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-self-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let main = dir.appendingPathComponent("main.cmcl"), other = dir.appendingPathComponent("other.cmcl")
        let text = "import \"main\"\nimport \"other\"\nprint(\"main ran\")\n"
        try text.write(to: main, atomically: true, encoding: .utf8)
        try "import \"main\"\nprint(\"other ran\")\n".write(to: other, atomically: true, encoding: .utf8)
        let r = run(text, name: main.path)
        #expect(r.errors == [])
        #expect(r.output == "other ran\nmain ran\n")
    }
}
