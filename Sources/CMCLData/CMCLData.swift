/// The CMCLData module.
public enum CMCLDataModule {
    public static let name = "CMCLData"
}
