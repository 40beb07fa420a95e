import CMCLCompare
import CMCLData
import CMCLNN
import CMCLTensor
import Foundation

/// A module (layer or whole model) as a cmcl value. Calling it runs a forward pass:
/// layers take a tensor, text models take a batch (or a tensor of token ids).
public final class ModelValue: NativeObject {
    let module: Module
    /// The tokenizer that came with a pretrained model: `fit`, `evaluate`, `predict`, `encode`
    /// and `hidden` use it for text when no other tokenizer is given.
    let tokenizer: (any TextTokenizer)?
    /// What loading a pretrained model found (`net.pretrained`).
    let origin: Value?
    init(_ module: Module, tokenizer: (any TextTokenizer)? = nil, origin: Value? = nil) {
        self.module = module
        self.tokenizer = tokenizer
        self.origin = origin
    }

    public var typeName: String { "Model" }
    public var isCallable: Bool { true }

    public func display(_ style: DisplayStyle) -> String { module.summary() }

    public var fieldNames: [String] { tokenizer == nil ? [] : ["tokenizer", "pretrained"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "tokenizer": return tokenizer.map { .object(TokenizerValue($0, kind: TokenizerValue.kind(of: $0))) }
        case "pretrained": return origin
        default: return nil
        }
    }

    public func call(_ args: Arguments) throws -> Value? {
        guard args.rest.count == 1 else {
            throw CMCLError("a model is called with one input (a batch or a tensor), got \(args.rest.count)")
        }
        let training = args.options.first { $0.0 == "training" }.map { $0.1.isTruthy } ?? false
        let context = ForwardContext(training: training, generator: args.interpreter.random)
        let input = args.rest[0]
        if let model = module as? TextModel {
            let batch = try ModelBuiltins.nnBatch(input, tokenizer: tokenizer)
            let out = try model(batch, context: context)
            if let s = out.startLogits, let e = out.endLogits {
                return .record([("start", TensorBuiltins.wrap(s)), ("end", TensorBuiltins.wrap(e))])
            }
            return TensorBuiltins.wrap(out.logits)
        }
        return TensorBuiltins.wrap(try module(try TensorBuiltins.tensor(input, "input"), context: context))
    }
}
