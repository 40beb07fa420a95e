/// The CMCLNN module.
public enum CMCLNNModule {
    public static let name = "CMCLNN"
}
