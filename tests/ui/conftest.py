"""Window fixtures: an isolated app home, and an Asker that answers without dialogs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import pytest
from pytestqt.qtbot import QtBot

from app.ui.application import create_main_window
from app.ui.main_window import FIT_DELAY_MS, MainWindow


class _Seen(Protocol):
    def clear(self) -> None: ...
    def __len__(self) -> int: ...


def wait_until_quiet(qtbot: QtBot, seen: _Seen, timeout: int = 10_000) -> None:
    """Until the window's own work after its show is over: a stretch with nothing in ``seen``
    (the events a test counts) longer than fit_to_screen's delay, which resizes the window and
    so lays out and paints all of it. A shorter stretch could end before that timer, and the
    resize then landed among what the test counts (a CI run's "2 == 0")."""

    def quiet() -> bool:
        seen.clear()
        qtbot.wait(FIT_DELAY_MS + 50)
        return not seen

    qtbot.waitUntil(quiet, timeout=timeout)


class FakeAsker:
    def __init__(self) -> None:
        self.save_answer = "discard"
        self.send_anyway = True
        self.send_raw = True
        self.open_answer: Path | None = None
        self.save_answer_path: Path | None = None
        self.cart_id_answer: str | None = None
        self.discard_raw = True
        self.delete_answer = True
        self.import_answer: Path | None = None
        self.pick_answer: int | None = 0
        self.keep_answer: str | None = None
        self.warnings: list[str] = []
        self.asked: list[str] = []
        self.folder = ""  # where the last Open or Import dialog would have started

    def save_changes(self, name: str) -> str:
        self.asked.append(f"save_changes {name}")
        return self.save_answer

    def send_incomplete(self, missing: Sequence[str]) -> bool:
        self.asked.append(f"send_incomplete {'; '.join(missing)}")
        return self.send_anyway

    def send_as_is(self, error: str) -> bool:
        self.asked.append(f"send_as_is {error}")
        return self.send_raw

    def open_path(self, folder: str) -> Path | None:
        self.asked.append("open_path")
        self.folder = folder
        return self.open_answer

    def save_path(self, suggested: str) -> Path | None:
        self.asked.append("save_path")
        return self.save_answer_path

    def cart_id(self, current: str, provider: object) -> str | None:
        self.asked.append(f"cart_id {current}")
        return self.cart_id_answer

    def leave_invalid_raw(self, error: str) -> bool:
        self.asked.append(f"leave_invalid_raw {error}")
        return self.discard_raw

    def confirm_action(self, provider: object, action: object, cart_id: str) -> bool:
        self.asked.append(f"confirm_{getattr(action, 'key', action)} {cart_id}")
        return self.delete_answer

    def warn(self, title: str, message: str) -> None:
        self.warnings.append(f"{title}: {message}")

    def inform(self, title: str, message: str) -> None:
        self.asked.append(f"inform {title}")
        self.told = message

    def import_path(self, folder: str) -> Path | None:
        self.asked.append("import_path")
        self.folder = folder
        return self.import_answer

    def pick_request(self, labels: Sequence[str]) -> int | None:
        self.asked.append(f"pick_request {' | '.join(labels)}")
        return self.pick_answer

    def keep_secrets(
        self, found: Sequence[str], profiles: Sequence[str], suggested: str, where: str
    ) -> str | None:
        self.asked.append(
            f"keep_secrets {', '.join(found)} [{', '.join(profiles)}] {suggested} in {where}"
        )
        return self.keep_answer


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CART_COMPOSER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def asker() -> FakeAsker:
    return FakeAsker()


@pytest.fixture
def window(qtbot: QtBot, home: Path, asker: FakeAsker) -> Iterator[MainWindow]:
    created = create_main_window(asker=asker)
    qtbot.addWidget(created)
    with qtbot.waitExposed(created):
        created.show()
    yield created
    created.session.cancel()
    qtbot.waitUntil(lambda: not created.session.sending, timeout=10_000)


@pytest.fixture(autouse=True)
def _system_theme_after() -> Iterator[None]:
    """The theme and text size are the application's: a test that changes them puts them
    back, so the next test starts as a first start does."""
    yield
    from app.ui import theme

    if theme.current_theme() != "system":
        theme.apply_theme("system")
    if theme.current_zoom() != 100:
        theme.apply_zoom(100)
