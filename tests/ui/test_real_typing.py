"""Typing fast into the line-item table under a real X server and a window manager keeps every
keystroke. QTest sends keys straight to a widget, with no event loop between them, so it never
met the bug: after a Tab, the finished check of the previous cell refilled the next cell's
open editor, and what had been typed into it so far was lost (``SKU2`` stored as ``2``).

Runs where Xvfb, openbox and xdotool are installed (``.ci/run`` installs them); skips
elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SESSION = Path(__file__).with_name("real_typing_session.py")
NEEDED = ("Xvfb", "openbox", "xdotool")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (installed by .ci/run)")
    number = next(n for n in range(150, 250) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    name = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", name, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    manager = None
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.skip("Xvfb did not start")
            time.sleep(0.05)
        manager = subprocess.Popen(
            ["openbox"],
            env={**os.environ, "DISPLAY": name, "HOME": str(tmp_path)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        yield name
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


# Types with real key delays: never beside another timing test (pyproject: "timing").
@pytest.mark.xdist_group("timing")
@pytest.mark.parametrize("delay_ms", ["30", "100"])
def test_cells_typed_after_a_tab_keep_every_key(
    display: str, tmp_path: Path, delay_ms: str
) -> None:
    result = tmp_path / "typed.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env |= {"DISPLAY": display, "CART_COMPOSER_HOME": str(tmp_path / "home")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, str(SESSION), delay_ms, str(result)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Before the fix: ["Acme", "2", "B", "Widget-9"] at 30 ms a key.
    assert json.loads(result.read_text())["cells"] == ["Acme", "SKU2", "BBBB", "Widget-9"]
