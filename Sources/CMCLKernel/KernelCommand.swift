import Foundation

/// `cmcl kernel …`: run the Jupyter kernel, or install and remove its kernelspec.
public enum KernelCommand {
    public static let usage = """
    usage: cmcl kernel -f CONNECTION_FILE        run the Jupyter kernel (Jupyter starts it so)
           cmcl kernel install [--user] [--prefix DIR]
                                                 write the kernelspec (default /usr/local/share/jupyter)
           cmcl kernel uninstall [--user] [--prefix DIR]
    """

    /// Runs the command; returns the exit code (64 for a usage error).
    public static func main(_ args: [String], output: (String) -> Void, error: (String) -> Void) -> Int32 {
        func usageError(_ message: String) -> Int32 {
            error("cmcl kernel: \(message)\n\n\(usage)\n")
            return 64
        }
        guard let first = args.first else { return usageError("needs -f CONNECTION_FILE, install or uninstall") }
        switch first {
        case "-f", "--connection-file":
            guard args.count == 2 else { return usageError("-f takes one connection file") }
            do {
                let kernel = try Kernel(connectionFile: args[1])
                return kernel.run()
            } catch let e {
                error("cmcl kernel: \(e)\n")
                return 66
            }
        case "install", "uninstall":
            var user = false, prefix: String?
            var i = 1
            while i < args.count {
                switch args[i] {
                case "--user": user = true
                case "--prefix":
                    guard i + 1 < args.count else { return usageError("--prefix needs a directory") }
                    prefix = args[i + 1]
                    i += 1
                default: return usageError("unknown option \(args[i]) for \(first)")
                }
                i += 1
            }
            let directory = KernelSpec.directory(user: user, prefix: prefix)
            do {
                if first == "install" {
                    try KernelSpec.install(into: directory, executable: KernelSpec.currentExecutable)
                    output("installed the cmcl kernelspec in \(directory)\n")
                } else if try KernelSpec.uninstall(from: directory) {
                    output("removed the cmcl kernelspec from \(directory)\n")
                } else {
                    error("cmcl kernel: no cmcl kernelspec in \(directory)\n")
                    return 1
                }
            } catch let e {
                error("cmcl kernel: \(e)\n")
                return 74  // cannot write an output (docs/language.md)
            }
            return 0
        default:
            return usageError("unknown argument \(first)")
        }
    }
}
