/// A REPL meta-command (`:help`, `:load FILE`, …): its name, usage and description.
public struct MetaCommand: Sendable, Equatable {
    public let name: String
    /// What follows the name, e.g. `FILE`; empty when it takes nothing.
    public let argument: String
    public let summary: String
    /// Short spellings (`:q` for `:quit`).
    public let aliases: [String]

    public init(_ name: String, _ argument: String, _ summary: String, aliases: [String] = []) {
        self.name = name
        self.argument = argument
        self.summary = summary
        self.aliases = aliases
    }

    /// `:load FILE`.
    public var usage: String { argument.isEmpty ? ":\(name)" : ":\(name) \(argument)" }

    /// Every command, in the order `:help` lists them.
    public static let all: [MetaCommand] = [
        MetaCommand("help", "[NAME]", "list commands and builtins; with NAME, its signature, description and example",
                    aliases: ["h", "?"]),
        MetaCommand("vars", "", "list the variables you defined, with their types and values"),
        MetaCommand("type", "EXPR", "show the type of an expression's value"),
        MetaCommand("time", "EXPR", "run a cell and report how long it took"),
        MetaCommand("load", "FILE", "run a script into the session"),
        MetaCommand("step", "[FILE]", "step through a notebook cell by cell: `:step FILE` shows and runs its first cell, each `:step` the next"),
        MetaCommand("save", "FILE", "write the session's successful cells as a runnable .cmcl script (`:save! FILE` replaces a file this session did not write)"),
        MetaCommand("export", "FILE", "write the session's successful cells, outputs and plots as one HTML (or .md) document (`:export! FILE` replaces a file this session did not write)"),
        MetaCommand("precision", "[fp32|bf16]", "show or set the session's precision for matrix products (`fit`, `evaluate`, `predict`, `ablation_curve`, `experiment` calls without `precision:`)"),
        MetaCommand("reset", "", "forget every variable and start numbering cells from 1"),
        MetaCommand("quit", "", "leave (Ctrl-D also works)", aliases: ["q", "exit"]),
    ]

    /// The command spelled `name` (without the colon), or one of its aliases.
    public static func named(_ name: String) -> MetaCommand? {
        all.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Splits `:name rest` into the name and the trimmed rest; nil when `line` is not a command.
    public static func split(_ line: String) -> (name: String, argument: String)? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == ":" else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        let rest = body.dropFirst(name.count).trimmingWhitespace()
        return (String(name), rest)
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
