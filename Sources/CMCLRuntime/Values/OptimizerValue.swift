import CMCLNN

/// An optimizer configuration; `fit` builds the optimizer from it.
public final class OptimizerValue: NativeObject {
    let name: String
    let make: () throws -> Optimizer
    /// The settings shown when the value is displayed.
    let settings: [(String, Double)]
    /// Every hyperparameter by name (for `export_torch`), defaults included.
    let hyperparameters: [String: Double]
    init(name: String, settings: [(String, Double)], hyperparameters: [String: Double] = [:],
         make: @escaping () throws -> Optimizer) {
        self.name = name
        self.settings = settings
        self.hyperparameters = hyperparameters.merging(settings) { a, _ in a }
        self.make = make
    }
    public var typeName: String { "Optimizer" }

    /// `adamw(...)`: AdamW with these settings (checked now, so a bad one fails where it is written).
    static func adamw(lr: Double, weightDecay: Double = 0.01, beta1: Double = 0.9, beta2: Double = 0.999,
                      eps: Double = 1e-8) throws -> OptimizerValue {
        _ = try AdamW(learningRate: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
        return OptimizerValue(name: "adamw", settings: [("lr", lr), ("weight_decay", weightDecay)],
                              hyperparameters: ["beta1": beta1, "beta2": beta2, "eps": eps]) {
            try AdamW(learningRate: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
        }
    }
    public func display(_ style: DisplayStyle) -> String {
        "\(name)(" + settings.map { "\($0.0): \(Display.number($0.1))" }.joined(separator: ", ") + ")"
    }
}
