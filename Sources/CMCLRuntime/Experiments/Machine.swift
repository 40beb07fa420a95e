import CMCLData
import Foundation

/// The machine a run ran on, as the run log records it: the CPU model, the number of cores and
/// the one-minute load average at the start and at the end of the run (other programs sharing the
/// cores make a run slower; the load says how busy the machine was).
struct Machine {
    /// The CPU model (`/proc/cpuinfo`'s first `model name`; the architecture when unknown).
    static let cpu: String = {
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        #if arch(x86_64)
        return "x86_64"
        #else
        return "arm64"
        #endif
    }()

    /// The one-minute load average, or nil where the system does not give it.
    static func load() -> Double? {
        var values = [Double](repeating: 0, count: 3)
        return getloadavg(&values, 3) >= 1 ? (values[0] * 100).rounded() / 100 : nil
    }

    /// `{"cpu": …, "cores": …, "load": [start, end]}` for a run that started at load `start`.
    static func record(loadAtStart start: Double?) -> JSONValue {
        var o = JSONObject()
        o["cpu"] = .string(cpu)
        o["cores"] = .number(Double(ProcessInfo.processInfo.activeProcessorCount))
        o["load"] = .array([start.map(JSONValue.number) ?? .null, load().map(JSONValue.number) ?? .null])
        return .object(o)
    }
}
