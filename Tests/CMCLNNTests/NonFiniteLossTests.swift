import CMCLTensor
import Testing
@testable import CMCLNN

/// Training that meets a NaN or infinite loss (or gradient) stops, skips or goes on as asked.
@Suite struct NonFiniteLossTests {
    static func model() throws -> BagOfEmbeddingsClassifier {
        try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 8, hidden: [8], dropout: 0, generator: Generator(seed: 3))
    }

    static func weights(_ m: Module) -> [[Float]] { m.parameters().map { $0.value.toArray() } }

    /// The task loss, made NaN (through the graph, so the gradients are NaN too) at the given calls.
    final class Poison {
        var calls = 0
        var weightsAtBadCall: [[Float]]?
        let badCalls: Set<Int>
        init(_ badCalls: Set<Int>) { self.badCalls = badCalls }

        var loss: LossFunction {
            { [self] model, batch, context in
                calls += 1
                let out = try TaskLoss.standard()(model, batch, context)
                guard badCalls.contains(calls) else { return out }
                if weightsAtBadCall == nil { weightsAtBadCall = NonFiniteLossTests.weights(model) }
                return LossOutput(total: try out.total.mul(Double.nan), parts: ["task": .nan])
            }
        }
    }

    func trainer(_ net: Module, _ policy: NonFinitePolicy, steps: Int) throws -> Trainer {
        var options = TrainingOptions(steps: steps, seed: 1)
        options.onNonFinite = policy
        return try Trainer(model: net, optimizer: SGD(learningRate: 0.5), options: options)
    }

    @Test func stopsNamingTheStepAndKeepsTheWeightsBeforeIt() throws {
        let net = try Self.model()
        let poison = Poison([4])
        let data = try syntheticSentiment(count: 256, seed: 1).source(batchSize: 16)
        do {
            _ = try trainer(net, .stop, steps: 10).fit(data: data, loss: poison.loss)
            Issue.record("training went on past a NaN loss")
        } catch let NNError.nonFiniteLoss(step, epoch, loss, _) {
            #expect(step == 4 && epoch == 1 && loss.isNaN)
            let message = "\(NNError.nonFiniteLoss(step: step, epoch: epoch, loss: loss, gradientNorm: .nan))"
            #expect(message.contains("the loss became nan at step 4"))
        }
        #expect(poison.calls == 4)
        #expect(Self.weights(net) == poison.weightsAtBadCall)  // the bad step changed nothing
        #expect(Self.weights(net).allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test func aNonFiniteGradientWithAFiniteLossStopsToo() throws {
        let net = try Self.model()
        let before = Self.weights(net)
        // sqrt has an infinite slope at 0: a finite loss (+ 0) whose gradient is NaN.
        let loss: LossFunction = { model, batch, context in
            let out = try TaskLoss.standard()(model, batch, context)
            let p = model.parameters()[0].value
            let zero = try p.sub(p).sqrt().sum().mul(0.0)
            return LossOutput(total: try out.total.add(zero), parts: out.parts)
        }
        let data = try syntheticSentiment(count: 64, seed: 1).source(batchSize: 16)
        do {
            _ = try trainer(net, .stop, steps: 4).fit(data: data, loss: loss)
            Issue.record("no error")
        } catch let NNError.nonFiniteLoss(step, _, loss, norm) {
            #expect(step == 1 && loss.isFinite && !norm.isFinite)
        }
        #expect(Self.weights(net) == before)
    }

    @Test func skipLeavesTheWeightsAloneAndGoesOn() throws {
        let net = try Self.model()
        let poison = Poison([2, 5])
        let data = try syntheticSentiment(count: 256, seed: 1).source(batchSize: 16)
        let history = try trainer(net, .skip, steps: 8).fit(data: data, loss: poison.loss)
        #expect(history.steps.count == 8 && history.skippedSteps == 2)
        #expect(history.steps[1].loss.isNaN && history.steps[4].loss.isNaN)
        #expect(Self.weights(net).allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(Self.weights(net) != poison.weightsAtBadCall)  // the good steps trained
    }

    @Test func continueTrainsOnAsAskedAndTheWeightsBreak() throws {
        let net = try Self.model()
        let poison = Poison([2])
        let data = try syntheticSentiment(count: 256, seed: 1).source(batchSize: 16)
        let history = try trainer(net, .continue, steps: 4).fit(data: data, loss: poison.loss)
        #expect(history.steps.count == 4 && history.skippedSteps == 0)
        #expect(Self.weights(net).contains { $0.contains { !$0.isFinite } })
    }
}
