import CMCLNN
import CMCLTensor

/// A padded batch as a cmcl value; its fields are tensors.
public final class BatchValue: NativeObject {
    let batch: Batch
    init(_ batch: Batch) { self.batch = batch }
    public var typeName: String { "Batch" }
    public var length: Int? { batch.size }
    /// Class labels (int32), when the batch has them.
    var classLabels: Tensor? { batch.labels.flatMap { $0.dtype == .int32 ? $0 : nil } }
    /// Regression scores (float), when the batch has them.
    var scores: Tensor? { batch.labels.flatMap { $0.dtype == .int32 ? nil : $0 } }
    public func display(_ style: DisplayStyle) -> String {
        "<Batch \(batch.size) × \(batch.ids.shape[1])\(classLabels == nil ? "" : ", labels")>"
    }
    public var fieldNames: [String] { ["ids", "mask", "type_ids", "labels", "scores", "size", "length"] }
    public func field(_ name: String) -> Value? {
        func wrap(_ t: Tensor?, empty dtype: DType) -> Value? {
            (t ?? (try? Tensor.zeros([0], dtype: dtype))).map { .object(TensorValue($0)) }
        }
        switch name {
        case "ids": return .object(TensorValue(batch.ids))
        case "mask": return wrap(batch.attentionMask, empty: .int32)
        case "type_ids": return wrap(batch.tokenTypes, empty: .int32)
        case "labels": return wrap(classLabels, empty: .int32)
        case "scores": return wrap(scores, empty: .float32)
        case "size": return .number(Double(batch.size))
        case "length": return .number(Double(batch.ids.shape[1]))
        default: return nil
        }
    }
}
