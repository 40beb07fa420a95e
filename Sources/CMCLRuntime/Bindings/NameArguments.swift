import CMCLBase

/// User-facing names (task heads, modes, targets, activations, metrics, precision) resolved at
/// the binding, before the engine runs or any file is read: an unknown spelling is an error with
/// the caret on its argument and a did-you-mean among the accepted spellings
/// (``CMCLBase/Suggestion/choices(for:among:)``).
extension Arguments {
    /// The value string argument `name` spells in `table` (case-insensitive); a did-you-mean
    /// offers the names of `offering` (default: every spelling of the table).
    ///
    ///     let mode = try a.choice("mode", in: ComparativeLossConfig.modeNames, what: "mode")
    func choice<T>(_ name: String, in table: [(String, T)], what: String, offering: [String]? = nil) throws -> T {
        let given = try string(name)
        if let hit = Suggestion.lookup(given, in: table) { return hit }
        throw Self.unknownName(given, what: what, among: offering ?? table.map(\.0), argument: name)
    }

    /// Argument `name` checked against `names` (case-insensitive), as the caller spelled it.
    func choice(_ name: String, in names: [String], what: String, offering: [String]? = nil) throws -> String {
        try choice(name, in: names.map { ($0, $0) }, what: what, offering: offering)
    }

    /// The error for `given`, not one of `names`: did-you-mean when a spelling is close, else the
    /// list of spellings; the caret on `argument`.
    static func unknownName(_ given: String, what: String, among names: [String], argument: String) -> CMCLError {
        let hint = Suggestion.choices(for: given, among: names).first.map { "did you mean `\($0)`?" }
            ?? "use one of \(names.joined(separator: ", "))"
        return CMCLError("unknown \(what) \"\(given)\"", hint: hint, argument: .label(argument))
    }
}
