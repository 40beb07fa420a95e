"""The hostile-input corpus: inputs that once crashed, hung or flooded cmcl, each with the
outcome it must have now. Small inputs are written inline; big ones are generated here
(never committed). Run by run.py (scripts/test-hostile).

Exit codes (README): 0 ok, 1 golden notebooks differ, 64 usage, 65 syntax or name error,
66 cannot read input, 70 runtime error, 74 cannot write output, 130 interrupted.
"""
import os
import pty
import select
import signal
import stat
import struct
import fcntl
import termios
import time

SYNTAX, INPUT, RUNTIME, OUTPUT = 65, 66, 70, 74


class Case:
    def __init__(self, name, input=b"", args=("{input}",), exit=(0,), stderr=(), stdout=(), env=None,
                 timeout=10, shell=None, stdin=None, repl=None, setup=None, suffix=".cmcl", interrupt=None,
                 stop_within=1.0):
        self.name = name
        self.input = input
        self.args = list(args)
        self.exit = exit if isinstance(exit, tuple) else (exit,)
        self.stderr = [stderr] if isinstance(stderr, str) else list(stderr)
        self.stdout = [stdout] if isinstance(stdout, str) else list(stdout)
        self.env = env or {}
        self.timeout = timeout
        self.shell = shell
        self.stdin = stdin
        self.repl = repl
        self.setup = setup
        self.suffix = suffix
        # Ctrl-C: once the program has written `ready` on standard error (it then starts the long
        # builtin), SIGINT is sent `interrupt` seconds later; the process must end within
        # `stop_within` seconds of it.
        self.interrupt = interrupt
        self.stop_within = stop_within
        self.input_path = ""

    def prepare(self, workdir):
        self.input_path = os.path.join(workdir, "input" + self.suffix)
        data = self.input() if callable(self.input) else self.input
        if isinstance(data, str):
            data = data.encode()
        with open(self.input_path, "wb") as f:
            f.write(data)
        if self.setup:
            self.setup(workdir)
        self.env = {k: v.replace("{dir}", workdir) for k, v in self.env.items()}


N = 1_000_000
NESTED = "code nested too deeply"
LONG = "expression too long"

