"""Cold start and memory: `cart-composer gui` to its first paint, against a bare PySide6 window.

    .venv/bin/python tests/bench/startup_bench.py [--runs 11]

Both are started as fresh processes, interleaved, each quitting at its window's first paint
(CART_COMPOSER_QUIT_AFTER_PAINT for the app). Reports the median wall time from process start
to exit and the median peak RSS, and the app / bare ratios. Offscreen (no display needed).
Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
class Quit(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
quit_filter = Quit()
window.installEventFilter(quit_filter)
window.show()
app.exec()
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall milliseconds and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 0:
        raise SystemExit(f"{argv} exited with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="cc-start-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CART_COMPOSER_HOME": home,
           "CART_COMPOSER_QUIT_AFTER_PAINT": "1"}  # fmt: skip
    commands = {
        "bare QMainWindow": [sys.executable, "-c", BARE],
        "cart-composer gui": [sys.executable, "-m", "app", "gui"],
    }
    for argv in commands.values():
        run(argv, env)  # warm the file cache once
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            elapsed, rss = run(argv, env)
            times[name].append(elapsed)
            memory[name].append(rss)
    print(f"median of {args.runs} interleaved runs, offscreen")
    print(f"{'':22}{'start→paint ms':>16}{'peak RSS MiB':>14}")
    for name in commands:
        print(
            f"{name:22}{statistics.median(times[name]):16.0f}{statistics.median(memory[name]):14.1f}"
        )
    bare, app = "bare QMainWindow", "cart-composer gui"
    print(
        f"{'ratio':22}{statistics.median(times[app]) / statistics.median(times[bare]):16.2f}"
        f"{statistics.median(memory[app]) / statistics.median(memory[bare]):14.2f}"
    )


if __name__ == "__main__":
    main()
