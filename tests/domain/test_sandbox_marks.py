"""The sandbox's modes as the command line, scenarios and settings spell them, and the notes an
answer's sandbox marks become."""

from __future__ import annotations

import pytest

from app.domain.sandbox_marks import REAL, SandboxMode, sandbox_notes


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("real", REAL),
        ("explain", SandboxMode(explain=True)),
        ("Strict", SandboxMode(strict=True)),
        ("explain+strict", SandboxMode(explain=True, strict=True)),
        ("strict, explain", SandboxMode(explain=True, strict=True)),
    ],
)
def test_modes_parse_and_say_their_label(text: str, mode: SandboxMode) -> None:
    assert SandboxMode.parse(text) == mode
    assert SandboxMode.parse(mode.label) == mode


@pytest.mark.parametrize("text", ["", "helpful", "real+explain", "explain+"])
def test_anything_else_is_not_a_mode(text: str) -> None:
    if text == "explain+":  # a trailing joiner is harmless
        assert SandboxMode.parse(text) == SandboxMode(explain=True)
        return
    with pytest.raises(ValueError, match="is not a sandbox mode: use real, explain, strict"):
        SandboxMode.parse(text)


def test_marks_become_notes_in_order_bounded_and_printable() -> None:
    headers = [
        ("Content-Type", "application/json"),
        ("x-sandbox-assumption", "first"),
        ("X-Sandbox-Explain", "sandbox explanation, not Drip's wording"),
        ("X-Sandbox-Assumption", "bell\x07 and " + "x" * 400),
    ]
    notes = sandbox_notes(headers)
    assert notes[:2] == [
        "Sandbox assumption: first.",
        "Explain mode: sandbox explanation, not Drip's wording.",
    ]
    assert notes[2].startswith("Sandbox assumption: bell? and xxx")
    assert len(notes[2]) <= len("Sandbox assumption: .") + 300
    assert sandbox_notes([("X-Sandbox-Assumption", "a")] * 20) == ["Sandbox assumption: a."] * 8
    assert sandbox_notes([("Server", "real")]) == []
