/// The members of a JSON object, in the order they appear in the text. Lookup is by key;
/// equality ignores order, as JSON does; a repeated key keeps its first position and its
/// last value.
///
/// ```swift
/// let o: JSONObject = ["b": .number(1), "a": .number(2)]
/// o.keys        // ["b", "a"]
/// o["a"]        // .number(2)
/// ```
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String] = []
    private var members: [String: JSONValue] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (k, v) in elements { self[k] = v }
    }

    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(key: String) -> JSONValue? {
        get { members[key] }
        set {
            if let newValue {
                if members.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if members.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Members in order.
    public var pairs: [(key: String, value: JSONValue)] { keys.compactMap { k in members[k].map { (k, $0) } } }
    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public static func == (a: JSONObject, b: JSONObject) -> Bool { a.members == b.members }
}
