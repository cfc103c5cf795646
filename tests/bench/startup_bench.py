"""Cold start and memory: `cart-composer gui` against a bare PySide6 window.

    .venv/bin/python tests/bench/startup_bench.py [--runs 11]

Fresh processes, interleaved, each quitting at a point the app marks with
CART_COMPOSER_QUIT_AFTER_PAINT: the bare window and the app's first paint (`1`: the window's
frame, before the heavy modules load), and the app once the composer is in and painted
(`ready`: form, items, preview of the sample cart, history). Reports the median wall time from
process start to exit, the median peak RSS, and the ratios to the bare window. Offscreen (no
display needed); bytecode caches are written by a first warm-up run, as an installed app has
them. Not part of the test run.
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
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CART_COMPOSER_HOME": home}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app = [sys.executable, "-m", "app", "gui"]
    commands = {
        "bare QMainWindow": ([sys.executable, "-c", BARE], env),
        "gui: first paint": (app, {**env, "CART_COMPOSER_QUIT_AFTER_PAINT": "1"}),
        "gui: ready": (app, {**env, "CART_COMPOSER_QUIT_AFTER_PAINT": "ready"}),
    }
    for argv, run_env in commands.values():
        run(argv, run_env)  # warm the file cache and write the bytecode caches once
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (argv, run_env) in commands.items():
            elapsed, rss = run(argv, run_env)
            times[name].append(elapsed)
            memory[name].append(rss)
    print(f"median of {args.runs} interleaved runs, offscreen")
    print(f"{'':20}{'start→exit ms':>15}{'peak RSS MiB':>14}{'time x bare':>12}{'RSS x bare':>11}")
    bare_time = statistics.median(times["bare QMainWindow"])
    bare_rss = statistics.median(memory["bare QMainWindow"])
    for name in commands:
        t, m = statistics.median(times[name]), statistics.median(memory[name])
        print(f"{name:20}{t:15.0f}{m:14.1f}{t / bare_time:12.2f}{m / bare_rss:11.2f}")


if __name__ == "__main__":
    main()
