/// The CMCLTensor module.
public enum CMCLTensorModule {
    public static let name = "CMCLTensor"
}
