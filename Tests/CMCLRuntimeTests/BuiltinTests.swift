import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

/// Every core builtin, with expected values worked out by hand (or as Python gives them).
@Suite("Core builtins")
struct BuiltinTests {
    @Test(arguments: [
        // Output and inspection.
        ("len([1, 2, 3])", "3"), ("len(\"héllo\")", "5"), ("len({a: 1, b: 2})", "2"), ("len(range(2, 10, 3))", "3"),
        ("len([])", "0"),
        ("list(range(3))", "[0, 1, 2]"), ("list(range(2, 5))", "[2, 3, 4]"), ("list(range(0, 1, 0.25))", "[0, 0.25, 0.5, 0.75]"),
        ("list(range(5, 0, -2))", "[5, 3, 1]"), ("list(range(3, 3))", "[]"), ("range(3)", "range(0, 3)"),
        ("range(1, 7, 2)", "range(1, 7, 2)"),
        ("type(1)", "\"number\""), ("type(\"a\")", "\"string\""), ("type([])", "\"list\""), ("type({})", "\"record\""),
        ("type(nil)", "\"nil\""), ("type(true)", "\"bool\""), ("type(fn() => 1)", "\"function\""),
        ("type(len)", "\"function\""), ("type(range(1))", "\"range\""),
        ("str(1.5)", "\"1.5\""), ("str(\"a\")", "\"a\""), ("str([1, \"a\"])", "\"[1, \\\"a\\\"]\""), ("str(nil)", "\"nil\""),
        ("str(2e-5)", "\"2e-05\""), ("str(1e21)", "\"1e+21\""), ("str(100)", "\"100\""), ("str(-0.5)", "\"-0.5\""),
        ("repr(\"a\\n\")", "\"\\\"a\\\\n\\\"\""), ("repr(1)", "\"1\""),
        // Numbers.
        ("abs(-2.5)", "2.5"), ("sqrt(16)", "4"), ("exp(0)", "1"), ("log(1)", "0"), ("log2(8)", "3"), ("log10(1000)", "3"),
        ("sin(0)", "0"), ("cos(0)", "1"), ("tanh(0)", "0"), ("floor(-1.5)", "-2"), ("ceil(1.2)", "2"),
        ("round(2.5)", "3"), ("round(-2.5)", "-3"), ("round(3.14159, digits: 2)", "3.14"), ("round(1234, digits: -2)", "1200"),
        ("pow(2, 10)", "1024"), ("min(3, 1, 2)", "1"), ("max([3, 1, 2])", "3"), ("max(\"a\", \"b\")", "\"b\""),
        ("min([5])", "5"), ("clamp(1.5, 0, 1)", "1"), ("clamp(-1, 0, 1)", "0"), ("isnan(0 / 0)", "true"), ("isnan(1)", "false"),
        ("int(-2.7)", "-2"), ("int(\"42\")", "42"), ("int(\" 7.9 \")", "7"), ("int(true)", "1"),
        ("num(\"2.5e-3\")", "0.0025"), ("num(3)", "3"), ("num(false)", "0"),
        // Lists.
        ("map([1, 2], fn(x) => x * 10)", "[10, 20]"), ("map(\"ab\", upper)", "[\"A\", \"B\"]"),
        ("filter(range(6), fn(x) => x % 2 == 0)", "[0, 2, 4]"), ("reduce([1, 2, 3], fn(a, x) => a * 10 + x, 0)", "123"),
        ("sum([1, 2, 3])", "6"), ("sum([])", "0"), ("sum(range(101))", "5050"), ("sum([0.5, 0.25])", "0.75"),
        ("mean([1, 2, 3, 4])", "2.5"),
        ("sorted([3, 1, 2])", "[1, 2, 3]"), ("sorted([3, 1, 2], reverse: true)", "[3, 2, 1]"),
        ("sorted([\"bb\", \"a\", \"ccc\"], key: len)", "[\"a\", \"bb\", \"ccc\"]"),
        ("sorted([[2, \"b\"], [1, \"z\"], [2, \"a\"]], key: fn(p) => p[0])", "[[1, \"z\"], [2, \"b\"], [2, \"a\"]]"),
        ("sorted([\"b\", \"C\", \"a\"])", "[\"C\", \"a\", \"b\"]"),
        ("reversed([1, 2, 3])", "[3, 2, 1]"), ("reversed(\"ab\")", "[\"b\", \"a\"]"),
        ("zip([1, 2, 3], [\"a\", \"b\"])", "[[1, \"a\"], [2, \"b\"]]"), ("enumerate([\"x\", \"y\"])", "[[0, \"x\"], [1, \"y\"]]"),
        ("list(\"ab\")", "[\"a\", \"b\"]"), ("list({a: 1})", "[\"a\"]"),
        ("contains([1, 2], 2)", "true"), ("contains([1, [2]], [2])", "true"), ("contains([1], \"1\")", "false"),
        ("contains(\"hello\", \"ell\")", "true"), ("contains({a: 1}, \"a\")", "true"), ("contains({a: 1}, \"b\")", "false"),
        ("let xs = [1]\nappend(xs, 2)\nxs", "[1, 2]"), ("let xs = [1, 2]\n[pop(xs), xs]", "[2, [1]]"),
        // Records.
        ("keys({lr: 1, epochs: 2})", "[\"lr\", \"epochs\"]"), ("values({lr: 1, epochs: 2})", "[1, 2]"),
        ("items({a: 1})", "[[\"a\", 1]]"), ("get({a: 1}, \"b\")", "nil"), ("get({a: 1}, \"b\", default: 0)", "0"),
        ("get({a: 1}, \"a\", default: 0)", "1"), ("merge({lr: 1, epochs: 2}, {lr: 3, seed: 4})", "{lr: 3, epochs: 2, seed: 4}"),
        ("let r = {a: 1}\nmerge(r, {a: 2})\nr", "{a: 1}"),
        // Strings.
        ("join([\"a\", \"b\"], sep: \"-\")", "\"a-b\""), ("join([1, \"a\", nil], sep: \", \")", "\"1, a, nil\""), ("join([])", "\"\""),
        ("split(\"a b  c\")", "[\"a\", \"b\", \"c\"]"), ("split(\"a,b,,c\", sep: \",\")", "[\"a\", \"b\", \"\", \"c\"]"),
        ("split(\"  a\\tb\\n\")", "[\"a\", \"b\"]"), ("split(\"\")", "[]"),
        ("upper(\"abc\")", "\"ABC\""), ("lower(\"ABC\")", "\"abc\""), ("strip(\"  a \\n\")", "\"a\""),
        ("replace(\"a-b-c\", \"-\", \"+\")", "\"a+b+c\""), ("replace(\"aaa\", \"a\", \"bb\")", "\"bbbbbb\""),
        ("startswith(\"cmcl\", \"cm\")", "true"), ("startswith(\"cmcl\", \"cl\")", "false"),
        ("endswith(\"a.cmcl\", \".cmcl\")", "true"), ("endswith(\"a\", \"ab\")", "false"),
        // Prelude functions (written in cmcl).
        ("square(7)", "49"), ("repeat_apply(fn(v) => v * 2, 1, 3)", "8"), ("find([1, 2, 3], fn(x) => x > 1)", "2"),
        ("find([1], fn(x) => x > 5)", "nil"), ("any([0, 0, 1])", "true"), ("any([])", "false"), ("all([])", "true"),
        ("all([1, 1, 0])", "false"), ("any([1, 2], pred: fn(x) => x > 1)", "true"), ("all([1, 2], pred: fn(x) => x > 1)", "false"),
        ("argmax_list([3, 9, 2, 9])", "1"),
    ])
    func value(code: String, expected: String) {
        #expect(eval(code) == expected, "\(code)")
    }

