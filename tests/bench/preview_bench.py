"""Edit → preview latency: one line-item cell edit until the preview text is updated, for carts
of 1, 100 and 1,000 items (validation and the request rebuild included; the 50 ms debounce
that batches keystrokes is not, and is reported separately). Then a 5,000-item cart pasted
into raw mode: the text editor taking the paste, and the parse, both on the GUI thread (the
check itself runs on a worker; tests/ui/test_big_carts.py holds the window to answering).

    .venv/bin/python tests/bench/preview_bench.py [--edits 60]

Offscreen; not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CART_COMPOSER_HOME"] = tempfile.mkdtemp(prefix="cc-preview-")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from app.ui.application import create_main_window
from app.ui.asking import ScriptedAsker
from app.ui.controller import PREVIEW_DEBOUNCE_MS
from app.ui.main_window import MainWindow


def paste_5000(app: QApplication, window: MainWindow, runs: int = 3) -> None:
    from app.domain import jsonfmt
    from app.paths import sample_cart

    body = jsonfmt.loads(sample_cart("drip").read_bytes())["payload"]
    template = body["items"][0]
    body["items"] = [dict(template, product_id=f"sku-{n}") for n in range(5000)]
    text = jsonfmt.dumps(body)
    pastes, parses = [], []
    for _ in range(runs):
        window.request_panel.set_raw_mode(True)
        started = time.perf_counter()
        window.raw_editor.setPlainText(text)
        pastes.append(time.perf_counter() - started)
        started = time.perf_counter()
        window.request_panel.apply_raw()
        parses.append(time.perf_counter() - started)
        while window.session.checking:
            app.processEvents()
        window.request_panel.set_raw_mode(False)
    print(
        f"5,000-item paste into raw mode (median of {runs}): the editor takes it in "
        f"{statistics.median(pastes):.2f} s, the parse {statistics.median(parses):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    window = create_main_window(asker=ScriptedAsker())
    window.show()
    app.processEvents()
    model = window.items_model
    price = model.column_of("price")
    print(f"edit → preview text updated (debounce of {PREVIEW_DEBOUNCE_MS} ms not included)")
    print(f"{'items':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for count in (1, 100, 1000, 5000):
        template = dict(window.session.items()[0])
        while model.rowCount() > count:
            model.remove_item(model.rowCount() - 1)
        while model.rowCount() < count:
            model.insert_item(model.rowCount(), dict(template))
        window.session.refresh_now()
        samples = []
        for n in range(args.edits):
            index = model.index(n % count, price)
            started = time.perf_counter()
            model.setData(index, str(Decimal("10.00") + n))
            window.session.refresh_now()  # what the debounce timer calls
            app.processEvents()
            samples.append((time.perf_counter() - started) * 1000)
            assert f"{10 + n}.00" in window.preview.toPlainText()  # checked outside the timing
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        print(f"{count:7d}{statistics.median(samples):9.2f}{p95:9.2f}")
    paste_5000(app, window)
    window.session.cancel()
    window.close()


if __name__ == "__main__":
    main()
