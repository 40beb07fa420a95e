/// The CMCLRepl module.
public enum CMCLReplModule {
    public static let name = "CMCLRepl"
}
