"""How the built-in sandbox answers (its mode), and how it marks an answer that is its own,
not the real service's. Shared by the sandbox and the app's sending side; nothing here imports
either.

The sandbox answers as Drip and Bronto most likely do. Two headers say where it does more:

- ``X-Sandbox-Explain``: the answer was changed by Explain mode (per-field refusals, paths,
  reasons the real service does not give); its value says whose wording it is not.
- ``X-Sandbox-Assumption`` (one or more): what in this answer rests on the sandbox's guess
  where no vendor source says what the real service does.

The transport turns both into notes on the result, so the response pane and the command line
show them next to the answer. Only the sandbox sends them; any other server's headers of these
names are shown the same way (bounded), never trusted for anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ASSUMPTION_HEADER", "EXPLAIN_HEADER", "REAL", "SandboxMode", "sandbox_notes"]

EXPLAIN_HEADER = "X-Sandbox-Explain"
ASSUMPTION_HEADER = "X-Sandbox-Assumption"


@dataclass(frozen=True)
class SandboxMode:
    """How the sandbox answers. The default ("real") is what Drip and Bronto most likely
    answer; the two switches add what the real services do not do.

    ``explain``: refusals the real service makes without saying where (Drip's schema errors,
    Bronto's bare 403) and problems it would only meet later (a bad email in a queued Drip
    cart, a failed cart in a batch) are answered at once, field by field, in the sandbox's
    own words, marked with the ``X-Sandbox-Explain`` header.

    ``strict``: refuses what the real service most likely lets through (Bronto: numeric
    strings for numbers, unknown keys, query booleans other than true/false).
    """

    explain: bool = False
    strict: bool = False

    @property
    def label(self) -> str:
        """``real``, ``explain``, ``strict`` or ``explain+strict``."""
        parts = [name for name, on in (("explain", self.explain), ("strict", self.strict)) if on]
        return "+".join(parts) or "real"

    @classmethod
    def parse(cls, text: str) -> SandboxMode:
        """``real``, ``explain``, ``strict`` or both joined by ``+`` or ``,``; ``ValueError``
        names what was not understood."""
        words = {w.strip().lower() for w in text.replace(",", "+").split("+") if w.strip()}
        unknown = words - {"real", "explain", "strict"}
        if unknown or not words or ("real" in words and len(words) > 1):
            raise ValueError(
                f"“{text}” is not a sandbox mode: use real, explain, strict or explain+strict."
            )
        return cls(explain="explain" in words, strict="strict" in words)


REAL = SandboxMode()


_NOTE_CAP = 300  # characters of one header value shown in a note
_NOTES_MAX = 8


def _shown(value: str) -> str:
    text = "".join(ch if " " <= ch <= "~" else "?" for ch in value.strip())
    return text if len(text) <= _NOTE_CAP else text[: _NOTE_CAP - 1] + "…"


def sandbox_notes(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The notes for an answer's sandbox marks, in the order they came (none for no marks)."""
    notes: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == EXPLAIN_HEADER.lower():
            notes.append(f"Explain mode: {_shown(value)}.")
        elif key == ASSUMPTION_HEADER.lower():
            notes.append(f"Sandbox assumption: {_shown(value)}.")
        if len(notes) == _NOTES_MAX:
            break
    return notes
