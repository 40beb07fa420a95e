import CMCLData
import CMCLNN
import Foundation

/// What a golden notebook needs besides cmcl, declared in its opening comment block:
///
///     # requires: data, model:minilm-l6, slow
///
/// - `data`: the shared data folder (`$CMCL_DATA`, else `../shared/data` from the working
///   directory), with GLUE, SQuAD and HotpotQA;
/// - `model:NAME`: a pretrained model installed in the model store (`scripts/fetch-model NAME`);
/// - `slow`: minutes of training; checked only when `CMCL_SLOW=1` (or `cmcl test --slow`).
///
/// `cmcl test` skips a notebook whose requirements are not met, and says which.
public struct NotebookRequirements: Sendable, Equatable {
    /// The declared items, in order.
    public var items: [String]
    /// The files under the data folder the notebook reads, as far as its text names them: the
    /// `data_dir("…")` literals and the split files of `glue("TASK", split: "…")` calls with
    /// literal names. With `data` required, each must exist (not only the folder).
    public var dataFiles: [String] = []

    /// The requirements declared in the leading comment lines of `text`.
    public init(text: String) {
        var items: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("#") else { break }
            let body = t.dropFirst().trimmingCharacters(in: .whitespaces)
            guard body.hasPrefix("requires:") else { continue }
            items += body.dropFirst("requires:".count).split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        self.items = items
        var files: [String] = []
        var rest = Substring(text)
        while let call = rest.range(of: "data_dir(\"") {
            rest = rest[call.upperBound...]
            guard let close = rest.firstIndex(of: "\"") else { break }
            let name = String(rest[..<close])
            if !name.isEmpty, !name.contains("\\"), !files.contains(name) { files.append(name) }
            rest = rest[close...]
        }
        for file in Self.glueFiles(text) where !files.contains(file) { files.append(file) }
        dataFiles = files
    }

    /// `glue/SST-2/dev.tsv` for each `glue("sst2", split: "dev", …)` call whose task (and split,
    /// if given; `train` otherwise) are literals; calls naming the task by a variable are not seen.
    static func glueFiles(_ text: String) -> [String] {
        var files: [String] = []
        var rest = Substring(text)
        while let call = rest.range(of: "glue(\"") {
            rest = rest[call.upperBound...]
            guard let close = rest.firstIndex(of: "\""), let task = try? GLUE.task(named: String(rest[..<close])) else { continue }
            let line = rest[close...].prefix { $0 != "\n" && $0 != ")" }
            var split = "train"
            if let s = line.range(of: "split: \"") {
                split = String(line[s.upperBound...].prefix { $0 != "\"" })
            }
            if task.name == "mnli" && split == "dev" { split = "dev_matched" }
            guard task.splits.contains(split) else { continue }
            let file = "glue/\(task.folder)/\(split).tsv"
            if !files.contains(file) { files.append(file) }
        }
        return files
    }

    /// The shared data folder named by `environment`.
    public static func dataDirectory(_ environment: [String: String]) -> String {
        DataRoot.path(in: environment)
    }

    /// What is missing to run the notebook here (empty when it can run).
    public func unmet(environment: [String: String], slow: Bool = false) -> [String] {
        var missing: [String] = []
        for item in items {
            switch item {
            case "data":
                var isDirectory: ObjCBool = false
                let dir = Self.dataDirectory(environment)
                if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) || !isDirectory.boolValue {
                    missing.append("the data folder \(dir) (set CMCL_DATA)")
                } else {
                    let absent = dataFiles.filter { !FileManager.default.fileExists(atPath: dir + "/" + $0) }
                    if !absent.isEmpty { missing.append("\(absent.joined(separator: ", ")) in the data folder \(dir) (scripts/fetch-data)") }
                }
            case "slow":
                if !slow && environment["CMCL_SLOW"] != "1" { missing.append("CMCL_SLOW=1 (it trains for minutes)") }
            case let m where m.hasPrefix("model:"):
                let name = String(m.dropFirst("model:".count))
                if !ModelStore(environment: environment).installed.contains(name) {
                    missing.append("the model \(name) (scripts/fetch-model \(name))")
                }
            default:
                missing.append("an unknown requirement '\(item)' (data, model:NAME, slow)")
            }
        }
        return missing
    }
}
