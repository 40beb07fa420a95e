import Foundation
@testable import CMCLData

enum Paths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures")
    /// Repository root = 3 levels up from Tests/CMCLDataTests/File.swift.
    static let root = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared/data")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func sharedFile(_ name: String) -> String { shared.appendingPathComponent(name).path }
    static var glue: String { shared.appendingPathComponent("glue").path }
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

enum Shared {
    /// The bert-base-uncased tokenizer, loaded once.
    static let bert: WordPieceTokenizer? = try? WordPieceTokenizer(vocabPath: Paths.vocab, lowercase: true)
}

func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    if a.isNaN && b.isNaN { return true }
    return abs(a - b) <= tol * max(1, abs(a), abs(b))
}
