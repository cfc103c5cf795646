"""Screenshots of the real window, to look at before a release and for the README.

    python tests/screenshots.py [--out DIR] [--readme]

Under X: the display in $DISPLAY, or (when there is none) an Xvfb of its own at 1280x800 with
openbox as its window manager, as a user has one. Each scene — the composer after a send, the
history with two entries compared, a journey run to its end, presenter mode — is taken at the
window sizes a 1024x700 and a 1280x800 screen leave (less openbox's frame), light and dark,
from a fresh app home (the sandbox only). ``--readme`` also copies the README's three to
resources/screenshots/. Not a test: pytest collects only test_*.py."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, tests/ comes first on the path, and its packages (tests/secrets…) would
# stand in for the standard library's: the repository's top instead.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "tests")]
SIZES = {"1024x700": (1016, 668), "1280x800": (1272, 768)}
README = {
    "composer-1280x800-light.png": "composer.png",
    "history-1280x800-light.png": "history.png",
    "compare-1280x800-dark.png": "compare-dark.png",
    "journeys-1024x700-light.png": "journeys.png",
}


def own_display() -> subprocess.Popen[bytes] | None:
    """An Xvfb and openbox of this run's own, when there is no display (None: there is)."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("No $DISPLAY and no Xvfb: install xvfb and openbox (see the README).")
    display = ":97"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
    time.sleep(1.0)
    os.environ["DISPLAY"] = display
    if shutil.which("openbox"):
        subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "cart-shots")
    parser.add_argument("--readme", action="store_true", help="copy the README's ones too")
    args = parser.parse_args()
    server = own_display()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["CART_COMPOSER_HOME"] = tempfile.mkdtemp(prefix="cart-shots-home-")
    try:
        taken = take(args.out)
    finally:
        if server is not None:
            server.terminate()
    if args.readme:
        target = ROOT / "resources" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        for name, as_name in README.items():
            shutil.copyfile(args.out / name, target / as_name)
    print("\n".join(str(path) for path in taken))
    return 0


def take(out: Path) -> list[Path]:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QRect, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from app.paths import sample_cart
    from app.ui import theme
    from app.ui.application import create_main_window
    from app.ui.asking import ScriptedAsker

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    window = create_main_window(asker=ScriptedAsker())
    window.show()

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(ready: Callable[[], bool], seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    # What the scenes show: a sent cart, two history entries, a finished journey.
    window.open_cart(sample_cart("drip"))
    window.send()
    wait_until(lambda: not window.session.sending and window.response.badge.text() != "…")
    window.new_cart_id()
    window.session.set_field("email", "shopper@example.com")
    window.send()
    wait_until(lambda: not window.session.sending)
    journeys = window.journeys
    index = next(
        i for i in range(journeys.samples.count()) if "Bronto" in journeys.samples.itemText(i)
    )
    journeys._open_sample(index)
    journeys.speed.setValue(100_000)
    journeys.run_scenario()
    wait_until(lambda: journeys.runner is None)
    window.history_view.refresh()
    wait_until(lambda: window.history_view.model.rowCount() >= 2)

    taken: list[Path] = []

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = out / name
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        taken.append(path)

    for colour in ("light", "dark"):
        theme.apply_theme(colour)
        for label, (width, height) in SIZES.items():
            window.resize(width, height)
            settle(400)
            window.show_page(window.composer_page)
            shot(window, f"composer-{label}-{colour}.png")
            window.show_page(window.history_view)
            view = window.history_view
            view.table.selectRow(2)  # a journey's Bronto action: what it sent and got
            shot(window, f"history-{label}-{colour}.png")
            # The two carts sent from the composer (the oldest rows), side by side.
            last = view.model.rowCount() - 1
            view.table.selectRow(last)
            view.table.selectionModel().select(
                view.model.index(last - 1, 0),
                view.table.selectionModel().SelectionFlag.Select
                | view.table.selectionModel().SelectionFlag.Rows,
            )
            dialog = view.compare()
            if dialog is not None:
                dialog.resize(min(1000, width - 40), min(600, height - 60))
                shot(dialog, f"compare-{label}-{colour}.png")
                dialog.close()
            window.show_page(window.journeys)
            shot(window, f"journeys-{label}-{colour}.png")
    # Presenter mode last, the small screen first: after a window was laid out at 150%, a
    # theme switch and a resize to 1016 wide gave 1105 under openbox (noted in issue 16).
    window.show_page(window.composer_page)
    for label, (width, height) in SIZES.items():
        for colour in ("light", "dark"):
            theme.apply_theme(colour)
            screen = QRect(0, 0, width + 8, height + 32)  # the screen it is meant for
            window.resize(width, height)
            settle(400)
            window.set_presenter(True, screen)
            shot(window, f"presenter-{label}-{colour}.png")
            window.set_presenter(False)
    theme.apply_theme("system")
    window.close()
    app.processEvents()
    return taken


if __name__ == "__main__":
    sys.exit(main())