    /// `format` against Python's `str.format` for the supported subset.
    @Test(arguments: [
        ("format(\"{} and {}\", 1, \"two\")", "1 and two"), ("format(\"{1} {0}\", \"a\", \"b\")", "b a"),
        ("format(\"{:.3f}\", 3.14159)", "3.142"), ("format(\"{:.2e}\", 12345.678)", "1.23e+04"),
        ("format(\"{:.1%}\", 0.8765)", "87.6%"), ("format(\"{:.0%}\", 0.5)", "50%"), ("format(\"{:>6.2f}|\", 3.14159)", "  3.14|"),
        ("format(\"{:8.3f}|\", 3.14159)", "   3.142|"), ("format(\"{:5}|{:>5}|{:^5}|\", \"ab\", \"cd\", \"e\")", "ab   |   cd|  e  |"),
        ("format(\"{:<4}|\", 7)", "7   |"), ("format(\"{{}} {}\", 1)", "{} 1"), ("format(\"}}\")", "}"),
        ("format(\"{}\", [1, \"a\"])", "[1, \"a\"]"), ("format(\"{}\", \"s\")", "s"), ("format(\"no placeholders\")", "no placeholders"),
        ("format(\"{:.2f}\", -0.001)", "-0.00"), ("format(\"{:d}\", 42)", "42"), ("format(\"{:.1f}\", 0.25)", "0.2"),
    ])
    func format(code: String, expected: String) {
        #expect(printed("print(\(code))") == expected + "\n", "\(code)")
    }

