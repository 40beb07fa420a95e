import CMCLNN

/// A learning-rate schedule.
public final class ScheduleValue: NativeObject {
    let schedule: LearningRateSchedule
    let text: String
    init(_ schedule: LearningRateSchedule, text: String) {
        self.schedule = schedule
        self.text = text
    }
    public var typeName: String { "Schedule" }
    public func display(_ style: DisplayStyle) -> String { text }
}
