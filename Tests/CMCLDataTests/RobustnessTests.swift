import CMCLBase
import Testing
@testable import CMCLData

/// Seeded random inputs: every reader and tokenizer either succeeds or throws a DataError.
@Suite struct RobustnessTests {
    func randomBytes(_ rng: inout SplitMix64, alphabet: [UInt8]) -> [UInt8] {
        (0..<rng.uniformIndex(below: 64)).map { _ in
            rng.uniformIndex(below: 4) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[rng.uniformIndex(below: alphabet.count)]
        }
    }

    @Test func readersNeverCrashOnGarbage() {
        var rng = SplitMix64(seed: 77)
        let tsv = Array("a\t\"\n\r,b1".utf8), json = Array("{}[]\",:0123456789-+.eEtruefalsn \\u\n".utf8)
        var errors = 0
        for _ in 0..<3000 {
            let t = randomBytes(&rng, alphabet: tsv)
            for format in [DelimitedFormat.tsv, .csv, DelimitedFormat(delimiter: "\t", header: false)] {
                do { _ = try Table.parse(bytes: t, format: format, source: "fuzz") } catch is DataError { errors += 1 } catch {
                    Issue.record("unexpected error type \(error)")
                }
            }
            let j = randomBytes(&rng, alphabet: json)
            do { _ = try JSONValue.parse(bytes: j, source: "fuzz") } catch is DataError { errors += 1 } catch {
                Issue.record("unexpected error type \(error)")
            }
            _ = try? JSONValue.parseLines(bytes: j, source: "fuzz", skipBadLines: true)
        }
        #expect(errors > 1000)
    }

    @Test func tokenizersNeverCrashOnRandomText() throws {
        let tok = try #require(Shared.bert)
        let words = WordTokenizer.build(from: ["a b c"])
        var rng = SplitMix64(seed: 78)
        let pools: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x2FF, 0x300...0x36F, 0x4E00...0x4E80, 0x1F600...0x1F64F,
                                             0xE000...0xE010, 0x200B...0x200F, 0xFFF0...0xFFFF, 0xE0000...0xE0080]
        for _ in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<rng.uniformIndex(below: 80) {
                let pool = pools[rng.uniformIndex(below: pools.count)]
                let v = pool.lowerBound + UInt32(rng.uniformIndex(below: Int(pool.upperBound - pool.lowerBound) + 1))
                if let scalar = Unicode.Scalar(v) { s.append(scalar) }
            }
            let text = String(s)
            let maxLength = rng.uniformIndex(below: 40)
            let e = tok.encode(text, text, maxLength: maxLength, padToMaxLength: true)
            #expect(e.count >= 3)
            for (o, q) in zip(e.offsets, e.sequenceIDs) where q >= 0 {
                #expect(o.lowerBound >= 0 && o.upperBound <= text.unicodeScalars.count && !o.isEmpty)
            }
            _ = words.encode(text, maxLength: maxLength)
        }
    }

    @Test func squadDecodingWithOddLogits() throws {
        let tok = try #require(Shared.bert)
        let examples = Dataset([SQuADExample(id: "1", question: "q?", context: "one two three", answers: [])])
        let features = try SQuAD.features(examples, tokenizer: tok, maxLength: 16, docStride: 2)
        let n = features[0].encoding.count
        let nan = [Float](repeating: .nan, count: n)
        _ = try SQuAD.predict(examples, features: features, startLogits: [nan], endLogits: [nan])
        #expect(throws: DataError.self) {
            _ = try SQuAD.predict(examples, features: features, startLogits: [[1]], endLogits: [[1]])
        }
    }
}
