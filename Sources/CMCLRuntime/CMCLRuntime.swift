/// The CMCLRuntime module.
public enum CMCLRuntimeModule {
    public static let name = "CMCLRuntime"
}
