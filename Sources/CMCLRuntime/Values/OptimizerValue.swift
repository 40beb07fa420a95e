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
    public func display(_ style: DisplayStyle) -> String {
        "\(name)(" + settings.map { "\($0.0): \(Display.number($0.1))" }.joined(separator: ", ") + ")"
    }
}