CASES = [
    # Deep nesting: a diagnostic, not a stack overflow (also from `cmcl check`).
    Case("nested-parentheses", lambda: "(" * N + "1" + ")" * N, exit=SYNTAX, stderr=NESTED),
    Case("nested-parentheses-check", lambda: "(" * N + "1" + ")" * N, args=("check", "{input}"), exit=SYNTAX,
         stderr=NESTED),
    Case("nested-brackets", lambda: "[" * N + "]" * N, exit=SYNTAX, stderr=NESTED),
    Case("nested-records", lambda: "{a: " * N + "1" + "}" * N, exit=SYNTAX, stderr=NESTED),
    Case("nested-lambdas", lambda: "fn() => " * N + "1", exit=SYNTAX, stderr=NESTED),
    Case("nested-lambdas-check", lambda: "fn() => " * N + "1", args=("check", "{input}"), exit=SYNTAX, stderr=NESTED),
    Case("nested-blocks", lambda: "fn f() { " * 300_000 + "}" * 300_000, exit=SYNTAX, stderr=NESTED),
    Case("if-else-chain", lambda: "if false {1} else " * N + "{2}", exit=SYNTAX, stderr=NESTED, timeout=20),
    Case("unary-minus-chain", lambda: "-" * N + "1", exit=SYNTAX, stderr=NESTED),
    Case("power-chain", lambda: " ** ".join(["2"] * N), exit=SYNTAX, stderr=NESTED),
    Case("method-chain", lambda: '"a"' + ".upper()" * N, exit=SYNTAX, stderr=LONG),
    Case("method-chain-check", lambda: '"a"' + ".upper()" * N, args=("check", "{input}"), exit=SYNTAX, stderr=LONG),
    Case("member-chain", lambda: "x" + ".a" * N, exit=SYNTAX, stderr=LONG),
    Case("sum-chain", lambda: "+".join(["1"] * N), exit=SYNTAX, stderr=LONG),
    Case("sum-chain-100k-runs", lambda: "print(" + "+".join(["1"] * 100_000) + ")", stdout="100000"),
    Case("pipe-100k-runs", lambda: "let f = fn(x) => x + 1\nprint(0" + " |> f" * 100_000 + ")", stdout="100000",
         timeout=20),
    Case("nested-calls-20k", lambda: "let f = fn(x) => x + 1\nprint(" + "f(" * 20_000 + "0"
         + ")" * 20_001, exit=SYNTAX, stderr=NESTED),

    # Bytes that are not source: one diagnostic per run, a bounded number in all, quickly.
    Case("dollars-4m", lambda: "$" * 4_000_000, exit=SYNTAX, stderr="(4000000 times)"),
    Case("nul-10k", lambda: b"\0" * 10_000, exit=SYNTAX, stderr="binary file"),
    Case("nul-4m", lambda: b"\0" * 4_000_000, exit=SYNTAX, stderr="binary file"),
    Case("nul-4m-check", lambda: b"\0" * 4_000_000, args=("check", "{input}"), exit=SYNTAX),
    Case("many-bad-characters", lambda: "a $ " * 100_000, exit=SYNTAX, stderr="too many errors"),
    Case("many-syntax-errors", lambda: "let = 1\n" * 100_000, exit=SYNTAX, stderr="too many errors"),
    Case("binary-executable", args=("/bin/true",), exit=SYNTAX, stderr="too many errors"),
    Case("random-bytes", lambda: bytes((i * 2654435761 >> 13) & 0xFF for i in range(1 << 20)), exit=SYNTAX),
    Case("long-line-error", lambda: "let x = " + "a + " * 250_000 + "$", exit=SYNTAX, stderr="…"),

    # Files that are not scripts.
    Case("script-is-dev-zero", args=("/dev/zero",), exit=INPUT, stderr="larger than"),
    Case("check-dev-zero", args=("check", "/dev/zero"), exit=INPUT, stderr="cannot read /dev/zero"),
    Case("script-is-directory", args=("{dir}",), exit=INPUT, stderr="directory"),
    Case("script-missing", args=("{dir}/missing.cmcl",), exit=INPUT, stderr="no such file"),

    # Standard streams: an error and a documented exit code, never a trap.
    Case("stdout-full", shell="{bin} -e 'print(1)' > /dev/full", exit=OUTPUT, stderr="cannot write to standard output"),
    Case("stdout-closed", shell="{bin} -e 'print(1)' >&-", exit=OUTPUT, stderr="cannot write to standard output"),
    Case("stdout-broken-pipe", shell="({bin} -e 'for i in range(1000000) { print(i) }'; echo $? > {dir}/rc) "
         "| head -1 >/dev/null; exit $(cat {dir}/rc)", exit=OUTPUT, stderr="Broken pipe"),
    Case("stderr-closed", shell="{bin} -e 'print(1); nosuchname' 2>&-", exit=SYNTAX),
    Case("stderr-full", shell="{bin} -e 'nosuchname' 2>/dev/full", exit=SYNTAX),
    Case("eprint-stderr-full", shell="{bin} -e 'eprint(1); print(2)' 2>/dev/full", exit=0, stdout="2"),
    Case("stdin-directory", shell="{bin} < /tmp", exit=INPUT, stderr="directory"),
    Case("stdin-closed", shell="{bin} <&-", exit=INPUT, stderr="standard input"),
    Case("stdin-dev-zero", shell="{bin} - < /dev/zero", exit=INPUT, stderr="larger than"),
    Case("help-unknown-name", args=("help", "nosuchthing"), exit=64, stderr="no builtin named"),
    Case("unknown-option", args=("--nosuch",), exit=64, stderr="unknown option"),
    # Sizes: checked arithmetic and a size limit before allocating, with the size in the error.
    Case("arange-overflowing-count", "arange(0, 1e300, 1e-300)", exit=RUNTIME, stderr="too many"),
    Case("ones-1e9", "ones(1e9)", exit=RUNTIME, stderr="needs 4.0 GB"),
    Case("zeros-shape-overflow", "zeros(1e7, 1e7, 1e7)", exit=RUNTIME, stderr="more memory than exists"),
    Case("randn-5e8", "randn(5e8)", exit=RUNTIME, stderr="needs 2.0 GB"),
    Case("arange-5e8", "arange(5e8)", exit=RUNTIME, stderr="needs 2.0 GB"),
    Case("pad-to-1e9", "pad(ones(2), [[0, 1e9]])", exit=RUNTIME, stderr="needs 4.0 GB"),
    Case("memory-limit-variable", "ones(1e6)", env={"CMCL_MEMORY_LIMIT": "1M"}, exit=RUNTIME, stderr="needs 4.0 MB"),
    Case("encode-max-len-1e9", 'let tok = word_tokenizer(["a b"])\nencode(synth.qa(n: 2), tok, max_len: 1e9)',
         exit=RUNTIME, stderr="max_len"),
    Case("wordpiece-decode-huge-id", 'word_tokenizer(["a b"]).decode([1e10])', exit=RUNTIME, stderr="whole numbers"),
    Case("wordpiece-decode-nan", 'word_tokenizer(["a b"]).decode([0 / 0])', exit=RUNTIME, stderr="whole numbers"),
    Case("empty-string-times-1e18", '"" * 1e18', exit=0),
    Case("string-times-1e18", '"a" * 1e18', exit=RUNTIME, stderr="more than the"),
    Case("string-times-1e19", '"a" * 1e19', exit=RUNTIME, stderr="more than the"),
    Case("empty-list-times-1e18", "[] * 1e18", exit=0),
    Case("list-times-1e12", "[1] * 1e12", exit=RUNTIME, stderr="more than the"),
    Case("string-dag", 'let s = "ab"\nfor i in range(64) { s = s + s }', exit=RUNTIME, stderr="more than the"),
    Case("replace-bomb", 'let s = "aa"\nfor i in range(64) { s = replace(s, "a", "aa") }', exit=RUNTIME,
         stderr="more than the", timeout=30),
    Case("join-bomb", 'let s = "x" * 30000000\njoin([s, s, s], sep: s)', exit=RUNTIME, stderr="more than the"),
    Case("format-width-bomb", 'format("{:>1000000000000}", 1)', exit=RUNTIME, stderr="more than the"),
    Case("format-precision-bomb", 'format("{:.1000000000f}", 1)', exit=RUNTIME, stderr="precision"),

    # Display: deep nesting is cut, not a hang.
    Case("print-nested-list-4000", "let l = []\nfor i in range(4000) { l = [l] }\nprint(l)", stdout="[…]"),
    Case("print-nested-record-4000", "let r = {}\nfor i in range(4000) { r = {a: r} }\nprint(r)", stdout="{…}"),
    Case("show-nested-list-100k", "let l = []\nfor i in range(100000) { l = [l] }\nstr(l)\nlen(str(l))",
         exit=0),
    Case("print-wide-record", "let r = {}\nfor i in range(200000) { r[str(i)] = i }\nprint(len(str(r)) < 100000)",
         stdout="true"),
]