    /// Every language builtin (categories core, math and list) is exercised in this file.
    @Test func everyCoreBuiltinIsCovered() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let core = BuiltinRegistry.standard().all.filter { ["core", "math", "list"].contains($0.category) }
        #expect(core.count >= 50)
        for b in core {
            #expect(source.contains("\(b.name)(") || source.contains(".\(b.name)()"), "no test calls `\(b.name)`")
        }
    }

    @Test func printAndOutput() {
        #expect(printed("print(\"loss\", 0.25)") == "loss 0.25\n")
        #expect(printed("print(1, 2, sep: \"-\", end: \"!\\n\")") == "1-2!\n")
        #expect(printed("print()") == "\n")
        #expect(printed("print(\"a\", end: \"\")\nprint(\"b\")") == "ab\n")
        #expect(printed("print([\"a\", {k: \"v\"}], \"top\")") == "[\"a\", {k: \"v\"}] top\n")
        #expect(printed("print({\"two words\": 1})") == "{\"two words\": 1}\n")
        #expect(printed("print(nil, true, -3, 1/3)") == "nil true -3 0.3333333333333333\n")
    }

    @Test func timeAndClock() {
        let r = run("let v = time(fn() => 1 + 1, repeat: 3, label: \"add\")\nprint(v)\nlet t0 = clock()\nprint(clock() >= t0)")
        #expect(r.errors.isEmpty)
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("add: ") == true)
        #expect(lines.first?.hasSuffix(" per run (3 runs)") == true)
        #expect(Array(lines.dropFirst()) == ["2", "true"])
        #expect(run("time(fn() => 1)").output.hasPrefix("time: "))
    }

    @Test func helpAndAssert() {
        #expect(eval("help(\"len\")").hasPrefix("\"len(x)\\n  Number of elements"))
        let unknown = run("help(\"lenn\")")
        #expect(unknown.errors == ["no builtin named `lenn`"])
        #expect(unknown.firstError?.hint == "did you mean `len`?")
        #expect(run("assert(1 + 1 == 2)").errors.isEmpty)
        let failed = run("assert(1 == 2, message: \"math is broken\")")
        #expect(failed.errors == ["math is broken"])
        #expect(failed.exitCode == 70)
        #expect(run("assert(false)").errors == ["assertion failed"])
        #expect(run("error(\"stop here\")").errors == ["stop here"])
        // Sorting values that cannot be compared is an error, not a crash.
        #expect(run("sorted([1, \"a\", 2])").errors.first?.hasPrefix("cannot apply `<` to ") == true)
    }

    @Test(arguments: [
        ("len(5)", "argument `x` of `len` must be something with a length, got the number 5"),
        ("len()", "missing argument `x` in call to `len`"),
        ("map([1], 3)", "argument `f` of `map` must be a function, got the number 3"),
        ("keys([1])", "argument `r` of `keys` must be a record, got a list of 1"),
        ("range(1, 2, 0)", "range step cannot be zero"),
        ("range(\"a\")", "argument `start` of `range` must be a number, got the string \"a\""),
        ("pop([])", "pop from an empty list"),
        ("min()", "`min` needs at least one value"),
        ("mean([])", "the mean of an empty list is undefined"),
        ("mean([\"a\"])", "mean needs numbers, got the string \"a\""),
        ("int(\"x\")", "cannot read \"x\" as a number"),
        ("num([])", "argument `x` of `num` must be a number or a string, got a list of 0"),
        ("sqrt(\"4\")", "argument `x` of `sqrt` must be a number, got the string \"4\""),
        ("round(1.5, digits: 0.5)", "argument `digits` must be a whole number, got 0.5"),
        ("format(\"{} {}\", 1)", "format string has more placeholders than values (1)"),
        ("format(\"{\", 1)", "unclosed `{` in format string"),
        ("format(\"{x}\", 1)", "bad placeholder `{x}`"),
        ("format(\"{:.2f}\", \"a\")", "format `.2f` needs a number, got the string \"a\""),
        ("replace(\"a\", \"\", \"b\")", "`old` cannot be empty"),
        ("sorted([1], reverse: 1)", "argument `reverse` of `sorted` must be true or false, got the number 1"),
        ("[1] * -1", "a list can only be repeated a whole, non-negative number of times"),
        ("\"ab\" * 1.5", "a string can only be repeated a whole, non-negative number of times"),
        ("for x in 5 {}", "cannot iterate over the number 5"),
        ("print(1, sep: 2)", "argument `sep` of `print` must be a string, got the number 2"),
    ])
    func builtinErrors(code: String, message: String) {
        let r = run(code)
        #expect(r.errors == [message], "\(code)")
        #expect(r.exitCode == 70, "\(code)")
    }

    @Test(arguments: [
        ("1 + \"a\"", "cannot add a string and the number 1"),
        ("\"a\" + 1", "cannot add a string and the number 1"),
        ("\"a\" - 1", "cannot apply `-` to the string \"a\" and the number 1"),
        ("[1] - [1]", "cannot apply `-` to a list of 1 and a list of 1"),
        ("{} * 2", "cannot apply `*` to a record and the number 2"),
        ("nil + 1", "cannot apply `+` to nil and the number 1"),
        ("true / 1", "cannot apply `/` to the boolean true and the number 1"),
        ("1 % \"a\"", "cannot apply `%` to the number 1 and the string \"a\""),
        ("\"a\" ** 2", "cannot apply `**` to the string \"a\" and the number 2"),
        ("1 @ 2", "cannot apply `@` to the number 1 and the number 2"),
        ("\"a\" < 1", "cannot apply `<` to the string \"a\" and the number 1"),
        ("[1] >= [0]", "cannot apply `>=` to a list of 1 and a list of 1"),
        ("-\"a\"", "cannot apply unary `-` to the string \"a\""),
        ("+[1]", "cannot apply unary `+` to a list of 1"),
    ])
    func operatorTypeErrors(code: String, message: String) {
        let r = run(code)
        #expect(r.errors == [message], "\(code)")
        #expect(r.exitCode == 70)
    }
}
