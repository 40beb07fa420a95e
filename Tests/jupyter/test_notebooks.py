"""Jupyter notebooks of cmcl: `cmcl notebook X.cmcl -o X.ipynb` writes valid nbformat 4.5, the
committed examples/teaching/*.ipynb are exactly what the .cmcl sources give (regenerate with
scripts/teaching-ipynb), nbclient runs them through the installed kernel with the same
results, and `cmcl notebook X.ipynb -o report.html` runs a notebook into a page.

    python test_notebooks.py path/to/cmcl      (the cmcl kernelspec must be on JUPYTER_PATH)
"""
import base64
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.dom.minidom

import nbformat
from nbclient import NotebookClient

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("CMCL_BINARY") or (sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/cmcl"))
TEACHING = sorted(glob.glob(os.path.join(ROOT, "examples", "teaching", "*.cmcl")))
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def plain(text):
    """Text as a terminal leaves it: ANSI escapes dropped, `\\r` rewrites the line."""
    out = []
    for line in ANSI.sub("", text).split("\n"):
        out.append(line.split("\r")[-1])
    return "\n".join(out)


def cell_text(cell):
    """What a code cell printed and showed, as text, in order; plots counted separately."""
    text, plots = "", 0
    for o in cell.get("outputs", []):
        kind = o["output_type"]
        if kind == "stream":
            text += o["text"]
        elif kind == "execute_result":
            if "image/svg+xml" in o["data"]:
                plots += 1
            else:
                text += o["data"]["text/plain"] + "\n"
        elif kind == "display_data":
            plots += "image/svg+xml" in o["data"]
        elif kind == "error":
            text += "\n".join(o["traceback"]) + "\n"
    return plain(text), plots


class NotebookFileTests(unittest.TestCase):
    def write_ipynb(self, source, directory):
        out = os.path.join(directory, os.path.basename(source).replace(".cmcl", ".ipynb"))
        subprocess.run([BINARY, "notebook", source, "-o", out], check=True, capture_output=True, cwd=ROOT)
        return out

    def test_written_notebooks_are_valid_nbformat_45(self):
        with tempfile.TemporaryDirectory() as d:
            for source in TEACHING + [os.path.join(ROOT, "examples", "language-tour.cmcl")]:
                with self.subTest(source=os.path.basename(source)):
                    nb = nbformat.read(self.write_ipynb(source, d), as_version=4)
                    nbformat.validate(nb)
                    self.assertEqual((nb.nbformat, nb.nbformat_minor), (4, 5))
                    self.assertEqual(nb.metadata.kernelspec.name, "cmcl")
                    self.assertTrue(any(c.cell_type == "code" and c.outputs for c in nb.cells))

    def test_teaching_ipynb_are_in_step_with_their_sources(self):
        with tempfile.TemporaryDirectory() as d:
            for source in TEACHING:
                committed = source.replace(".cmcl", ".ipynb")
                with self.subTest(source=os.path.basename(source)):
                    self.assertTrue(os.path.exists(committed), f"{committed} is missing; run scripts/teaching-ipynb")
                    with open(self.write_ipynb(source, d)) as fresh, open(committed) as old:
                        self.assertEqual(fresh.read(), old.read(),
                                         f"{committed} differs from its source; run scripts/teaching-ipynb")

    def test_nbclient_runs_teaching_notebooks_with_the_same_results(self):
        for source in TEACHING:
            committed = source.replace(".cmcl", ".ipynb")
            with self.subTest(notebook=os.path.basename(committed)):
                golden = nbformat.read(committed, as_version=4)
                nb = nbformat.read(committed, as_version=4)
                for cell in nb.cells:
                    if cell.cell_type == "code":
                        cell.outputs = []
                NotebookClient(nb, kernel_name="cmcl", timeout=600, allow_errors=True,
                               resources={"metadata": {"path": ROOT}}).execute()
                nbformat.validate(nb)
                for want, got in zip(golden.cells, nb.cells):
                    if want.cell_type != "code":
                        continue
                    want_text, want_plots = cell_text(want)
                    got_text, got_plots = cell_text(got)
                    self.assertEqual(got_plots, want_plots, want.source)
                    if "epoch " in want_text:
                        # Training progress: the kernel draws it in place on stderr (carriage
                        # returns, with steps/s and time left); the file keeps the evaluation
                        # lines. The cell must still have run without error.
                        self.assertFalse(any(o["output_type"] == "error" for o in got.outputs), got_text)
                        continue
                    self.assertEqual(got_text, want_text, want.source)

    def test_running_an_ipynb_into_a_page(self):
        committed = TEACHING[0].replace(".cmcl", ".ipynb")
        with tempfile.TemporaryDirectory() as d:
            page = os.path.join(d, "report.html")
            subprocess.run([BINARY, "notebook", committed, "-o", page], check=True, capture_output=True, cwd=ROOT)
            with open(page) as f:
                html = f.read()
            self.assertIn("tensor([[1., 2.],", html)
            markdown = os.path.join(d, "report.md")
            subprocess.run([BINARY, "notebook", committed, "-o", markdown], check=True, capture_output=True, cwd=ROOT)
            with open(markdown) as f:
                self.assertIn("```cmcl", f.read())

    def test_nbconvert_execute_to_html_shows_the_plot_in_chromium(self):
        try:
            import nbconvert  # noqa: F401
        except ImportError:
            self.skipTest("nbconvert is not installed")
        out = os.path.join(ROOT, ".build", "test-output", "jupyter")
        os.makedirs(out, exist_ok=True)
        notebook = os.path.join(TEACHING[-1].replace(".cmcl", ".ipynb"))
        page = os.path.join(out, "03-why-it-works.html")
        subprocess.run([sys.executable, "-m", "nbconvert", "--execute", "--to", "html", "--ExecutePreprocessor.kernel_name=cmcl",
                        "--ExecutePreprocessor.timeout=600", "--output", page, notebook],
                       check=True, capture_output=True, cwd=ROOT)
        with open(page) as f:
            html = f.read()
        # Every plot is one well-formed SVG document (a history's two charts are stacked in one).
        for data in re.findall(r'data-mime-type="image/svg\+xml"[^>]*>\s*<img[^>]*src="data:image/svg\+xml;base64,([^"]+)"', html):
            xml.dom.minidom.parseString(base64.b64decode(data))
        # nbconvert shows SVG outputs as <img> elements with a data: URI inside a jp-RenderedSVG block.
        self.assertGreaterEqual(html.count('class="jp-RenderedSVG'), 3, "the executed notebook's plots are in the page")
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if not browser:
            self.skipTest("chromium is not installed (scripts/install-browser); the page was checked without it")
        args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + os.path.join(out, "profile")]
        shot = os.path.join(out, "03-why-it-works.png")
        subprocess.run(args + ["--window-size=1000,6000", "--screenshot=" + shot, "file://" + page],
                       capture_output=True, timeout=180)
        self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 10000, "screenshot kept in " + shot)
        dom = subprocess.run(args + ["--dump-dom", "file://" + page], capture_output=True, text=True, timeout=180).stdout
        self.assertGreaterEqual(len(re.findall(r'jp-RenderedSVG[^>]*>\s*<img[^>]*src="data:image/svg\+xml', dom)), 3,
                                "the plots are in the rendered DOM")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
