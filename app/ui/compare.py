"""Two exchanges side by side — status, request line and headers, bodies, response headers —
with the lines that differ tinted and, within them, the words that differ marked: as HTML for
a text browser, in colours chosen for a light or a dark palette."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import escape
from itertools import zip_longest

from app.domain import jsonfmt
from app.history import HistoryEntry

__all__ = [
    "DARK",
    "LIGHT",
    "Colours",
    "Exchange",
    "compare_html",
    "entry_exchange",
    "preview_exchange",
]


@dataclass(frozen=True)
class Exchange:
    """One side of a comparison, as lines of text."""

    title: str
    status: str  # "201 Created", "not sent", "No response: connection refused"
    request_head: tuple[str, ...]  # the request line, then the headers (masked)
    request_body: tuple[str, ...]  # pretty-printed where it is JSON
    response_head: tuple[str, ...] = ()
    response_body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Colours:
    removed_line: str
    removed_word: str
    added_line: str
    added_word: str
    text: str
    muted: str


# Background tints under the palette's own text colour: the words' tint is the stronger one.
LIGHT = Colours("#fdecea", "#f4b4ad", "#e6f4ea", "#a6d9b2", "#202124", "#5f6368")
DARK = Colours("#45201f", "#8a3330", "#1c3a24", "#2f7040", "#e8eaed", "#9aa0a6")


def _body_lines(body: bytes) -> tuple[str, ...]:
    return tuple(jsonfmt.pretty(body).splitlines()) if body else ()


def entry_exchange(entry: HistoryEntry) -> Exchange:
    """A history entry as a side: what was sent, and what came back (or why nothing did)."""
    if entry.status is not None:
        status = f"{entry.status} {entry.reason or ''}".strip()
    elif entry.state == "pending":
        status = "sending…"
    else:
        status = f"No response: {(entry.error_kind or entry.state).replace('_', ' ')}"
    return Exchange(
        title=f"#{entry.id} · {entry.sent_at[:19].replace('T', ' ')}",
        status=status,
        request_head=(
            f"{entry.method} {entry.url}",
            *(f"{name}: {value}" for name, value in entry.request_headers),
        ),
        request_body=_body_lines(entry.request_body),
        response_head=tuple(f"{name}: {value}" for name, value in entry.response_headers),
        response_body=_body_lines(entry.response_body),
    )


def preview_exchange(preview: str, title: str = "The cart in the composer") -> Exchange:
    """The composer's request as its preview shows it (request line, headers, a blank line,
    the body), not sent yet."""
    head, _, body = preview.partition("\n\n")
    return Exchange(
        title=title,
        status="not sent",
        request_head=tuple(head.splitlines()),
        request_body=_body_lines(body.encode("utf-8")),
    )


# Words, runs of spaces, and each other character: "c-12" differs from "c-13" in "12".
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _marked(line: str, other: str, word_colour: str) -> str:
    """``line`` with what is not in ``other`` on the word tint."""
    mine, theirs = _TOKENS.findall(line), _TOKENS.findall(other)
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    parts = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        text = escape("".join(mine[i1:i2]))
        if not text:
            continue
        parts.append(
            text
            if tag == "equal"
            else f'<span style="background-color:{word_colour}">{text}</span>'
        )
    return "".join(parts)


def _cell(html: str, background: str | None) -> str:
    tint = f"background-color:{background}; " if background else ""
    return f'<td width="50%" style="{tint}white-space:pre-wrap">{html or "&nbsp;"}</td>'


def _rows(left: tuple[str, ...], right: tuple[str, ...], colours: Colours) -> tuple[list[str], int]:
    """The table rows of one section, and how many of them differ."""
    rows, changed = [], 0
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [_cell(escape(line), None) * 2 for line in left[i1:i2]]
            continue
        for a, b in zip_longest(left[i1:i2], right[j1:j2]):
            changed += 1
            if a is not None and b is not None:
                rows.append(
                    _cell(_marked(a, b, colours.removed_word), colours.removed_line)
                    + _cell(_marked(b, a, colours.added_word), colours.added_line)
                )
            elif a is not None:
                rows.append(_cell(escape(a), colours.removed_line) + _cell("", None))
            else:
                rows.append(_cell("", None) + _cell(escape(b or ""), colours.added_line))
    return [f"<tr>{row}</tr>" for row in rows], changed


def compare_html(left: Exchange, right: Exchange, colours: Colours = LIGHT) -> str:
    """Each part of the two exchanges in two columns; a part's heading says whether it is the
    same or how many lines differ (so a screen reader hears it without the colours)."""
    parts = [
        f'<table width="100%" cellspacing="0" cellpadding="3"><tr>'
        f"<th align=left>{escape(left.title)}</th><th align=left>{escape(right.title)}</th>"
        "</tr></table>"
    ]
    for title, a, b in (
        ("Status", (left.status,), (right.status,)),
        ("Request", left.request_head, right.request_head),
        ("Request body", left.request_body, right.request_body),
        ("Response headers", left.response_head, right.response_head),
        ("Response body", left.response_body, right.response_body),
    ):
        if not a and not b:
            continue
        rows, changed = _rows(a, b, colours)
        said = "the same" if not changed else f"{changed} line{'s' * (changed != 1)} differ"
        if changed == 1:
            said = "1 line differs"
        parts.append(
            f'<h3>{title} <span style="color:{colours.muted}; font-weight:normal">· {said}'
            "</span></h3>"
            f'<table width="100%" cellspacing="0" cellpadding="2" style="font-family:monospace">'
            f"{''.join(rows)}</table>"
        )
    return f'<html><body style="color:{colours.text}">' + "".join(parts) + "</body></html>"
