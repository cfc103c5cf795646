"""The result of checking a cart: per-field errors and warnings keyed by a readable path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Issue", "Validation", "format_path"]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")  # $: Klaviyo's $event_id, $value


def format_path(loc: Iterable[str | int]) -> str:
    """``("items", 2, "price")`` → ``items[2].price``; odd keys are quoted: ``items[0][""]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}" if out else part
        else:
            quoted = part.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{quoted}"]'
    return out


@dataclass(frozen=True)
class Issue:
    """One problem: where (``path``), Drip-style ``code`` (presence_error, …) and the words."""

    path: str
    code: str
    message: str
    # The same place as ``path``, as keys and indexes: ("items", 2, "price").
    loc: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Validation:
    """Errors block a clean send; warnings only inform."""

    issues: tuple[Issue, ...] = ()
    warning_issues: tuple[Issue, ...] = ()
    errors: Mapping[str, str] = field(init=False)
    warnings: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", _first_per_path(self.issues))
        object.__setattr__(self, "warnings", _first_per_path(self.warning_issues))

    @property
    def ok(self) -> bool:
        return not self.issues


def _first_per_path(issues: Iterable[Issue]) -> dict[str, str]:
    # The first problem found at a path is the most basic one ("is required" before "format").
    result: dict[str, str] = {}
    for issue in issues:
        result.setdefault(issue.path, issue.message)
    return result
