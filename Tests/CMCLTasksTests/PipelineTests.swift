import CMCLBase
import CMCLData
import CMCLNN
import CMCLTensor
import Testing
@testable import CMCLTasks

@Suite struct PipelineTests {
    static func pipeline(_ d: Dataset<TextExample>, _ tok: WordTokenizer, maxLength: Int = 128) throws -> EncodedPipeline {
        EncodedPipeline(examples: d.encoded(with: tok, maxLength: maxLength), padID: tok.padID)
    }

    @Test func batchesPadAndMask() throws {
        let tok = WordTokenizer.build(from: ["a b c d e", "a b"])
        let d = Dataset([TextExample(text: "a b c d e", label: .index(1)), TextExample(text: "a", label: .index(0)),
                         TextExample(text: "b a", label: .index(1))])
        let p = try Self.pipeline(d, tok, maxLength: 6)
        let batches = try p.batches(size: 2, shuffleSeed: nil)
        #expect(batches.count == 2)
        let first = batches[0]
        #expect(first.ids.shape == [2, 6])
        #expect(try #require(first.attentionMask).toInts() == [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        let ids = first.ids.toInts()
        #expect(ids[0] == tok.clsID && ids[5] == tok.sepID)
        #expect(ids[9...].allSatisfy { $0 == tok.padID })
        #expect(try #require(first.labels).toInts() == [1, 0])
        #expect(batches[1].ids.shape == [1, 4])
        #expect(try p.groups(size: 2, options: BatchOptions()) == [[0, 1], [2]])
        #expect(try p.batches(size: 2, options: BatchOptions(keepLast: false)).count == 1)
        #expect(try p.batches(size: 2, options: BatchOptions(padTo: 10))[1].ids.shape == [1, 10])
        #expect(throws: DataError.invalidArgument(operation: "batches(0)", problem: "batch size must be positive")) {
            _ = try p.batches(size: 0, shuffleSeed: nil)
        }
    }

    @Test func bucketingGroupsSimilarLengths() throws {
        var rng = SplitMix64(seed: 5)
        let texts = (0..<200).map { _ in Array(repeating: "x", count: 1 + rng.uniformIndex(below: 40)).joined(separator: " ") }
        let d = Dataset(texts.map { TextExample(text: $0, label: .score(1.5)) })
        let p = try Self.pipeline(d, WordTokenizer.build(from: texts))
        let plain = try p.batches(size: 16, options: BatchOptions(shuffleSeed: 1))
        let bucketed = try p.batches(size: 16, options: BatchOptions(shuffleSeed: 1, bucketByLength: true))
        func padding(_ bs: [Batch]) -> Int { bs.reduce(0) { $0 + ($1.attentionMask?.toInts().filter { $0 == 0 }.count ?? 0) } }
        #expect(padding(bucketed) * 4 < padding(plain))
        let groups = try p.groups(size: 16, options: BatchOptions(shuffleSeed: 1, bucketByLength: true))
        #expect(Set(groups.flatMap { $0 }) == Set(0..<200) && groups.flatMap { $0 }.count == 200)
        let scores = try #require(bucketed[0].labels)
        #expect(scores.dtype == .float32 && scores.toDoubles().allSatisfy { $0 == 1.5 })
        let again = try p.batches(size: 16, options: BatchOptions(shuffleSeed: 1, bucketByLength: true))
        #expect(zip(again, bucketed).allSatisfy { $0.ids.toInts() == $1.ids.toInts() })
    }

    /// The one seeded order: SplitMix64 Fisher–Yates over the examples, chunked in order.
    @Test func seededOrderIsTheSharedPermutation() throws {
        var rng = SplitMix64(seed: 42)
        let permutation = rng.permutation(10)
        let groups = try BatchOrder.groups(count: 10, size: 4, options: BatchOptions(shuffleSeed: 42))
        #expect(groups == [Array(permutation[0..<4]), Array(permutation[4..<8]), Array(permutation[8..<10])])
        #expect(try BatchOrder.groups(count: 5, size: 2) == [[0, 1], [2, 3], [4]])
    }

    @Test func paddingRowsOfEveryKind() throws {
        let rows = [BatchRow(ids: [5, 6, 7], span: (1, 2), answerMask: [0, 1, 1], segments: [SegmentSpan(title: "p", tokens: 1..<3, mustKeep: true)]),
                    BatchRow(ids: [8], typeIDs: [1], span: (0, 0))]
        let b = try Batch.padded(rows, length: 4, padID: 9)
        #expect(b.ids.toInts() == [5, 6, 7, 9, 8, 9, 9, 9])
        #expect(try #require(b.attentionMask).toInts() == [1, 1, 1, 0, 1, 0, 0, 0])
        #expect(try #require(b.tokenTypes).toInts() == [0, 0, 0, 0, 1, 0, 0, 0])
        #expect(try #require(b.startPositions).toInts() == [1, 0] && (try #require(b.endPositions)).toInts() == [2, 0])
        #expect(try #require(b.answerMask).toDoubles() == [0, 1, 1, 0, 1, 0, 0, 0])
        #expect(b.segments?.map(\.count) == [1, 0])
        #expect(b.labels == nil)
    }

    @Test func textNeedsATokenizerAndSourcesFollowTheEpochSeeds() throws {
        let d = Dataset((0..<7).map { TextExample(text: "w\($0) x", label: .index(Int32($0 % 2))) })
        #expect(throws: TaskError.needsTokenizer) { _ = try TextExample.pipeline(d, PipelineOptions()) }
        let tok = WordTokenizer.build(from: d.map(\.text).elements)
        let p = try #require(try TextExample.pipeline(d, PipelineOptions(tokenizer: tok)))
        let marked = MarkedPipeline(p, specialTokenIDs: [tok.clsID])
        #expect(marked.specialTokenIDs == [tok.clsID] && marked.encoded?.examples.count == 7)
        #expect(try marked.batches(size: 3, shuffleSeed: nil).allSatisfy { $0.specialTokenIDs == [tok.clsID] })
        let source = BatchSource(p, batchSize: 3, seed: 4)
        #expect(source.batchesPerEpoch == 3)
        let epoch1 = try source.make(1, Generator(seed: 0))
        let expected = try p.batches(size: 3, shuffleSeed: BatchSource.epochSeed(4, 1))
        #expect(epoch1.map { $0.ids.toInts() } == expected.map { $0.ids.toInts() })
        #expect(BatchSource.epochSeed(4, 1) == 4 + 7919 + 1)
    }

    /// Each family answers for itself: text and synthetic QA tokenize into batchable data, raw
    /// ranking lists and already-encoded data neither tokenize nor name vocabulary texts twice.
    @Test func examplesDispatchTheirOwnEncodingAndPipeline() throws {
        let d = Dataset([TextExample(text: "a b", pair: "c", label: .index(1)), TextExample(text: "d", label: .index(0))])
        #expect(TextExample.vocabularyTexts(d) == ["a b", "c", "d"])
        let tok = WordTokenizer.build(from: ["a b c d"])
        let encoded = try #require(try TextExample.encode(d, tokenizer: tok, options: EncodeOptions(maxLength: 8)))
        #expect(encoded.map(\.encoding.ids).elements == d.encoded(with: tok, maxLength: 8).map(\.encoding.ids).elements)
        #expect(try EncodedExample.encode(encoded, tokenizer: tok, options: EncodeOptions()) == nil)
        #expect(EncodedExample.vocabularyTexts(encoded) == nil)
        let pipeline = try #require(try EncodedExample.pipeline(encoded, PipelineOptions(padID: tok.padID)))
        #expect(pipeline.count == 2 && pipeline.encoded?.padID == tok.padID)
        let qa = try Synthetic.questionAnswering(n: 3, paragraphs: 2, twoHop: 0, seed: 1)
        #expect(try SyntheticQAExample.pipeline(qa, PipelineOptions()) == nil)
        let qaTok = WordTokenizer.build(from: try #require(SyntheticQAExample.vocabularyTexts(qa)))
        let features = try #require(try SyntheticQAExample.encode(qa, tokenizer: qaTok, options: EncodeOptions(maxLength: 64)))
        #expect(features.map(\.ids).elements == QAFeature.encode(qa, tokenizer: qaTok, maxLength: 64).map(\.ids).elements)
        // `[CLS] question [SEP] paragraphs… [SEP]`: the answer's token, one segment per paragraph, gold ones kept.
        for (e, f) in zip(qa, features) {
            #expect(f.ids[Int(f.start)] == qaTok.vocabulary[e.paragraphs[e.answerParagraph][e.answerStart]])
            #expect(f.segments.count == e.paragraphs.count && f.segments.filter(\.mustKeep).count == e.gold.count)
            #expect(f.segments[0].tokens.lowerBound == e.question.count + 2 && f.ids.first == qaTok.clsID && f.ids.last == qaTok.sepID)
        }
        #expect(try QAFeature.pipeline(features, PipelineOptions()) is SegmentedQAPipeline)
        let ranking = try Synthetic.ranking(n: 2, candidates: 3, seed: 1)
        #expect(try RankingExample.pipeline(ranking, PipelineOptions()) == nil)
        #expect(try RankingExample.encode(ranking, tokenizer: tok, options: EncodeOptions()) == nil)
    }
}
