import Foundation

/// Where cmcl looks for the public data sets it reads (GLUE, SQuAD, HotpotQA): `$CMCL_DATA`, or
/// `../shared/data` — relative to the working directory, which is the repository root when its
/// examples and tests run. `scripts/fetch-data` downloads the files into it.
///
/// ```swift
/// let dev = try GLUE.load("sst2", split: "dev", dir: DataRoot.path("glue"))
/// ```
public enum DataRoot {
    /// The default when `CMCL_DATA` is not set.
    public static let defaultPath = "../shared/data"

    /// The data root.
    public static var path: String { path(in: ProcessInfo.processInfo.environment) }

    /// The data root that `environment` names.
    public static func path(in environment: [String: String]) -> String {
        if let env = environment["CMCL_DATA"], !env.isEmpty { return env }
        return defaultPath
    }

    /// `relative` inside the data root (the root itself for an empty path).
    public static func path(_ relative: String) -> String {
        relative.isEmpty ? path : (path as NSString).appendingPathComponent(relative)
    }
}
