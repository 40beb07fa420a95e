import Foundation
@testable import CMCLData

enum Paths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures")
    /// Repository root = 3 levels up from Tests/CMCLDataTests/File.swift.
    static let root = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    /// The data root: `$CMCL_DATA`, or `../shared/data` beside the repository (as the runtime).
    static let data: URL = {
        if let env = ProcessInfo.processInfo.environment["CMCL_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env, relativeTo: root)
        }
        return root.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func dataFile(_ name: String) -> String { data.appendingPathComponent(name).path }
    static var glue: String { data.appendingPathComponent("glue").path }
    /// The small committed GLUE sample (a few rows of each task, same layout).
    static var glueSample: String { fixture("glue") }
    static var vocab: String { fixture("bert-base-uncased-vocab.txt") }

    /// Writes `contents` to a fresh temporary file and returns its path.
    static func temporary(_ contents: [UInt8], name: String = "data.tsv") -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("cmcl-data-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(contents))
        return url.path
    }

    static func temporary(_ text: String, name: String = "data.tsv") -> String {
        temporary(Array(text.utf8), name: name)
    }
}

/// Whether the data files a test reads are present; tests that need them are skipped otherwise.
enum DataFiles {
    static func present(_ names: String...) -> Bool {
        names.allSatisfy { FileManager.default.fileExists(atPath: Paths.dataFile($0)) }
    }
    static let glue = present("glue/SST-2/train.tsv", "glue/SST-2/dev.tsv", "glue/CoLA/train.tsv", "glue/CoLA/dev.tsv",
                              "glue/MRPC/train.tsv", "glue/MRPC/dev.tsv", "glue/RTE/train.tsv", "glue/RTE/dev.tsv",
                              "glue/STS-B/train.tsv", "glue/STS-B/dev.tsv")
    static let squad = present("squad/dev-v1.1.json", "squad/train-v1.1.json")
    static let hotpot = present("hotpotqa/hotpot_dev_distractor_v1.json")
    static let absent = "needs the data files (CMCL_DATA, default ../shared/data; scripts/fetch-data downloads them)"
}

enum Shared {
    /// The bert-base-uncased tokenizer, loaded once.
    static let bert: WordPieceTokenizer? = try? WordPieceTokenizer(vocabPath: Paths.vocab, lowercase: true)
}

func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    if a.isNaN && b.isNaN { return true }
    return abs(a - b) <= tol * max(1, abs(a), abs(b))
}
