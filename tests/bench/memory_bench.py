"""Memory over a long session: the window's resident set at idle after start, then through
1,000 sends and 100 history refreshes, against a bare PySide6 window at idle.

    .venv/bin/python tests/bench/memory_bench.py [--sends 1000] [--refreshes 100]

Each figure is the process's current RSS (VmRSS), read at idle: the bare window once painted;
the app once the composer is in (the real start-up path, `cart-composer gui`), then after each
block of sends of the sample cart to the built-in sandbox through the window's own Send path
(history rows written). The History tab is refreshed (its query run, its table refilled) at
even steps between the sends. The growth is reported from idle after start and from after the
first block (once the HTTP client, its TLS trust store and SQLite's cache exist). Offscreen;
Linux (/proc). Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
window.show()
def report():
    rss = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]
    print(int(rss) / 1024)
    app.quit()
QTimer.singleShot(500, report)
app.exec()
"""

APP = """
import gc, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui import application

SENDS, REFRESHES = {sends}, {refreshes}
BLOCK = max(1, SENDS // 10)
EVERY = max(1, SENDS // REFRESHES) if REFRESHES else 0
app = QApplication([])
window_ref = []
original = application.attach_composer


def rss() -> float:
    line = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0]
    return int(line.split()[1]) / 1024


def attach_then_measure(window, *args, **kwargs):
    original(window, *args, **kwargs)
    window_ref.append(window)
    QTimer.singleShot(1500, run)  # after the TLS warm-up the window does at 1 s


def run():
    window = window_ref[0]
    controller = window.controller
    print("idle after start", round(rss(), 1), flush=True)
    done = [0]
    refreshed = [0]
    history_view = window.history_view

    def refresh_then_send():
        # The refresh runs off the GUI thread; the next send waits until its rows are in.
        if history_view.count_label.text().startswith("Searching"):
            QTimer.singleShot(5, refresh_then_send)
            return
        QTimer.singleShot(0, window.send)

    def next_send(_=None):
        if done[0] and done[0] % BLOCK == 0:
            gc.collect()
            print(f"after {{done[0]}} sends and {{refreshed[0]}} refreshes", round(rss(), 1),
                  flush=True)
        if done[0] == SENDS:
            rows = len(controller.session.history.query(limit=100_000))
            print("history rows", rows, flush=True)
            app.quit()
            return
        done[0] += 1
        if EVERY and done[0] % EVERY == 0 and refreshed[0] < REFRESHES:
            refreshed[0] += 1
            history_view.refresh()
            QTimer.singleShot(0, refresh_then_send)
            return
        QTimer.singleShot(0, window.send)

    controller.send_finished.connect(next_send)
    next_send()


application.attach_composer = attach_then_measure
sys.exit(application.run())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=1000)
    parser.add_argument("--refreshes", type=int, default=100)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="cc-memory-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CART_COMPOSER_HOME": home}
    root = str(Path(__file__).resolve().parents[2])
    bare = subprocess.run([sys.executable, "-c", BARE], env=env, capture_output=True, text=True)
    bare_rss = float(bare.stdout.split()[-1])
    code = APP.format(root=root, sends=args.sends, refreshes=args.refreshes)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(f"bare QMainWindow at idle: {bare_rss:.1f} MiB")
    figures: list[float] = []
    for line in done.stdout.splitlines():
        label, _, value = line.rpartition(" ")
        if label == "history rows":
            print(f"{label}: {value}")
            continue
        mib = float(value)
        figures.append(mib)
        print(f"{label}: {mib:.1f} MiB ({mib / bare_rss:.2f}x the bare window)")
    if len(figures) > 2:
        print(
            f"growth from idle after start: {figures[-1] - figures[0]:+.1f} MiB; "
            f"from after the first block: {figures[-1] - figures[1]:+.1f} MiB"
        )


if __name__ == "__main__":
    main()
