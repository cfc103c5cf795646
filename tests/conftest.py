"""Shared test setup: Qt runs offscreen unless a display is asked for; golden files; examples."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Before pytest-qt creates the QApplication: no display needed, on CI or anywhere.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain import jsonfmt

GOLDEN = Path(__file__).parent / "golden"


def pytest_configure(config: pytest.Config) -> None:
    """The app's bytecode, compiled once before the run (in the controller, before any worker
    starts), as pip compiles an installed app's. Hundreds of tests start `python -m app` as a
    fresh process; where PYTHONDONTWRITEBYTECODE is set (this project's machines) and the clone
    is clean, each of them compiled every module it imported again: ~0.1 s a process."""
    if hasattr(config, "workerinput"):
        return
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "app", quiet=1)


def golden_text(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


@pytest.fixture
def drip_payload() -> dict[str, Any]:
    """Drip's documented example with the current item key ``discounts``."""
    payload = jsonfmt.loads(golden_text("drip-doc-example.expected.json"))
    assert isinstance(payload, dict)
    return payload


@pytest.fixture
def bronto_payload() -> dict[str, Any]:
    """Bronto's Java example, in the document's key order."""
    payload = jsonfmt.loads(golden_text("bronto-java-example.expected.json"))
    assert isinstance(payload, dict)
    return payload
