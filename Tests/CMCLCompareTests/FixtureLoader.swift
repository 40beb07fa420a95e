import Foundation

/// Locates and decodes committed fixtures next to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// One reference case of `cmploss_cases.json`.
struct ReferenceCase: Decodable {
    struct Config: Decodable {
        var just_cmp: Bool
        var target: String?
        var listwise: Bool
        var temp: Double
        var weight: Double?
        var primary: String?
    }
    var config: Config
    var n_ablations: Int
    var losses: [[Double]]
    var loss: Double
    var grad: [[Double]]
}

struct ReferenceFile: Decodable {
    var cases: [ReferenceCase]
}

/// One case of `cmploss_span_cases.json` (the reference QA model's start/end comparative loss).
struct SpanReferenceCase: Decodable {
    struct Config: Decodable {
        var just_cmp: Bool
        var target: String
        var listwise: Bool
        var temp: Double
        var weight: Double
        var primary: String
        var schedule: Bool
    }
    var config: Config
    var n_ablations: Int
    var start: [[Double]]
    var end: [[Double]]
    var loss: Double
    var start_grad: [[Double]]
    var end_grad: [[Double]]
}

struct SpanReferenceFile: Decodable {
    var cases: [SpanReferenceCase]
}
