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
        for file in ["train.py", "requirements.txt", "README.md", "reference.json", "data/train.jsonl", "data/eval.jsonl"] {
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
            ("fn my_loss(m, b) => 0\nexport_torch(net, enc, \"\(dir)\", loss: my_loss)", "the function `my_loss` cannot be exported as a loss"),
            ("export_torch(net, enc, \"\(dir)\", loss: mse_loss)", "the loss is a regression loss but the model has a classification (2 classes) head"),
            ("export_torch(net, batches(enc, 8), \"\(dir)\")", "a list of batches cannot be exported"),
            ("export_torch(net, enc, \"\(dir)\", keep_best: \"accuracy\")", "keep_best needs evaluation data"),
            ("export_torch(net, enc, \"\(dir)\", eval: enc, keep_best: \"exact_match\")", "unknown metric \"exact_match\""),
            ("export_torch(transformer(vocab: 10, head: \"span\", seed: 1), enc, \"\(dir)\")", "a transformer with a span head cannot be exported yet"),
        ]
        for (code, message) in cases {
            let r = run(Self.setup + code)
            #expect(r.errors.first?.hasPrefix(message) == true, "\(code): \(r.errors)")
        }
    }
}
