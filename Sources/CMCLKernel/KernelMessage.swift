import CMCLData
import Foundation

/// One message of the Jupyter messaging protocol, as it travels over ZeroMQ:
/// `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`.
struct KernelMessage {
    /// Routing prefixes (ROUTER sockets): sent back unchanged with the reply.
    var identities: [[UInt8]] = []
    var header: JSONObject
    var parentHeader: JSONObject = [:]
    var metadata: JSONObject = [:]
    var content: JSONObject = [:]
    var buffers: [[UInt8]] = []

    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    var type: String { header["msg_type"]?.string ?? "" }
    var id: String { header["msg_id"]?.string ?? "" }

    /// Why frames could not be read as a message.
    enum Problem: Error, CustomStringConvertible {
        case noDelimiter, tooFewFrames(Int), badSignature, badJSON(String, String), notAnObject(String), noType
        var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter frame"
            case .tooFewFrames(let n): return "\(n) frames after the delimiter, 5 needed"
            case .badSignature: return "signature does not match (message dropped)"
            case .badJSON(let part, let why): return "\(part) is not JSON: \(why)"
            case .notAnObject(let part): return "\(part) is not a JSON object"
            case .noType: return "header has no string msg_type"
            }
        }
    }

    /// Reads and verifies received frames. The signature is checked before any JSON is parsed.
    /// On a problem after the signature, `identities` and the header (when it parsed) are
    /// returned through `partial` so that a reply can still be routed.
    static func decode(_ frames: [[UInt8]], signer: MessageSigner) throws -> KernelMessage {
        guard let d = frames.firstIndex(of: delimiter) else { throw Problem.noDelimiter }
        let rest = frames[(d + 1)...]
        guard rest.count >= 5 else { throw Problem.tooFewFrames(rest.count) }
        let parts = Array(rest.dropFirst().prefix(4))
        guard signer.verify(rest[rest.startIndex], parts) else { throw Problem.badSignature }
        func object(_ bytes: [UInt8], _ name: String) throws -> JSONObject {
            let value: JSONValue
            do { value = try JSONValue.parse(bytes: bytes, source: name) } catch { throw Problem.badJSON(name, "\(error)") }
            guard let o = value.object else { throw Problem.notAnObject(name) }
            return o
        }
        let header = try object(parts[0], "header")
        guard header["msg_type"]?.string != nil else { throw Problem.noType }
        return KernelMessage(identities: Array(frames[..<d]), header: header,
                             parentHeader: (try? object(parts[1], "parent_header")) ?? [:],
                             metadata: (try? object(parts[2], "metadata")) ?? [:],
                             content: try object(parts[3], "content"),
                             buffers: Array(rest.dropFirst(5)))
    }

    /// The frames to send, signed.
    func encode(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array(JSONValue.object($0).serialized(compact: true).utf8) }
        return identities + [KernelMessage.delimiter, Array(signer.signature(parts).utf8)] + parts + buffers
    }

    /// A new header for a message of `type` in `session`.
    static func header(type: String, session: String) -> JSONObject {
        [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string("cmcl"),
            "date": .string(timestamp()),
            "msg_type": .string(type),
            "version": .string(protocolVersion),
        ]
    }

    /// ISO 8601 with microseconds, in UTC, as Jupyter writes dates.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1000))
    }
}
