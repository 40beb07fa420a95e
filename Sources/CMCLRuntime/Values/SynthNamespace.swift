
/// The `synth` namespace value: `synth.sentiment(...)`.
public final class SynthNamespace: NativeObject {
    public var typeName: String { "synth" }
    public func display(_ style: DisplayStyle) -> String { "<synthetic tasks: sentiment, qa, ranking>" }
}
