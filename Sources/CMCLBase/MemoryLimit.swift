import Foundation

/// The size limit for one tensor: read from `CMCL_MEMORY_LIMIT`, or derived from the machine.
public enum MemoryLimit {
    /// `CMCL_MEMORY_LIMIT` when it parses, else half the physical memory, capped at a quarter
    /// of the address-space limit when one is set.
    public static func defaultBytes(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["CMCL_MEMORY_LIMIT"], let bytes = parse(text) { return bytes }
        var limit = Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
        var rl = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &rl) == 0, rl.rlim_cur != rlim_t.max {
            limit = min(limit, Int(clamping: rl.rlim_cur / 4))
        }
        return max(limit, 1 << 20)
    }

    /// `4G`, `512M`, `64K` or a number of bytes; nil when it does not parse.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("TB", 0x1p40), ("GB", 0x1p30), ("MB", 0x1p20), ("KB", 0x1p10),
                                         ("T", 0x1p40), ("G", 0x1p30), ("M", 0x1p20), ("K", 0x1p10), ("B", 1)]
        var number = Substring(t), scale = 1.0
        for (suffix, s) in units where t.hasSuffix(suffix) {
            number = t.dropLast(suffix.count)
            scale = s
            break
        }
        guard let n = Double(number.trimmingCharacters(in: .whitespaces)), n > 0, (n * scale).isFinite,
              n * scale < 9e18 else { return nil }
        return Int(n * scale)
    }

    /// `4.0 GB`, `512.0 MB`, `12 KB`, `100 bytes`.
    public static func describe(_ bytes: Int) -> String {
        let b = Double(bytes)
        if b >= 1e12 { return String(format: "%.1f TB", b / 1e12) }
        if b >= 1e9 { return String(format: "%.1f GB", b / 1e9) }
        if b >= 1e6 { return String(format: "%.1f MB", b / 1e6) }
        if b >= 1e3 { return String(format: "%.0f KB", b / 1e3) }
        return "\(bytes) bytes"
    }
}
