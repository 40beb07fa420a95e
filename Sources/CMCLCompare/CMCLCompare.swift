/// The CMCLCompare module.
public enum CMCLCompareModule {
    public static let name = "CMCLCompare"
}
