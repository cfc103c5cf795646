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
