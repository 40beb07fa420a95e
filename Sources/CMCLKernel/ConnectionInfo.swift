import CMCLData
import Foundation

/// The connection file a Jupyter front end writes for a kernel: transport, address, the five
/// ports and the signing key.
///
///     {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 53794, "iopub_port": 53795,
///      "stdin_port": 53796, "control_port": 53797, "hb_port": 53798,
///      "key": "a0436f6c-…", "signature_scheme": "hmac-sha256"}
struct ConnectionInfo: Sendable {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var hbPort: Int
    var key: String
    var signatureScheme: String

    enum Problem: Error, CustomStringConvertible {
        case unreadable(String, String)
        case invalid(String)
        var description: String {
            switch self {
            case .unreadable(let path, let why): return "cannot read connection file \(path): \(why)"
            case .invalid(let why): return "connection file: \(why)"
            }
        }
    }

    static func read(path: String) throws -> ConnectionInfo {
        let json: JSONValue
        do { json = try JSONValue.read(path: path) } catch { throw Problem.unreadable(path, "\(error)") }
        return try ConnectionInfo(json: json)
    }

    init(json: JSONValue) throws {
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.int, (0...65535).contains(p) else { throw Problem.invalid("`\(name)` must be a port number") }
            return p
        }
        transport = json["transport"]?.string ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else { throw Problem.invalid("unknown transport `\(transport)`") }
        ip = json["ip"]?.string ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        hbPort = try port("hb_port")
        key = json["key"]?.string ?? ""
        signatureScheme = json["signature_scheme"]?.string ?? "hmac-sha256"
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw Problem.invalid("signature scheme `\(signatureScheme)` is not supported (only hmac-sha256)")
        }
    }

    /// The ZeroMQ address of a channel: `tcp://127.0.0.1:5555`, or `ipc://ip-5555` as Jupyter names it.
    func address(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
