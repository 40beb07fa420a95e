import Foundation
import Testing
@testable import CMCLRuntime

@Suite("PyTorch export")
struct TorchExportTests {
    static let setup = """
    let data = synth.sentiment(n: 60, noise: 0.3, length: 8, seed: 1)
    let tok = word_tokenizer(data)
    let enc = encode(data, tok, max_len: 10)
    let net = transformer(vocab: len(tok), layers: 1, hidden: 8, heads: 2, intermediate: 16, max_len: 16, seed: 2)

    """

    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-export-\(UUID().uuidString)").path
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func writesTheProjectWithTheRunsSettings() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = run(Self.setup + """
        let p = export_torch(net, enc, "\(dir)", loss: cmp(ce, ablate: [cmpcrop(1, ratio: 0.2), cmpdrop(2, p: 0.1)], target: "first", ranking: "listwise", temp: 0.5),
                             optimizer: adamw(lr: 3e-4, weight_decay: 0.05), schedule: cosine(ratio: 0.1), epochs: 2, batch: 16,
                             eval: enc, every: 3, keep_best: "accuracy", seed: 9, clip: 0.5)
        print(p.steps, p.epochs)
        """)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.output == "8 2\n")   // 60 examples in batches of 16: 4 steps per epoch
        for file in ["train.py", "requirements.txt", "README.md", "reference.json", "data/train.jsonl", "data/eval.jsonl",
                     "model/config.json", "model/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file) missing")
        }
        let e = try json(dir + "/experiment.json")
        let objective = try #require(e["objective"] as? [String: Any])
        #expect(objective["kind"] as? String == "cmp")
        #expect(objective["target"] as? String == "first")
        #expect(objective["ranking"] as? String == "listwise")
        #expect(objective["temperature"] as? Double == 0.5)
        let drop = try #require(objective["drop"] as? [String: Any])
        #expect(drop["steps"] as? Int == 2 && drop["p"] as? Double == 0.1)
        let crop = try #require(objective["crop"] as? [String: Any])
        #expect(crop["steps"] as? Int == 1 && crop["ratio"] as? Double == 0.2 && crop["style"] as? String == "tokens")
        let optimizer = try #require(e["optimizer"] as? [String: Any])
        #expect(optimizer["name"] as? String == "adamw" && optimizer["lr"] as? Double == 3e-4)
        #expect(optimizer["weight_decay"] as? Double == 0.05)
        let schedule = try #require(e["schedule"] as? [String: Any])
        #expect(schedule["kind"] as? String == "cosine" && schedule["warmup_steps"] as? Int == 1)
        let training = try #require(e["training"] as? [String: Any])
        #expect(training["total_steps"] as? Int == 8 && training["batch"] as? Int == 16 && training["every"] as? Int == 3)
        #expect(training["clip"] as? Double == 0.5 && training["keep_best"] as? String == "accuracy")
        let model = try #require(e["model"] as? [String: Any])
        let noDecay = try #require(model["no_decay"] as? [String])
        #expect(noDecay.contains("bert.embeddings.LayerNorm.weight") && noDecay.contains("classifier.bias"))
        #expect(!noDecay.contains("bert.embeddings.word_embeddings.weight"))

        // The order is fit's: per epoch a permutation of every example.
        let orderData = try Data(contentsOf: URL(fileURLWithPath: dir + "/data/order.json"))
        let order = try #require(try JSONSerialization.jsonObject(with: orderData) as? [[Int]])
        #expect(order.count == 2 && order.allSatisfy { $0.sorted() == Array(0..<60) } && order[0] != order[1])
        let lines = try String(contentsOfFile: dir + "/data/train.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 60)
    }

    @Test func theEmbeddedTrainerIsTheOneInTheRepository() throws {
        // What `scripts/embed-export --check` checks.
        let folder = repositoryRoot.appendingPathComponent("export/torch")
        let script = try String(contentsOf: folder.appendingPathComponent("train.py"), encoding: .utf8)
        let requirements = try String(contentsOf: folder.appendingPathComponent("requirements.txt"), encoding: .utf8)
        #expect(TorchExportSources.trainScript == script, "train.py differs from its embedded copy: run scripts/embed-export")
        #expect(TorchExportSources.requirements == requirements, "run scripts/embed-export")
    }

    @Test func whatCannotBeExportedIsAnErrorNamingIt() {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String)] = [
            ("export_torch(bag_of_embeddings(vocab: len(tok)), enc, \"\(dir)\")", "a BagOfEmbeddingsClassifier model cannot be exported"),
            ("fn my_loss(m, b) => 0\nexport_torch(net, enc, \"\(dir)\", loss: my_loss)", "argument `loss` of `export_torch` must be a loss"),
            ("export_torch(net, enc, \"\(dir)\", loss: mse_loss)", "the loss is a regression loss but the model has a classification (2 classes) head"),
            ("export_torch(net, batches(enc, 8), \"\(dir)\")", "a list of batches cannot be exported"),
            ("export_torch(net, enc, \"\(dir)\", keep_best: \"accuracy\")", "keep_best needs evaluation data"),
            ("export_torch(net, enc, \"\(dir)\", eval: enc, keep_best: \"exact_match\")", "unknown metric \"exact_match\""),
            ("export_torch(transformer(vocab: 10, head: \"span\", seed: 1), enc, \"\(dir)\")", "a span head is exported with SQuAD windows"),
            ("export_torch(transformer(vocab: 10, head: \"ranking\", seed: 1), enc, \"\(dir)\")", "a transformer with a ranking head cannot be exported yet"),
            ("export_torch(net, encode(synth.qa(n: 4), tok), \"\(dir)\")", "HotpotQA and multi-paragraph QA data cannot be exported yet"),
        ]
        for (code, message) in cases {
            let r = run(Self.setup + code)
            #expect(r.errors.first?.hasPrefix(message) == true, "\(code): \(r.errors)")
        }
    }

    static let squadSetup = """
    let questions = squad("\(repositoryRoot.appendingPathComponent("Tests/CMCLDataTests/Fixtures/squad-dev-sample.json").path)")
    let tok = word_tokenizer(questions.map(fn(e) => e.question + " " + e.context))
    let windows = encode(questions, tok, max_len: 64, stride: 16)
    let net = transformer(vocab: len(tok), layers: 1, hidden: 8, heads: 2, intermediate: 16, max_len: 64, head: "span", seed: 2)

    """

    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func squadWindowsAreExportedWithTheirQuestionsAndOffsets() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = run(Self.squadSetup + """
        let p = export_torch(net, windows, "\(dir)", loss: cmp(span_ce, ablate: cmpdrop(1)), eval: windows, keep_best: "f1", epochs: 1, batch: 16)
        print(len(windows), p.steps)
        """)
        #expect(r.errors.isEmpty, "\(r.errors)")
        let counts = r.output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 2 && counts[1] == (counts[0] + 15) / 16)
        // The spec decodes as the Codable value it was written from.
        let spec = try JSONDecoder().decode(TorchExportSpec.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/experiment.json")))
        #expect(spec.model.head == "span" && spec.model.paddingRow == "trained" && spec.model.classes == nil)
        #expect(spec.objective.task == "span" && spec.objective.kind == "cmp" && spec.objective.drop == .init(steps: 1, p: nil))
        #expect(spec.data.questions == "data/questions.jsonl" && spec.data.eval == "data/eval.jsonl")
        #expect(spec.training.metrics == ["exact_match", "f1"] && spec.training.keepBest == "f1" && spec.training.higherIsBetter == true)
        #expect(spec.training.answers == .init(nBest: 20, maxAnswerLength: 30) && spec.training.evalBatch == 16)

        let questions = try lines(dir + "/data/questions.jsonl")
        #expect(questions.count == 73)
        let train = try lines(dir + "/data/train.jsonl"), eval = try lines(dir + "/data/eval.jsonl")
        #expect(train.count == counts[0] && eval.count == counts[0])
        #expect(train.allSatisfy { $0["offsets"] == nil && $0["question"] == nil && $0["start"] is Int })
        // Every window whose labels point into the context spells the first gold answer through
        // its offsets: exactly, or inside whole tokens (the word tokenizer keeps "golden" whole
        // for the answer "gold").
        var spelled = 0, exact = 0
        for row in eval {
            let q = try #require(row["question"] as? Int)
            let offsets = try #require(row["offsets"] as? [Any])
            let ids = try #require(row["input_ids"] as? [Int])
            #expect(offsets.count == ids.count)
            let start = try #require(row["start"] as? Int), end = try #require(row["end"] as? Int)
            guard start > 0, let lo = (offsets[start] as? [Int])?.first, let hi = (offsets[end] as? [Int])?.last else { continue }
            let context = Array(try #require(questions[q]["context"] as? String).unicodeScalars)
            var text = String.UnicodeScalarView()
            text.append(contentsOf: context[lo..<hi])
            let answers = try #require(questions[q]["answers"] as? [String])
            let gold = try #require(answers.first)
            #expect(String(text).contains(gold), "window of question \(q): \(String(text)) for \(gold)")
            spelled += 1
            if String(text) == gold { exact += 1 }
        }
        #expect(spelled >= 60 && exact >= spelled - 8)

        let reference = try json(dir + "/reference.json")
        let outputs = try #require(reference["outputs"] as? [String: Any])
        #expect((outputs["start"] as? [[Double]])?.count == 8 && (outputs["end"] as? [[Double]])?.count == 8)
        let answers = try #require(reference["answers"] as? [String: Any])
        #expect(answers["questions"] as? Int == 32 && (answers["texts"] as? [String])?.count == 32)
    }

    @Test func fitAndExportShareOneParse() {
        // The same argument errors, word for word, from both builtins (one parse serves both).
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for bad in ["every: 0", "epochs: 0", "clip: 0", "batch: 0", "loss: cmpdrop(2)", "optimizer: 3", "schedule: \"linear\""] {
            let fit = run(Self.setup + "fit(net, enc, \(bad), progress: false)")
            let export = run(Self.setup + "export_torch(net, enc, \"\(dir)\", \(bad))")
            let strip = { (e: String) in e.replacingOccurrences(of: "export_torch", with: "fit") }
            #expect(!fit.errors.isEmpty && fit.errors.first.map(strip)?.split(separator: "\n").first
                    == export.errors.first.map(strip)?.split(separator: "\n").first, "\(bad): \(fit.errors) vs \(export.errors)")
        }
        // The default optimizer and schedule of a model built from scratch: fit's adamw(lr: 1e-3), constant.
        let r = run(Self.setup + "export_torch(net, enc, \"\(dir)\")")
        #expect(r.errors.isEmpty, "\(r.errors)")
        let spec = try? JSONDecoder().decode(TorchExportSpec.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/experiment.json")))
        #expect(spec?.optimizer == .init(name: "adamw", lr: 1e-3, weightDecay: 0.01, betas: [0.9, 0.999], eps: 1e-8))
        #expect(spec?.schedule == .init(kind: "constant", warmupSteps: 0))
    }
}
