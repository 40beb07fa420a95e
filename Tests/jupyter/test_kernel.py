"""cmcl's Jupyter kernel under Jupyter's own kernel test suite (jupyter_kernel_test), plus the
behaviour that suite does not cover: interrupts, the heartbeat during a long cell, `:` commands,
rich values, the kernelspec.

Run by scripts/test-jupyter, which installs the kernelspec into a temporary prefix and puts it
on JUPYTER_PATH; CMCL_HISTORY points at a temporary history file.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import jupyter_kernel_test as jkt
import zmq
from jupyter_client.manager import KernelManager, start_new_kernel


class CmclKernelTests(jkt.KernelTests):
    kernel_name = "cmcl"
    language_name = "cmcl"
    file_extension = ".cmcl"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("careful: small dev set")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": ":he", "matches": {":help"}},
    ]

    complete_code_samples = ["1 + 1", "let x = 1", ":help", "fn f(x) {\n  x + 1\n}", ""]
    # A string does not span lines in cmcl, so an unclosed quote is `invalid`, not `incomplete`.
    incomplete_code_samples = ["fn f(x) {", "[1, 2,", "print(1,", "let xs = [\n  1,"]
    invalid_code_samples = ["1 + * 2", "let = 3", ")"]

    code_page_something = "print?"
    code_generate_error = "undefined_name + 1"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "[{name: \"a\", acc: 0.5}, {name: \"b\", acc: 0.75}]", "mime": "text/html"},
        {"code": "\"text\"", "result": "\"text\""},
    ]
    code_display_data = [
        {"code": "print(plot([1, 4, 9, 16]))", "mime": "image/svg+xml"},
        {"code": "print(plot([1, 4, 9, 16]))", "mime": "text/plain"},
    ]

    code_history_pattern = "1 + [2]"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "print"

    # clear_output is sent only by kernels whose language can clear a cell's output; cmcl has
    # no such operation (its progress display rewrites its line with carriage returns), and
    # the protocol makes clear_output optional. So this sample is left empty and
    # jupyter_kernel_test skips test_clear_output.
    code_clear_output = ""

    # ---- beyond jupyter_kernel_test ----

    def run_cell(self, code, timeout=30):
        self.flush_channels()
        return self.execute_helper(code, timeout=timeout)

    def test_execution_count_counts_cells(self):
        reply1, _ = self.run_cell("1")
        reply2, _ = self.run_cell("2")
        self.assertEqual(reply2["content"]["execution_count"], reply1["content"]["execution_count"] + 1)

    def test_colon_commands(self):
        reply, outputs = self.run_cell(":type 1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertEqual(text, "number\n")
        self.run_cell("let kept_value = 41")
        reply, outputs = self.run_cell(":vars")
        text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertIn("kept_value", text)
        reply, outputs = self.run_cell(":nosuchcommand")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])

    def test_error_traceback_is_the_located_diagnostic(self):
        reply, outputs = self.run_cell("let y = 1\ny + undefined_thing")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "NameError")
        tb = "\n".join(outputs[0]["content"]["traceback"])
        self.assertIn("undefined_thing", tb)
        self.assertIn(":2:", tb)  # cell line 2
        self.assertIn("^", tb)  # the caret under the name

    def test_record_shows_as_html_table(self):
        reply, outputs = self.run_cell("{lr: 0.1, epochs: 3}")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1)
        data = results[0]["content"]["data"]
        self.assertIn("<table", data["text/html"])
        self.assertIn("epochs", data["text/plain"])

    def test_stream_order_and_completeness(self):
        reply, outputs = self.run_cell("for i in range(3000) { print(i) }", timeout=60)
        text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertEqual(text, "".join(f"{i}\n" for i in range(3000)))

    def long_cell_and_interrupt(self, interrupt):
        self.flush_channels()
        self.kc.execute("let counter = 0\nwhile true { counter += 1 }")
        time.sleep(1.0)
        # The heartbeat answers while the cell runs.
        ctx = zmq.Context.instance()
        hb = ctx.socket(zmq.REQ)
        hb.linger = 0
        hb.connect(f"{self.km.transport}://{self.km.ip}:{self.km.hb_port}")
        hb.send(b"ping")
        self.assertTrue(hb.poll(2000), "heartbeat did not answer during a long cell")
        self.assertEqual(hb.recv(), b"ping")
        hb.close()
        interrupt()
        reply = self.kc.get_shell_msg(timeout=15)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        # The kernel lives, and what the cell computed is kept.
        reply, outputs = self.run_cell("counter > 0")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "true")

    def test_interrupt_by_signal(self):
        self.long_cell_and_interrupt(self.km.interrupt_kernel)

    def test_interrupt_request_on_control(self):
        def send():
            msg = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(msg)
            reply = self.kc.control_channel.get_msg(timeout=5)
            self.assertEqual(reply["header"]["msg_type"], "interrupt_reply")
        self.long_cell_and_interrupt(send)

    def test_cells_queued_after_an_error_are_aborted(self):
        self.flush_channels()
        first = self.kc.execute("undefined_before_queue")
        second = self.kc.execute("let should_not_run = 1")
        replies = {}
        while len(replies) < 2:
            msg = self.kc.get_shell_msg(timeout=15)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual(replies, {first: "error", second: "aborted"})
        reply, _ = self.run_cell("should_not_run")
        self.assertEqual(reply["content"]["status"], "error")

    def test_comm_info_is_empty(self):
        self.flush_channels()
        msg_id = self.kc.comm_info()
        reply = self.get_non_kernel_info_reply(timeout=5)
        jkt.validate_message(reply, "comm_info_reply", msg_id)
        self.assertEqual(reply["content"]["comms"], {})

    def test_complete_members_of_a_defined_record(self):
        self.run_cell("let cfg = {epochs: 3, lr: 0.1}")
        self.flush_channels()
        self.kc.complete("cfg.ep")
        reply = self.get_non_kernel_info_reply(timeout=5)
        self.assertEqual(reply["content"]["matches"], ["epochs"])
        self.assertEqual((reply["content"]["cursor_start"], reply["content"]["cursor_end"]), (4, 6))

    def test_complete_cursor_positions(self):
        self.flush_channels()
        code = "let é = 1\nprint(pri"
        msg_id = self.kc.complete(code, len(code))
        reply = self.get_non_kernel_info_reply(timeout=5)
        self.assertEqual(reply["content"]["cursor_end"], len(code))
        self.assertEqual(reply["content"]["cursor_start"], len(code) - 3)

    def test_is_complete_gives_an_indent(self):
        self.flush_channels()
        self.kc.is_complete("fn f(x) {")
        reply = self.get_non_kernel_info_reply(timeout=5)
        self.assertEqual(reply["content"]["status"], "incomplete")
        self.assertEqual(reply["content"]["indent"], "  ")

    def test_silent_cell_does_not_count_or_print(self):
        before, _ = self.run_cell("1")
        self.flush_channels()
        reply, outputs = self.execute_helper('print("quiet")', silent=True)
        self.assertEqual(outputs, [])
        after, _ = self.run_cell("2")
        self.assertEqual(after["content"]["execution_count"], before["content"]["execution_count"] + 1)


class KernelLifecycleTests(unittest.TestCase):
    def test_two_kernels_share_no_state_and_shut_down(self):
        km1, kc1 = start_new_kernel(kernel_name="cmcl")
        km2, kc2 = start_new_kernel(kernel_name="cmcl")
        try:
            kc1.execute_interactive("let only_in_one = 1", timeout=10, output_hook=lambda m: None)
            reply = kc2.execute_interactive("only_in_one", timeout=10, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "error")
        finally:
            for kc in (kc1, kc2):
                kc.stop_channels()
            km1.shutdown_kernel()
            km2.shutdown_kernel()
        self.assertFalse(km1.is_alive())
        self.assertFalse(km2.is_alive())

    def test_restart_keeps_serving(self):
        km, kc = start_new_kernel(kernel_name="cmcl")
        try:
            kc.execute_interactive("let before_restart = 1", timeout=10, output_hook=lambda m: None)
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=30)
            reply = kc.execute_interactive("before_restart", timeout=10, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "error")  # a fresh session
            reply = kc.execute_interactive("1 + 1", timeout=10, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel()

    def test_exits_when_its_parent_dies(self):
        # A parent that starts a kernel and dies without shutting it down.
        code = ("import os; from jupyter_client.manager import KernelManager as K; km = K(kernel_name='cmcl'); "
                "km.start_kernel(); print(km.provisioner.process.pid, flush=True); os._exit(0)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        pid = int(out.stdout.split()[0])
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().split(")")[-1].split()[0] == "Z":
                        return  # exited; only its parent's successor has not reaped it
            except FileNotFoundError:
                return
            time.sleep(0.2)
        os.kill(pid, 9)
        self.fail("the kernel outlived its parent by 15 s")


class CommTests(unittest.TestCase):
    """cmcl has no comm targets: a comm_open is closed at once (as ipykernel closes one for an
    unknown target), comm_msg/comm_close for comms that are not open are logged and ignored,
    and the kernel serves on."""

    def setUp(self):
        self.log = tempfile.NamedTemporaryFile(mode="w+", suffix=".log")
        self.km = KernelManager(kernel_name="cmcl")
        self.km.start_kernel(stderr=self.log)  # the kernel's own log
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.log.close()

    def send(self, msg_type, content):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def iopub_until_idle(self, parent):
        """The IOPub messages caused by request `parent`, up to its `idle` status."""
        seen = []
        deadline = time.time() + 15
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=15)
            if msg["parent_header"].get("msg_id") != parent:
                continue
            seen.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return seen
        self.fail("no idle status for " + parent)

    def test_comm_open_for_an_unknown_target_is_closed(self):
        opened = self.send("comm_open", {"comm_id": "c-widget-1", "target_name": "jupyter.widget", "data": {}})
        closes = [m for m in self.iopub_until_idle(opened) if m["msg_type"] == "comm_close"]
        self.assertEqual([m["content"]["comm_id"] for m in closes], ["c-widget-1"])
        # Nothing stays open, for any target.
        for target in (None, "jupyter.widget"):
            msg_id = self.kc.comm_info(target)
            reply = self.kc.get_shell_msg(timeout=10)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual((reply["content"]["status"], reply["content"]["comms"]), ("ok", {}))

    def test_messages_for_unknown_comms_are_logged_and_ignored(self):
        sent = [self.send("comm_msg", {"comm_id": "c-missing-2", "data": {"x": 1}}),
                self.send("comm_close", {"comm_id": "c-missing-3", "data": {}})]
        for parent in sent:
            kinds = [m["msg_type"] for m in self.iopub_until_idle(parent)]
            self.assertEqual(kinds, ["status", "status"])  # busy, idle: no comm_close, no error
        # No reply on shell to either: the next shell message answers the next request.
        reply = self.kc.execute_interactive("1 + 1", timeout=15, output_hook=lambda m: None)
        self.assertEqual(reply["content"]["status"], "ok")
        self.km.shutdown_kernel(now=False)
        self.log.seek(0)
        log = self.log.read()
        self.assertIn("comm_msg for comm c-missing-2, which is not open; ignored", log)
        self.assertIn("comm_close for comm c-missing-3, which is not open; ignored", log)


class KernelSpecTests(unittest.TestCase):
    def test_install_and_uninstall(self):
        binary = os.environ["CMCL_BINARY"]
        with tempfile.TemporaryDirectory() as prefix:
            subprocess.run([binary, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
            directory = os.path.join(prefix, "share", "jupyter", "kernels", "cmcl")
            with open(os.path.join(directory, "kernel.json")) as f:
                spec = json.load(f)
            self.assertEqual(spec["argv"][1:], ["kernel", "-f", "{connection_file}"])
            self.assertTrue(os.path.isabs(spec["argv"][0]))
            self.assertEqual((spec["display_name"], spec["language"], spec["interrupt_mode"]), ("cmcl", "cmcl", "signal"))
            with open(os.path.join(directory, "logo-64x64.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            subprocess.run([binary, "kernel", "uninstall", "--prefix", prefix], check=True, capture_output=True)
            self.assertFalse(os.path.exists(directory))
            again = subprocess.run([binary, "kernel", "uninstall", "--prefix", prefix], capture_output=True)
            self.assertEqual(again.returncode, 1)


if __name__ == "__main__":
    unittest.main()
