import Testing
@testable import CMCLNN

@Suite struct TrainingPlanTests {
    @Test func epochsStepsAndTheirCap() {
        #expect(TrainingPlan(batchesPerEpoch: 10, epochs: nil, steps: nil) == TrainingPlan(batchesPerEpoch: 10, epochs: 1, steps: nil))
        let byEpochs = TrainingPlan(batchesPerEpoch: 10, epochs: 3, steps: nil)
        #expect(byEpochs.epochs == 3 && byEpochs.totalSteps == 30)
        let bySteps = TrainingPlan(batchesPerEpoch: 10, epochs: nil, steps: 25)
        #expect(bySteps.epochs == 3 && bySteps.totalSteps == 25)
        let capped = TrainingPlan(batchesPerEpoch: 10, epochs: 2, steps: 25)
        #expect(capped.epochs == 2 && capped.totalSteps == 20)
        #expect(TrainingPlan.batches(examples: 33, batchSize: 8) == 5 && TrainingPlan.batches(examples: 32, batchSize: 8) == 4)
    }
}