# Ctrl-C inside long builtins: each polls the flag and stops within a second (exit 130). Each
# program makes its data, writes `ready` and calls the builtin; SIGINT comes 0.5 s later, while
# the builtin runs (uninterrupted, each runs for several seconds more).
LONG_BUILTINS = {
    "regex-backtracking-tokenize": ('let tok = word_tokenizer(["x"], pattern: "(a+)+$")', 'tok.tokenize("a" * 60 + "b")'),
    "regex-backtracking-build": ("", 'word_tokenizer(["a" * 60 + "b"], pattern: "(a+)+$")'),
    "sorted-huge-list": ("let xs = randperm(4e6).tolist()", "sorted(xs)"),
    "join-huge-list": ("let xs = [[1.5, 2.5, 3.5]] * 3e6", 'join(xs, sep: ",")'),
    "split-huge-string": ('let s = "a b " * 1.5e7', "split(s)"),
    "zip-huge-lists": ("let xs = list(range(1e7))", "zip(xs, xs)"),
    "list-repetition": ("", "[1, 2] * 2.5e7"),
    "tensor-from-huge-nested-list": ("let xs = list(range(3e6)).map(fn(i) => [i, i])", "tensor(xs)"),
}
CASES += [Case("ctrl-c-" + name, setup + '\neprint("ready")\n' + call, interrupt=0.5, exit=130,
               stderr="stopped by Ctrl-C", timeout=30) for name, (setup, call) in LONG_BUILTINS.items()]


