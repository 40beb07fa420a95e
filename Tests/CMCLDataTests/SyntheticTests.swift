import Testing
@testable import CMCLData

@Suite struct SyntheticTests {
    /// Multinomial naive Bayes over words, trained on one split and scored on another: a
    /// stand-in for a bag-of-embeddings model to show the task is learnable but not trivially.
    func naiveBayesAccuracy(train: Dataset<TextExample>, test: Dataset<TextExample>) -> Double {
        var counts: [[String: Double]] = [[:], [:]], totals = [0.0, 0.0], priors = [0.0, 0.0]
        var vocab = Set<String>()
        for e in train {
            let y = Int(e.label.index ?? 0)
            priors[y] += 1
            for w in e.text.split(separator: " ") { counts[y][String(w), default: 0] += 1; totals[y] += 1; vocab.insert(String(w)) }
        }
        var hits = 0
        for e in test {
            var best = -1, bestScore = -Double.infinity
            for y in 0..<2 {
                var score = log(priors[y] / Double(train.count))
                for w in e.text.split(separator: " ") {
                    score += log(((counts[y][String(w)] ?? 0) + 1) / (totals[y] + Double(vocab.count)))
                }
                if score > bestScore { bestScore = score; best = y }
            }
            if Int32(best) == e.label.index { hits += 1 }
        }
        return Double(hits) / Double(test.count)
    }

    @Test func sentimentIsDeterministicBalancedAndLearnable() throws {
        let a = Synthetic.sentiment(n: 2000, noise: 0.3, seed: 1)
        #expect(a.map(\.text).elements == Synthetic.sentiment(n: 2000, noise: 0.3, seed: 1).map(\.text).elements)
        #expect(a.map(\.text).elements != Synthetic.sentiment(n: 2000, noise: 0.3, seed: 2).map(\.text).elements)
        #expect(a.labels.filter { $0 == 1 }.count == 1000)
        #expect(a.allSatisfy { $0.text.split(separator: " ").count == 20 })
        let (train, test) = a.split(0.8, seed: 3)
        let accuracy = naiveBayesAccuracy(train: train, test: test)
        #expect(accuracy > 0.85 && accuracy < 0.97, "accuracy \(accuracy)")
        let clean = Synthetic.sentiment(n: 2000, noise: 0, seed: 1).split(0.8, seed: 3)
        #expect(naiveBayesAccuracy(train: clean.0, test: clean.1) > 0.98)
        let chance = Synthetic.sentiment(n: 2000, noise: 1, seed: 1).split(0.8, seed: 3)
        #expect(naiveBayesAccuracy(train: chance.0, test: chance.1) < 0.6)
        let flipped = Synthetic.sentiment(n: 2000, noise: 0, labelNoise: 0.2, seed: 1)
        let clean2 = Synthetic.sentiment(n: 2000, noise: 0, seed: 1)
        let changed = zip(flipped.labels, clean2.labels).filter { $0 != $1 }.count
        #expect(changed > 300 && changed < 500)
    }

    @Test func questionAnsweringExamplesAreConsistent() {
        let data = Synthetic.questionAnswering(n: 200, paragraphs: 6, seed: 4)
        #expect(data.count == 200)
        #expect(data.elements == Synthetic.questionAnswering(n: 200, paragraphs: 6, seed: 4).elements)
        var twoHop = 0
        for e in data {
            #expect(e.paragraphs.count == 6)
            #expect(e.gold.count == 1 || e.gold.count == 2)
            #expect(e.gold.contains(e.answerParagraph))
            let p = e.paragraphs[e.answerParagraph]
            #expect(p[e.answerStart].hasPrefix("e") && e.answerStart == e.answerEnd)
            #expect(p[e.answerStart - 1] == "is")
            // The question's entity is the subject of a gold fact.
            let subject = e.question[e.question.count - 2]
            #expect(e.gold.contains { e.paragraphs[$0].contains(subject) })
            if e.gold.count == 2 { twoHop += 1 }
        }
        #expect(twoHop > 60 && twoHop < 140)
    }

    @Test func rankingHasGradedRelevance() throws {
        let data = Synthetic.ranking(n: 50, candidates: 8, seed: 2)
        #expect(data.count == 50)
        for e in data {
            #expect(e.candidates.count == 8 && e.relevance.count == 8)
            #expect(e.relevance.contains(2))
            for (doc, rel) in zip(e.candidates, e.relevance) {
                let overlap = Set(doc).intersection(e.query).count
                #expect(rel == (overlap == e.query.count ? 2 : overlap > 0 ? 1 : 0))
            }
        }
        // Scoring by word overlap is a perfect ranker, so NDCG is 1.
        let e = data[0]
        let scores = e.candidates.map { Double(Set($0).intersection(e.query).count) }
        #expect(try Metrics.ndcg(scores: scores, relevance: e.relevance.map(Double.init)) > 0.999)
    }
}

import Foundation
