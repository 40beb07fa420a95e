// Release-mode timings of the CMCLData readers and tokenizer (built by scripts/bench_data).
import Foundation

let args = CommandLine.arguments
let root = args.count > 1 ? args[1] : "."
let shared = root + "/../shared/data"
let clock = ContinuousClock()

func time<T>(_ label: String, repeats: Int = 5, _ body: () throws -> T) rethrows -> T {
    var best = Duration.seconds(1000)
    var result: T?
    for _ in 0..<repeats {
        let start = clock.now
        result = try body()
        best = min(best, clock.now - start)
    }
    let ms = Double(best.components.seconds) * 1000 + Double(best.components.attoseconds) / 1e15
    print(label.padding(toLength: 50, withPad: " ", startingAt: 0) + String(format: "%9.2f ms (best of %d)", ms, repeats))
    return result!
}

do {
    let sst2 = try time("GLUE SST-2 train.tsv (67,349 rows)") { try GLUE.load("sst2", split: "train", dir: shared + "/glue") }
    precondition(sst2.count == 67349)
    _ = try time("Table.read SST-2 train.tsv") { try Table.read(path: shared + "/glue/SST-2/train.tsv") }
    let squadPath = shared + "/squad/train-v1.1.json"
    _ = try time("JSONValue.read SQuAD train subset (1.1 MB)") { try JSONValue.read(path: squadPath) }
    _ = try time("JSONSerialization SQuAD train subset (1.1 MB)") {
        try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: squadPath) ?? Data())
    }
    let squad = try time("SQuAD.load train subset (3,807 questions)") { try SQuAD.load(path: squadPath) }
    let tok = try WordPieceTokenizer(vocabPath: root + "/Tests/CMCLDataTests/Fixtures/bert-base-uncased-vocab.txt")
    let sentences = sst2.map(\.text)
    let encoded = time("WordPiece encode SST-2 train (67,349 sentences)", repeats: 3) {
        sentences.elements.reduce(0) { $0 + tok.encode($1, maxLength: 128).count }
    }
    print("  tokens: \(encoded)")
    let inputs = sentences.elements.map { ($0, String?.none) }
    _ = time("WordPiece encodeBatch SST-2 train (all cores)", repeats: 3) { tok.encodeBatch(inputs, maxLength: 128) }
    let features = try time("SQuAD features (384, stride 128)", repeats: 2) {
        try SQuAD.features(squad, tokenizer: tok, maxLength: 384, docStride: 128)
    }
    print("  features: \(features.count)")
    _ = try time("SST-2 batches(32) incl. tokenization", repeats: 2) {
        try sst2.batches(32, tokenizer: tok, maxLength: 64, options: .init(shuffleSeed: 1, bucketByLength: true))
    }
} catch {
    print("error: \(error)")
}
