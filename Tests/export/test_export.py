#!/usr/bin/env python3
"""Notebook export checked in a real headless browser: `cmcl notebook` writes HTML and Markdown,
Chromium loads the HTML, and the rendered DOM must hold every cell, its outputs and the SVG
plots. A screenshot is kept in .build/test-output/export/. Usage: test_export.py path/to/cmcl"""
import os, re, shutil, subprocess, sys, xml.dom.minidom

cmcl = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/cmcl")
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, ".build", "test-output", "export")
os.makedirs(out, exist_ok=True)
failures = []

def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: failures.append(what)

def export(notebook, target, *extra):
    # The outputs of an earlier run are this test's own: replace them (docs/files.md).
    r = subprocess.run([cmcl, "notebook", notebook, "-o", target, "--force", *extra], capture_output=True, text=True, timeout=600, cwd=root)
    check(r.returncode == 0, f"cmcl notebook {os.path.relpath(notebook, root)} -o {os.path.basename(target)} (exit {r.returncode}) {r.stderr[-300:]}")
    return open(target, encoding="utf-8").read() if os.path.exists(target) else ""

# A small notebook with every kind of output, and the teaching notebook.
sample = os.path.join(out, "sample.cmcl")
with open(sample, "w") as f:
    f.write("""# Export sample
# Some *prose* with `code`:
# - a list item
let xs = [3, 1, 2]
print("sorted", sorted(xs))
xs.map(fn(x) => x * 2)

plot({plain: [0.9, 0.7, 0.5], cmpdrop: [0.9, 0.85, 0.8]}, x: "ablation level")
plot([1, 2, 2, 3, 3, 3], kind: "hist", bins: 3)

fn broken() {
  let y = 1

  y + "a"
}

broken()
""")
# The sample fails on purpose (the error is part of the document): --allow-errors exits 0.
html = export(sample, os.path.join(out, "sample.html"), "--allow-errors")
md = export(sample, os.path.join(out, "sample.md"), "--allow-errors")
check(html.count('<section class="cell"') == 4, "four cells (paragraphs; the blank line inside the function does not split it)")
check("sorted [1, 2, 3]" in html and "[6, 2, 4]" in html, "printed output and expression values")
check(html.count("<svg") == 2, "two inline SVG plots")
check("xs.map(fn(x) =&gt; x * 2)" in html, "code is escaped")
check('<pre class="error">error: cannot add a string and the number 1' in html and "in broken at" in html,
      "the runtime error is shown as the REPL shows it, with its trace")
check(md.count("```cmcl") == 4 and md.count("](sample_files/plot-") == 2, "markdown: code fences and plots linked as SVG files")
check(all(os.path.exists(os.path.join(out, "sample_files", "plot-%d.svg" % i)) for i in (1, 2)), "markdown: the SVG files beside it")
check("<em>prose</em>" in html and "<code>code</code>" in html and "<li>a list item</li>" in html, "comments read as prose")
check(html.count("Export sample") == 2, "the title is not repeated in the first cell (only <title> and <h1>)")
# Every SVG is well-formed XML.
for svg in re.findall(r"<svg.*?</svg>", html, re.S):
    try: xml.dom.minidom.parseString(svg)
    except Exception as e: check(False, f"SVG parses: {e}")

teaching = os.path.join(root, "examples", "teaching", "03-why-it-works.cmcl")
if os.path.exists(teaching):
    teaching_html = export(teaching, os.path.join(out, "03-why-it-works.html"))
    check(teaching_html.count("<svg") >= 1, "the teaching notebook has its plots inline")

browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("SKIP browser check: chromium is not installed (apt-get install -y chromium)")
else:
    def dom(path, screenshot=None):
        args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--user-data-dir=" + os.path.join(out, "profile")]
        if screenshot:
            r = subprocess.run(args + ["--window-size=1000,2400", "--screenshot=" + screenshot, "file://" + path],
                               capture_output=True, text=True, timeout=120)
            check(os.path.exists(screenshot) and os.path.getsize(screenshot) > 10000, f"screenshot {os.path.relpath(screenshot, root)}")
        r = subprocess.run(args + ["--dump-dom", "file://" + path], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0 and "<html" in r.stdout, f"chromium loads {os.path.basename(path)}")
        return r.stdout
    d = dom(os.path.join(out, "sample.html"), screenshot=os.path.join(out, "sample.png"))
    check(d.count('class="cell"') == 4, "rendered DOM: four cells")
    check(len(re.findall(r"<svg[^>]*class=\"cmcl-plot\"", d)) == 2, "rendered DOM: two SVG plots")
    check(d.count("<polyline") >= 2 and d.count('class="bin"') == 3, "rendered DOM: the curves and histogram bins")
    check('class="error"' in d and "sorted [1, 2, 3]" in d, "rendered DOM: outputs and errors")
    if os.path.exists(os.path.join(out, "03-why-it-works.html")):
        d = dom(os.path.join(out, "03-why-it-works.html"), screenshot=os.path.join(out, "03-why-it-works.png"))
        check(len(re.findall(r"<svg[^>]*class=\"cmcl-plot\"", d)) >= 3, "rendered DOM: the teaching notebook's plots")
print("export:", "FAILED" if failures else "passed")
sys.exit(1 if failures else 0)
