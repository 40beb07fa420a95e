/// The CMCLLang module.
public enum CMCLLangModule {
    public static let name = "CMCLLang"
}
