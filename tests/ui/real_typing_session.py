"""Typing into the line-item table through a real X server, as a person types: run by
``test_real_typing.py`` in a process of its own under Xvfb (and a window manager).

    DISPLAY=:N python tests/ui/real_typing_session.py DELAY_MS RESULT_JSON

A new item row is typed cell after cell with xdotool (Tab between cells, no pause after it),
then the row as the model holds it is written to RESULT_JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.ui.application import create_main_window
from app.ui.asking import ScriptedAsker

CELLS = ["Acme", "SKU2", "BBBB", "Widget-9"]


def main() -> int:
    delay, result = sys.argv[1], Path(sys.argv[2])
    app = QApplication([])
    window = create_main_window(asker=ScriptedAsker())
    window.show()
    window.activateWindow()
    outcome: dict[str, object] = {}

    def type_it() -> None:
        try:
            # Wait until the window manager has mapped the window, and give it the focus, as
            # a click on it would.
            subprocess.run(
                [
                    "xdotool",
                    "search",
                    "--sync",
                    "--onlyvisible",
                    "--name",
                    "Cart Composer",
                    "windowactivate",
                    "--sync",
                ],
                check=False,
                timeout=30,
                capture_output=True,
            )
            time.sleep(0.5)
            for n, text in enumerate(CELLS):
                subprocess.run(["xdotool", "type", "--delay", delay, text], check=True)
                if n < len(CELLS) - 1:
                    subprocess.run(["xdotool", "key", "Tab"], check=True)
            subprocess.run(["xdotool", "key", "Return"], check=True)
            time.sleep(0.8)
        finally:
            typed.set()  # whatever happened, the window closes and the row is reported

    typed = threading.Event()
    poll = QTimer()
    # exit, not quit: quit would ask the window to close, and an unsaved cart asks first.
    poll.timeout.connect(lambda: typed.is_set() and app.exit(0))

    def start() -> None:
        window.add_item()  # the new row's first cell is current, the table has the focus
        threading.Thread(target=type_it, daemon=True).start()
        poll.start(50)

    QTimer.singleShot(500, start)
    app.exec()
    model = window.items_model
    row = model.rowCount() - 1
    outcome["cells"] = [model.data(model.index(row, column)) for column in range(len(CELLS))]
    result.write_text(json.dumps(outcome))
    window.session.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(main())
