"""Time bounds that hold on a loaded machine.

A test that measures wall-clock time (how long cmcl takes to stop after Ctrl-C) states the bound
it would meet on an idle machine; `bound(seconds)` stretches it by how oversubscribed the CPUs
are right now: the 1-minute load average plus this test's own process, over the number of cores
(never less than 1x). On a 2-core machine at load 6 a 1 s bound becomes 3.5 s; idle, it stays 1 s.
CMCL_TIME_SCALE multiplies every bound further (for slow emulators or sanitizer builds).
"""
import os


def factor():
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    cores = os.cpu_count() or 1
    scale = float(os.environ.get("CMCL_TIME_SCALE", "1") or 1)
    return max(1.0, (load + 1.0) / cores) * scale


def bound(seconds):
    """`seconds` on an idle machine, stretched by the current load (see the module doc)."""
    return seconds * factor()
