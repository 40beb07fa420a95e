import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The fixture directory next to this file.
let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixtureURL(_ name: String) -> URL { fixtureDirectory.appendingPathComponent(name) }

/// A JSON fixture as a dictionary.
func loadJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: fixtureURL(name))
    guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw NNError.checkpoint(path: name, reason: "not a JSON object")
    }
    return obj
}

func doubles(_ any: Any?) -> [Double] { (any as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? [] }
func ints(_ any: Any?) -> [Int32] { (any as? [Any])?.compactMap { ($0 as? NSNumber)?.int32Value } ?? [] }

/// The largest absolute elementwise difference (infinity when the counts differ).
func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
}

func maxAbsDiff(_ t: Tensor, _ b: [Double]) -> Double { maxAbsDiff(t.toDoubles(), b) }

/// A temporary file URL, unique per call.
func temporaryURL(_ suffix: String = ".safetensors") -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-nn-\(UUID().uuidString)\(suffix)")
}
