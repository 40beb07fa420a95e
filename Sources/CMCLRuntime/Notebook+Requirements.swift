import CMCLData
import Foundation

/// What a notebook needs to run, declared in a header comment:
///
///     # requires: data glue/SST-2/train.tsv glue/SST-2/dev.tsv
///
/// names files (or folders) under the data root (`$CMCL_DATA`, default `../shared/data`); a bare
/// `# requires: data` needs only the data root itself. `cmcl test` skips a notebook whose
/// requirements are missing and says why, instead of failing on a machine without the data.
extension Notebook {
    public static let requiresPrefix = "# requires:"

    /// Whether a notebook's requirements are met.
    public enum Requirement: Equatable, Sendable {
        case met
        /// Something is missing here; the notebook is skipped, with this reason.
        case missing(String)
        /// The header is wrong (a failure, not a skip).
        case invalid(String)
    }

    /// Whether the notebook `text` can run here.
    public static func requirement(in text: String) -> Requirement {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard t.hasPrefix("#") else { break }  // only the leading comment block declares
            guard t.hasPrefix(requiresPrefix) else { continue }
            let words = t.dropFirst(requiresPrefix.count).split(separator: " ").map(String.init)
            guard let kind = words.first else { return .invalid("`# requires:` names nothing (write `# requires: data`)") }
            guard kind == "data" else { return .invalid("unknown requirement `\(kind)` (known: data)") }
            let paths = words.dropFirst().isEmpty ? [""] : Array(words.dropFirst())
            for p in paths where !FileManager.default.fileExists(atPath: DataRoot.path(p)) {
                return .missing("needs data: \(DataRoot.path(p)) is missing (set CMCL_DATA or run scripts/fetch-data)")
            }
        }
        return .met
    }
}
