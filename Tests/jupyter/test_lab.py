"""cmcl in a real front end: JupyterLab on 127.0.0.1, a notebook opened and run in headless
Chromium driven through chromedriver (selenium), as a person would with the keyboard and the
toolbar.

The test installs the kernelspec with `cmcl kernel install --prefix` into a temporary prefix,
starts JupyterLab on a free port with a random token and its own JUPYTER_*/JUPYTERLAB_* dirs,
opens a notebook, runs its cells with Shift+Enter, and checks in the page that

  - the plot cell shows its SVG, and a small `fit` (a model trained from scratch) shows its
    progress line, finished;
  - a long `fit` interrupted with the toolbar's interrupt button (the server's
    `POST /api/kernels/<id>/interrupt`) stops, the kernel answers the next cell, and the
    History and the trained model are kept.

Screenshots go to .build/test-output/jupyter/lab*.png (their paths are printed). Every wait
has a timeout; the whole test is bounded by an alarm. Without chromium, chromedriver,
jupyterlab or selenium it is skipped with the reason printed.

    python test_lab.py path/to/cmcl
"""
import atexit
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("CMCL_BINARY") or (sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/cmcl"))
OUT = os.path.join(ROOT, ".build", "test-output", "jupyter")
sys.path.insert(0, os.path.join(ROOT, "Tests"))
from timebound import bound  # noqa: E402

SETUP = ("let d = synth.sentiment(n: 300, noise: 0.5, length: 20, seed: 1)\n"
         "let tok = word_tokenizer(d)\nlet tr = encode(d, tok, max_len: 22)\n"
         "let net = bag_of_embeddings(vocab: len(tok), dim: 16, hidden: [16], classes: 2, seed: 1)\n"
         "let before = evaluate(net, tr).loss")
PLOT = "print(plot([1, 4, 9, 16, 25]))"
SHORT_FIT = "let first = fit(net, tr, loss: ce, optimizer: adamw(lr: 1e-2), epochs: 3)"
LONG_FIT = "let h = fit(net, tr, loss: ce, optimizer: adamw(lr: 1e-2), epochs: 100000)"
AFTER = "[h.stopped_early, len(h.steps) > 0, evaluate(net, tr).loss < before, len(first.steps)]"
CELLS = [SETUP, PLOT, SHORT_FIT, LONG_FIT, AFTER]


def missing():
    """Why the test cannot run here, or None."""
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            return f"{tool} is not installed (scripts/install-browser installs chromium and chromium-driver)"
    for module in ("jupyterlab", "selenium"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed (scripts/test-jupyter installs it from PyPI)"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook(cells):
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "cmcl", "display_name": "cmcl", "language": "cmcl"}},
            "cells": [{"cell_type": "code", "id": f"cell-{i + 1}", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": code} for i, code in enumerate(cells)]}


MISSING = missing()


@unittest.skipIf(MISSING, MISSING)
class JupyterLabTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Every wait below has its own timeout; this bounds the whole class as well.
        def over_time(*_):
            raise TimeoutError("the JupyterLab test ran over its bound")
        signal.signal(signal.SIGALRM, over_time)
        signal.alarm(int(min(bound(240), 900)))
        cls.work = tempfile.mkdtemp(prefix="cmcl-lab-")
        cls.server = None
        cls.driver = None
        # Killed from outside (a time limit's SIGTERM), the browser and the server still go.
        atexit.register(cls.tearDownClass)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            cls.start_server()
            cls.start_browser()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_server(cls):
        w = cls.work
        subprocess.run([BINARY, "kernel", "install", "--prefix", os.path.join(w, "prefix")], check=True, capture_output=True)
        settings = os.path.join(w, "lab-settings")
        # No news or update checks (no network here), and every cell in the DOM (no windowing).
        for plugin, values in {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
                               "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"}}.items():
            os.makedirs(os.path.join(settings, os.path.dirname(plugin)), exist_ok=True)
            with open(os.path.join(settings, plugin + ".jupyterlab-settings"), "w") as f:
                json.dump(values, f)
        cls.root = os.path.join(w, "notebooks")
        os.makedirs(cls.root)
        with open(os.path.join(cls.root, "lab.ipynb"), "w") as f:
            json.dump(notebook(CELLS), f)
        env = dict(os.environ)
        env.update(JUPYTER_PATH=os.path.join(w, "prefix", "share", "jupyter"), JUPYTER_DATA_DIR=os.path.join(w, "data"),
                   JUPYTER_CONFIG_DIR=os.path.join(w, "config"), JUPYTER_RUNTIME_DIR=os.path.join(w, "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=settings, JUPYTERLAB_WORKSPACES_DIR=os.path.join(w, "workspaces"),
                   CMCL_HISTORY=os.path.join(w, "history"), JUPYTER_PLATFORM_DIRS="1")
        cls.port, cls.token = free_port(), secrets.token_hex(16)
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.log = open(os.path.join(w, "server.log"), "w")
        cls.server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={cls.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={cls.token}", f"--ServerApp.root_dir={cls.root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=",
             "--LabApp.extension_manager=readonly", "--allow-root",
             # Requests are logged at debug level: the log shows the interrupt's REST call.
             "--ServerApp.log_level=DEBUG"],
            env=env, stdin=subprocess.DEVNULL, stdout=cls.log, stderr=subprocess.STDOUT, cwd=cls.root, start_new_session=True)
        deadline = time.time() + bound(60)
        while time.time() < deadline:
            if cls.server.poll() is not None:
                raise RuntimeError("JupyterLab exited at start:\n" + cls.server_log())
            try:
                cls.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("JupyterLab did not answer /api/status in time:\n" + cls.server_log())

    @classmethod
    def start_browser(cls):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1700",
                    "--user-data-dir=" + os.path.join(cls.work, "profile"), "--no-first-run", "--hide-scrollbars"):
            options.add_argument(arg)
        # The driver is Debian's chromedriver, named here, so selenium never looks for one online.
        os.environ.setdefault("SE_OFFLINE", "true")
        os.environ.setdefault("SE_AVOID_STATS", "true")
        cls.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver"), log_output=os.path.join(cls.work, "chromedriver.log")),
                                      options=options)
        cls.driver.set_page_load_timeout(bound(60))
        cls.driver.set_script_timeout(bound(30))

    @classmethod
    def tearDownClass(cls):
        signal.alarm(0)
        if cls.driver is not None:
            try:
                cls.driver.quit()
            except Exception:
                pass
            cls.driver = None
        if cls.server is not None and cls.server.poll() is None:
            # SIGTERM stops the server without its Ctrl-C prompt, and it shuts its kernels down.
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(cls.server.pid, signal.SIGKILL)
                cls.server.wait(timeout=10)
        cls.server = None
        if getattr(cls, "log", None):
            cls.log.close()
            cls.log = None
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def server_log(cls, tail=3000):
        try:
            with open(os.path.join(cls.work, "server.log"), errors="replace") as f:
                return f.read()[-tail if tail else 0:]
        except OSError:
            return ""

    @classmethod
    def api(cls, method, path):
        request = urllib.request.Request(cls.base + path, method=method, data=b"" if method == "POST" else None,
                                         headers={"Authorization": "token " + cls.token})
        with urllib.request.urlopen(request, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    # ---- page helpers ----

    def wait(self, what, predicate, timeout):
        """Polls `predicate` until it returns something true; fails with `what` after `timeout` s."""
        print(f"  {time.time() - self.started:5.1f} s  waiting for {what}", flush=True)
        deadline = time.time() + bound(timeout)
        last = None
        while time.time() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except Exception as e:  # an element replaced under us; try again
                last = e
            time.sleep(0.25)
        self.shoot("lab-failed.png")
        self.fail(f"timed out after {bound(timeout):.0f} s waiting for {what}" + (f" (last error: {last})" if last else "")
                  + "\nserver log:\n" + self.server_log())

    def cells(self):
        return self.driver.find_elements("css selector", ".jp-Notebook .jp-CodeCell")

    def output_text(self, i):
        return "\n".join(o.text for o in self.cells()[i].find_elements("css selector", ".jp-OutputArea-output"))

    def kernel(self):
        sessions = self.api("GET", "/api/sessions")
        return sessions[0]["kernel"] if sessions else None

    def shift_enter(self):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()

    def shoot(self, name):
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, name)
        try:
            self.driver.save_screenshot(path)
        except Exception:
            return None
        print(f"\n  screenshot: {os.path.relpath(path, ROOT)}", flush=True)
        return path

    # ---- the test ----

    def test_run_plot_fit_and_interrupt_in_jupyterlab(self):
        d = self.driver
        self.started = time.time()
        d.get(f"{self.base}/lab/tree/lab.ipynb?token={self.token}")
        self.wait("the notebook's cells", lambda: len(self.cells()) == len(CELLS), 90)
        self.wait("the cmcl kernel to start and be idle",
                  lambda: (k := self.kernel()) and k["name"] == "cmcl" and k["execution_state"] == "idle", 60)
        # The kernel's name in the toolbar.
        self.wait("the kernel name `cmcl` in the toolbar",
                  lambda: any(e.text.strip() == "cmcl" for e in d.find_elements("css selector", ".jp-KernelName, .jp-Toolbar-kernelName")), 30)

        # Select the first cell (command mode) and run cells 1-3 with Shift+Enter.
        self.cells()[0].find_element("css selector", ".jp-InputPrompt").click()
        for _ in range(3):
            self.shift_enter()
            time.sleep(0.3)
        svg = self.wait("the plot's SVG in cell 2",
                        lambda: self.cells()[1].find_elements("css selector", ".jp-OutputArea-output svg, .jp-RenderedSVG img"), 60)[0]
        self.assertGreater(svg.size["width"], 100, "the plot is drawn at a visible size")
        self.assertTrue(svg.is_displayed())
        progress = self.wait("the finished progress line of the small fit in cell 3",
                             lambda: "done" in (t := self.output_text(2)) and t, 90)
        line = next((l for l in progress.splitlines() if "epoch 3/3" in l), "")
        # A shorter redraw covers the longer one before it (no `donems left`).
        self.assertTrue(line.rstrip().endswith("done"), progress)
        # The progress line is rewritten in place (carriage returns), not one line per step.
        self.assertLessEqual(len([line for line in progress.splitlines() if "epoch" in line]), 3, progress)
        self.wait("the kernel to be idle after cell 3", lambda: self.kernel()["execution_state"] == "idle", 30)
        shot = self.shoot("lab.png")
        self.assertTrue(shot and os.path.getsize(shot) > 20000, "the screenshot was written")

        # The long fit: run it, wait until its progress shows, then press the toolbar's interrupt button.
        self.shift_enter()
        self.wait("the long fit's progress line in cell 4", lambda: "/100000  step" in self.output_text(3), 60)
        self.wait("the kernel to be busy with the long fit", lambda: self.kernel()["execution_state"] == "busy", 10)
        button = self.wait("the toolbar's interrupt button",
                           lambda: d.find_elements("css selector", '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] jp-button, '
                                                                   '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] button'), 10)[0]
        button.click()
        stopped = self.wait("the interrupted cell's error in cell 4", lambda: "Ctrl-C" in (t := self.output_text(3)) and t, 30)
        self.assertIn("the model was changed", stopped)
        # The button went through the server (`POST /api/kernels/<id>/interrupt`), which signals
        # the kernel as its kernelspec asks (interrupt_mode "signal").
        self.assertRegex(self.server_log(tail=None), r"POST /api/kernels/[0-9a-f-]+/interrupt")
        self.wait("the kernel to be idle after the interrupt", lambda: self.kernel()["execution_state"] == "idle", 30)
        self.assertIsNotNone(self.kernel(), "the kernel is still running")

        # The next cell runs in the same session: the History and the trained model are kept.
        self.shift_enter()
        after = self.wait("the answer of cell 5", lambda: "[" in (t := self.output_text(4)) and t, 30)
        self.assertIn("[true, true, true, 30]", after)  # 3 epochs of 300/32 -> 10 steps each
        self.shoot("lab-interrupted.png")


if __name__ == "__main__":
    if MISSING:
        # Not `SKIPPED:` at the start of a line: scripts/test would call the whole stage skipped.
        print("note: the JupyterLab browser test skipped:", MISSING)
    unittest.main(argv=sys.argv[:1], verbosity=2)
