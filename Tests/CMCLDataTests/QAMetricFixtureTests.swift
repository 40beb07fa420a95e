import Foundation
import Testing
@testable import CMCLData

/// SQuAD v1.1 and HotpotQA answer metrics against the official scripts' numbers
/// (scripts/gen_qa_fixtures.py).
@Suite struct QAMetricFixtureTests {
    struct Case: Decodable {
        var prediction: String
        var answers: [String]
        var normalized: String
        var squad_em: Double
        var squad_f1: Double
        var hotpot_em: Double
        var hotpot_f1: Double
    }
    struct Totals: Decodable { var exact_match: Double; var f1: Double }
    struct HotpotTotals: Decodable { var em: Double; var f1: Double }
    struct File: Decodable { var cases: [Case]; var squad: Totals; var hotpot: HotpotTotals }

    static let file: File? = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Paths.fixture("qa_metrics.json"))) else { return nil }
        return try? JSONDecoder().decode(File.self, from: data)
    }()

    @Test func everyCaseAgrees() throws {
        let file = try #require(Self.file)
        #expect(file.cases.count >= 20)
        for c in file.cases {
            #expect(Metrics.normalizeAnswer(c.prediction) == c.normalized, "normalised \(c.prediction)")
            #expect(Metrics.exactMatch(c.prediction, answers: c.answers) == c.squad_em, "squad em \(c.prediction)")
            #expect(abs(Metrics.squadF1(c.prediction, answers: c.answers) - c.squad_f1) < 1e-12, "squad f1 \(c.prediction)")
            #expect(Metrics.exactMatch(c.prediction, answers: [c.answers[0]]) == c.hotpot_em, "hotpot em \(c.prediction)")
            #expect(abs(Metrics.hotpotF1(c.prediction, answer: c.answers[0]) - c.hotpot_f1) < 1e-12, "hotpot f1 \(c.prediction)")
        }
        let hotpot = try Metrics.hotpot(file.cases.map(\.prediction), answers: file.cases.map { $0.answers[0] })
        #expect(abs(hotpot.exactMatch - file.hotpot.em) < 1e-12 && abs(hotpot.f1 - file.hotpot.f1) < 1e-12)
    }
}
