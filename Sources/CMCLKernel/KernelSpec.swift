import CMCLBase
import CMCLData
import Foundation

/// The kernelspec that lets Jupyter find cmcl: `kernels/cmcl/kernel.json` (how to start the
/// kernel) and its logos, under a Jupyter data directory.
///
///     try KernelSpec.install(into: KernelSpec.directory(user: true, prefix: nil), executable: "/usr/local/bin/cmcl")
public enum KernelSpec {
    /// The directory of the kernelspec: `DIR/share/jupyter/kernels/cmcl` with a prefix,
    /// `$JUPYTER_DATA_DIR/kernels/cmcl` or `~/.local/share/jupyter/kernels/cmcl` for the user,
    /// else `/usr/local/share/jupyter/kernels/cmcl` (where `jupyter kernelspec install` puts
    /// system-wide kernels).
    public static func directory(user: Bool, prefix: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let prefix { return (prefix as NSString).appendingPathComponent("share/jupyter/kernels/cmcl") }
        if user {
            if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty {
                return (data as NSString).appendingPathComponent("kernels/cmcl")
            }
            let home = environment["HOME"] ?? NSHomeDirectory()
            return (home as NSString).appendingPathComponent(".local/share/jupyter/kernels/cmcl")
        }
        return "/usr/local/share/jupyter/kernels/cmcl"
    }

    /// kernel.json's text for a cmcl at `executable`.
    public static func json(executable: String) -> String {
        let spec: JSONObject = [
            "argv": [.string(executable), "kernel", "-f", "{connection_file}"],
            "display_name": "cmcl",
            "language": "cmcl",
            "interrupt_mode": "signal",
            "metadata": ["debugger": false],
        ]
        return JSONValue.object(spec).serialized(indent: 1) + "\n"
    }

    /// Writes the kernelspec into `directory` (created if needed).
    /// A kernelspec of another kernel already there is left in place (an error), as every
    /// other writer leaves what it did not write; cmcl's own is replaced.
    public static func install(into directory: String, executable: String) throws {
        let file = (directory as NSString).appendingPathComponent("kernel.json")
        if FileManager.default.fileExists(atPath: file), (try? JSONValue.read(path: file))?["language"]?.string != "cmcl" {
            throw FileWriteError(path: directory, reason: "it holds a kernel.json that is not cmcl's; left in place", kind: .wouldReplace)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(json(executable: executable), to: (directory as NSString).appendingPathComponent("kernel.json"))
        for size in [32, 64] {
            try AtomicFile.write(KernelLogo.png(size: size),
                                 to: (directory as NSString).appendingPathComponent("logo-\(size)x\(size).png"))
        }
    }

    /// Removes a kernelspec directory that holds a cmcl kernel.json; false when there is none.
    public static func uninstall(from directory: String) throws -> Bool {
        let file = (directory as NSString).appendingPathComponent("kernel.json")
        guard let spec = try? JSONValue.read(path: file) else { return false }
        guard spec["language"]?.string == "cmcl" else {
            throw FileWriteError(path: directory, reason: "its kernel.json is not cmcl's; left in place")
        }
        for name in ["kernel.json", "logo-32x32.png", "logo-64x64.png"] {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
        rmdir(directory)  // only when nothing else is in it
        return true
    }

    /// The running executable's absolute path (for `argv`).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardized.path
    }
}