# REPL cases: driven through a pseudo-terminal. `repl` is a list of steps:
#   ("send", text)      type text
#   ("expect", text)    wait until the output contains text (since the last expect)
#   ("signal", SIG)     send a signal to the REPL
#   ("exit", codes)     wait for the process to end with one of these codes (negative: signal)
#   ("file-has", path, text)  a file in the case directory contains text
PROMPT1, PROMPT2, PROMPT3 = "In [1]: ", "In [2]: ", "In [3]: "


def make_fifo(workdir):
    os.mkfifo(os.path.join(workdir, "fifo"))


def run_repl(binary, case, workdir):
    env = dict(os.environ, HOME=workdir, INPUTRC="/dev/null", TERM="xterm", NO_COLOR="1",
               SWIFT_BACKTRACE="enable=no", CMCL_HISTORY=os.path.join(workdir, "history"))
    env.update(case.env)
    start = time.time()
    deadline = start + case.timeout
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(workdir)
        os.execve(binary, [binary], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    status = None

    def pump(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if r:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                return False
            if not chunk:
                return False
            seen += chunk
        return True

    try:
        for step in case.repl:
            kind = step[0]
            if kind == "send":
                data = step[1].encode() if isinstance(step[1], str) else step[1]
                off = 0
                while off < len(data):
                    if time.time() > deadline:
                        return "hung while typing", time.time() - start
                    _, w, _ = select.select([], [fd], [], 0.05)
                    if w:
                        off += os.write(fd, data[off:off + 4096])
                    pump(0)
            elif kind == "expect":
                want = step[1].encode()
                while want not in seen:
                    if time.time() > deadline:
                        return "no %r within %g s; output ends %r" % (step[1], case.timeout, seen[-200:]), \
                            time.time() - start
                    if not pump(0.1):
                        return "ended before %r; output ends %r" % (step[1], seen[-200:]), time.time() - start
                seen = seen[seen.index(want) + len(want):]
            elif kind == "signal":
                os.kill(pid, step[1])
            elif kind == "exit":
                while status is None:
                    done, st = os.waitpid(pid, os.WNOHANG)
                    if done:
                        status = os.waitstatus_to_exitcode(st)
                        break
                    if time.time() > deadline:
                        return "did not exit within %g s" % case.timeout, time.time() - start
                    pump(0.05)
                if status not in step[1]:
                    return "exit %r, expected %r; output ends %r" % (status, step[1], seen[-300:]), \
                        time.time() - start
            elif kind == "file-has":
                with open(os.path.join(workdir, step[1]), "rb") as f:
                    if step[2].encode() not in f.read():
                        return "%s lacks %r" % (step[1], step[2]), time.time() - start
        return None, time.time() - start
    finally:
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        os.close(fd)


def quit_steps():
    return [("send", ":quit\r"), ("exit", (0,))]


CASES += [
    Case("repl-history-fifo", env={"CMCL_HISTORY": "{dir}/fifo"}, setup=make_fifo,
         repl=[("expect", "not a regular file"), ("expect", PROMPT1), ("send", "1 + 1\r"), ("expect", PROMPT2)]
         + quit_steps()),
    Case("repl-history-dev-full", env={"CMCL_HISTORY": "/dev/full"},
         repl=[("expect", PROMPT1), ("send", "1 + 1\r"), ("expect", "Out[1]: 2"), ("send", "2 + 2\r"),
               ("expect", "Out[2]: 4")] + quit_steps()),
    Case("repl-history-directory", env={"CMCL_HISTORY": "{dir}"},
         repl=[("expect", "not a regular file"), ("expect", PROMPT1), ("send", "3\r"), ("expect", PROMPT2)]
         + quit_steps()),
    Case("repl-load-binary", repl=[("expect", PROMPT1), ("send", ":load /bin/true\r"), ("expect", "too many errors"),
                                   ("expect", PROMPT1), ("send", "1\r"), ("expect", "Out[1]: 1")] + quit_steps()),
    Case("repl-load-nul-4m", lambda: b"\0" * 4_000_000,
         repl=[("expect", PROMPT1), ("send", ":load input.cmcl\r"), ("expect", "binary file"), ("expect", PROMPT1)]
         + quit_steps()),
    Case("repl-load-dev-zero", repl=[("expect", PROMPT1), ("send", ":load /dev/zero\r"), ("expect", "larger than"),
                                     ("expect", PROMPT1)] + quit_steps()),
    Case("repl-paste-100k-line", timeout=30,
         repl=[("expect", PROMPT1), ("send", 'let s = "' + "a" * 100_000 + '"\r'), ("expect", PROMPT2),
               ("send", "len(s)\r"), ("expect", "Out[2]: 100000")] + quit_steps()),
    Case("repl-sigterm-keeps-history",
         repl=[("expect", PROMPT1), ("send", "let kept_before_sigterm = 1\r"), ("expect", PROMPT2),
               ("signal", signal.SIGTERM), ("exit", (-signal.SIGTERM,)),
               ("file-has", "history", "kept_before_sigterm")]),
    Case("repl-sighup-keeps-history",
         repl=[("expect", PROMPT1), ("send", "let kept_before_sighup = 1\r"), ("expect", PROMPT2),
               ("signal", signal.SIGHUP), ("exit", (-signal.SIGHUP,)),
               ("file-has", "history", "kept_before_sighup")]),
]


# Issue 20: nothing a user owns is overwritten, no crash on any number, no silent wrong result.
def make_user_files(workdir):
    with open(os.path.join(workdir, "notes.json"), "w") as f:
        f.write("mine")
    with open(os.path.join(workdir, "report.html"), "w") as f:
        f.write("mine")
    with open(os.path.join(workdir, "notes.md"), "w") as f:
        f.write("mine")
    os.makedirs(os.path.join(workdir, "project"))
    with open(os.path.join(workdir, "project", "README.md"), "w") as f:
        f.write("mine")
    os.makedirs(os.path.join(workdir, "out.svg"))


def make_torn_log(workdir):
    with open(os.path.join(workdir, "runs.jsonl"), "w") as f:
        f.write('{"config": {"name": "a"}, "seed": 1, "status": "ok", "metrics": {"acc": 1}}')  # no newline
    with open(os.path.join(workdir, "typed.jsonl"), "w") as f:
        f.write('{"config": {"name": "a"}, "seed": 1, "status": 1, "metrics": {}}\n')


NET = "transformer(vocab: 30, layers: 1, hidden: 8, heads: 2, intermediate: 16, max_len: 16, classes: 2, seed: 1)"
REFUSED = "refusing to replace"
CASES += [
    # One write policy (docs/files.md): refusals leave the user's file as it was.
    Case("write-json-over-users-file", 'write_json({a: 1}, "notes.json")', setup=make_user_files, exit=RUNTIME,
         stderr=REFUSED, stdout="mine", shell="{bin} {input}; s=$?; cat notes.json; exit $s"),
    Case("write-json-empty-path", 'write_json({a: 1}, "")', exit=RUNTIME, stderr="the path is empty"),
    Case("write-csv-nul-in-path", 'write_csv([{a: 1}], "a\\u{0}b.csv")', exit=RUNTIME, stderr="NUL byte"),
    Case("plot-file-is-a-directory", 'plot([1, 2], file: "out.svg")', setup=make_user_files, exit=RUNTIME,
         stderr="is a directory, not a file"),
    Case("save-pretrained-empty-path", NET + '.save_pretrained("")', exit=RUNTIME, stderr="the path is empty"),
    Case("export-torch-into-users-directory", "let data = synth.sentiment(n: 20, length: 6)\nlet tok = word_tokenizer(data)\n"
         "let net = " + NET.replace("vocab: 30", "vocab: len(tok)") + "\n"
         "export_torch(net, encode(data, tok, max_len: 8), \"project\", steps: 1, batch: 4)",
         setup=make_user_files, exit=RUNTIME, stderr=REFUSED, stdout="mine", timeout=60,
         shell="{bin} {input}; s=$?; cat project/README.md; exit $s"),
    Case("notebook-output-is-its-input", "# a notebook\nprint(1)\n", suffix=".md",
         args=("notebook", "{input}", "-o", "{input}"), exit=64, stderr="is the notebook itself"),
    Case("notebook-output-exists", "print(1)\n", setup=make_user_files, args=("notebook", "{input}", "-o", "report.html"),
         exit=OUTPUT, stderr="--force"),
    Case("repl-export-over-users-file", setup=make_user_files,
         repl=[("expect", PROMPT1), ("send", "1 + 1\r"), ("expect", PROMPT2), ("send", ":export notes.md\r"),
               ("expect", "did not write"), ("send", ":export! notes.md\r"), ("expect", "exported 1 cell")]
         + quit_steps()),
    # The run log never loses a run.
    Case("run-log-after-torn-line", setup=make_torn_log, stdout="2",
         input='experiment([{name: "b"}], [1], fn(c, s) => {acc: 2}, log: "runs.jsonl", progress: false)\n'
               'print(len(read_runs("runs.jsonl")))'),
    Case("run-log-wrong-typed-status", setup=make_torn_log, stdout="0", stderr="`status` is 1, not a string",
         input='print(len(read_runs("typed.jsonl")))'),
    Case("write-json-nan-round-trip", 'write_json({a: 0 / 0, b: -1 / 0}, "v.json")\nprint(read_json("v.json"))',
         stdout="{a: nan, b: -inf}"),
    # No crash on any number or size.
    Case("reshape-1e300", "zeros(2, 2).reshape(1e300)", exit=RUNTIME, stderr="reshape sizes"),
    Case("reshape-overflowing-product", "zeros(2, 2).reshape(-1, 4e9, 4e9)", exit=RUNTIME, stderr="cannot take"),
    Case("sum-axis-1e300", "sum(zeros(2, 2), axis: [1e300])", exit=RUNTIME, stderr="axes must be"),
    Case("metric-positive-3e9", "f1([1, 0], [1, 0], positive: 3e9)", exit=RUNTIME, stderr="`positive`"),
    Case("tensor-of-self-containing-list", "let l = [1]\nl.append(l)\ntensor(l)", exit=RUNTIME, stderr="contain itself"),
    Case("plot-1e308-range", "print(plot([1e308, -1e308]))\nprint(plot([1e308, -1e308], kind: \"hist\"))", exit=0),
    Case("synth-sentiment-1e9", "synth.sentiment(n: 1e9)", exit=RUNTIME, stderr="memory limit"),
    Case("synth-qa-paragraphs-1e9", "synth.qa(paragraphs: 1e9)", exit=RUNTIME, stderr="memory limit"),
    Case("synth-ranking-candidates-1e9", "synth.ranking(candidates: 1e9)", exit=RUNTIME, stderr="memory limit"),
    Case("read-json-over-the-memory-limit", lambda: "[" + "1," * 2_000_000 + "1]", suffix=".json",
         env={"CMCL_MEMORY_LIMIT": "2M"}, args=("-e", 'read_json(args[0])', "{input}"), exit=RUNTIME,
         stderr="more than the"),
    Case("read-csv-over-the-memory-limit", lambda: "a\n" + "1\n" * 2_000_000, suffix=".csv",
         env={"CMCL_MEMORY_LIMIT": "2M"}, args=("-e", 'read_csv(args[0], rows: true)', "{input}"), exit=RUNTIME,
         stderr="more than the"),
    Case("write-json-indent-1e9", 'write_json(1, "i.json", indent: 1e9)', exit=RUNTIME, stderr="`indent`"),
    Case("print-3000-by-3000-tensor", "print(zeros(3000, 3000))", stdout="shape: [3000, 3000]", timeout=20),
    Case("too-many-globals-one-diagnostic", lambda: "".join("let v%d = 1\n" % i for i in range(70_000)),
         exit=RUNTIME, stderr="too many global variables", timeout=30),
    # Silently wrong results are now right or located errors.
    Case("int-of-nan", "int(0 / 0)", exit=RUNTIME, stderr="no integer value"),
    Case("int32-tensor-plus-1e300", 'print(tensor([1], dtype: "int32") + 1e300)', stdout="1.0000e+300"),
    Case("int32-tensor-minus-inf", 'print(tensor([1], dtype: "int32") - 1 / 0)', stdout="-inf"),
    Case("sorted-with-nan", "print(sorted([3, 0 / 0, 1, 2]))", stdout="[1, 2, 3, nan]"),
    Case("take-negative", "synth.sentiment(n: 10).take(-1)", exit=RUNTIME, stderr="`n`"),
    Case("synth-negative-n", "synth.sentiment(n: -1)", exit=RUNTIME, stderr="`n`"),
    Case("nested-masks-p-nan", "nested_masks(0 / 0, 2)", exit=RUNTIME, stderr="`p`"),
    Case("nested-masks-p-2", "nested_masks(2, 2)", exit=RUNTIME, stderr="`p`"),
    Case("decode-unknown-id", "word_tokenizer(synth.sentiment(n: 10)).decode([1, 99999])", exit=RUNTIME,
         stderr="token ids"),
    Case("read-csv-hex-stays-text", 'write_csv([{a: "0x10"}], "h.csv")\nprint(read_csv("h.csv", rows: true))',
         stdout='"0x10"'),
    Case("csv-row-of-one-empty-cell", 'write_csv([{a: ""}, {a: "x"}, {a: ""}], "e.csv")\n'
         'print(len(read_csv("e.csv", rows: true)))', stdout="3"),
    # Security and terminals.
    Case("markdown-title-is-escaped", "# <img src=x onerror=alert(1)> <script>x</script>\nprint(1)\n",
         shell="{bin} notebook {input} -o out.md && ! head -n 1 out.md | grep -q '<img\\|<script' && echo clean", stdout="clean"),
    Case("control-characters-escaped-in-diagnostics", 'write_json(1, "\\u{1b}]0;pwned\\u{7}/x.json")', exit=RUNTIME,
         stderr="\\u{1b}]0;pwned\\u{7}"),
]
LONG_BUILTINS_20 = {
    "randperm-1e8": ("", "randperm(1e8)"),
    "synth-sentiment-large": ("", "synth.sentiment(n: 1.5e6)"),
}
CASES += [Case("ctrl-c-" + name, setup + '\neprint("ready")\n' + call, interrupt=0.5, exit=130,
               stderr="stopped by Ctrl-C", timeout=30) for name, (setup, call) in LONG_BUILTINS_20.items()]
