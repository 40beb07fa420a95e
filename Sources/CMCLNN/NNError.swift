import CMCLTensor
import CMCLBase

/// An error a model, optimizer, checkpoint or training operation reports instead of crashing.
///
/// Every case names the operation and the offending values, so the message can be shown to a user
/// as is:
///
/// ```swift
/// do { try model.load(from: url) } catch { print(error) }
/// // load checkpoint: 1 missing key (classifier.bias), 0 unexpected keys, 0 shape mismatches
/// ```
public enum NNError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A constructor argument that does not describe a valid model or layer.
    case invalidConfiguration(op: String, reason: String)
    /// An input (batch, ids, mask, labels) that the operation cannot use.
    case invalidInput(op: String, reason: String)
    /// A state dictionary that does not fit the model.
    case stateMismatch(op: String, missing: [String], unexpected: [String], shapeMismatches: [String])
    /// A checkpoint file that is not valid safetensors, or cannot be read or written.
    case checkpoint(path: String, reason: String)
    /// A safetensors file without cmcl's model metadata (weights only), read as a whole model.
    case weightsOnly(path: String)
    /// A parameter name that the model does not have.
    case unknownParameter(op: String, name: String, suggestions: [String])
    /// A dropout or maskable site that the model does not have.
    case unknownSite(op: String, site: String, suggestions: [String])
    /// An override or mask whose shape does not fit what it replaces.
    case shapeMismatch(op: String, name: String, expected: [Int], found: [Int])
    /// An optimizer or schedule hyper-parameter outside its valid range.
    case invalidHyperparameter(op: String, name: String, value: Double, requirement: String)
    /// A metric name that evaluation does not know.
    case unknownMetric(name: String, available: [String])
    /// Training met a NaN or infinite loss (or gradient norm) at a step (counted from 1) and stopped;
    /// the weights are those before that step.
    case nonFiniteLoss(step: Int, epoch: Int, loss: Double, gradientNorm: Double)

    public var description: String {
        switch self {
        case let .invalidConfiguration(op, reason):
            return "\(op): \(reason)"
        case let .invalidInput(op, reason):
            return "\(op): \(reason)"
        case let .stateMismatch(op, missing, unexpected, shapes):
            var parts = ["\(missing.count) missing key\(missing.count == 1 ? "" : "s")\(NNError.list(missing))",
                         "\(unexpected.count) unexpected key\(unexpected.count == 1 ? "" : "s")\(NNError.list(unexpected))",
                         "\(shapes.count) shape mismatch\(shapes.count == 1 ? "" : "es")\(NNError.list(shapes))"]
            parts = parts.filter { !$0.hasPrefix("0 ") }
            return "\(op): " + (parts.isEmpty ? "state does not match" : parts.joined(separator: ", "))
        case let .checkpoint(path, reason):
            return "checkpoint \(path): \(reason)"
        case let .weightsOnly(path):
            return "checkpoint \(path): no cmcl.model metadata: the file holds weights only (a Hugging Face model directory"
                + " is read with its config.json; other weights load into a model built with the same shape)"
        case let .unknownParameter(op, name, suggestions):
            return "\(op): no parameter named '\(name)'\(NNError.didYouMean(suggestions))"
        case let .unknownSite(op, site, suggestions):
            return "\(op): no site named '\(site)'\(NNError.didYouMean(suggestions))"
        case let .shapeMismatch(op, name, expected, found):
            return "\(op): '\(name)' needs shape \(expected), got \(found)"
        case let .invalidHyperparameter(op, name, value, requirement):
            return "\(op): \(name) = \(value) is invalid (\(requirement))"
        case let .unknownMetric(name, available):
            return "evaluate: unknown metric '\(name)' (available: \(available.joined(separator: ", ")))"
        case let .nonFiniteLoss(step, epoch, loss, norm):
            let what = loss.isFinite ? "the gradient norm became \(norm)" : "the loss became \(loss)"
            return "fit: \(what) at step \(step) (epoch \(epoch)); training stopped and the weights are those before that step"
        }
    }

    static func list(_ items: [String], limit: Int = 6) -> String {
        if items.isEmpty { return "" }
        let shown = items.prefix(limit).joined(separator: ", ")
        return " (\(shown)\(items.count > limit ? ", …" : ""))"
    }

    static func didYouMean(_ s: [String]) -> String {
        s.isEmpty ? "" : "; did you mean \(s.map { "'\($0)'" }.joined(separator: " or "))?"
    }

    /// Up to three names closest to `name` by edit distance (for did-you-mean hints).
    static func suggestions(for name: String, in candidates: [String]) -> [String] {
        Suggestion.nearest(to: name, in: candidates, maxDistance: Swift.max(3, name.count / 3), limit: 3)
    }
}
