"""The payload preview: the exact request text with light JSON syntax highlighting."""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

__all__ = ["HIGHLIGHT_LIMIT", "JsonHighlighter", "PreviewView"]

# Lines past which the text is shown without colours (a cart of about 1,200 items).
HIGHLIGHT_LIMIT = 20_000


def _format(color: str, bold: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.DemiBold)
    return fmt


# (number, literal, string, key, header line, header name, request line, comment)
_LIGHT = ("#e65100", "#ad1457", "#2e7d32", "#0d47a1", "#455a64", "#6a1b9a", "#1565c0", "#c62828")
_DARK = ("#ffb74d", "#f48fb1", "#a5d6a7", "#90caf9", "#b0bec5", "#ce93d8", "#64b5f6", "#ef9a9a")


def _dark_palette() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


class JsonHighlighter(QSyntaxHighlighter):
    """Keys, strings, numbers and literals in JSON; the request line and headers above it.
    Colours follow the palette: darker ones on a light background, lighter on a dark one."""

    # One pass per line: a single pattern whose named groups say what matched. Alternatives
    # are tried left to right, so a whole string (key or value) is taken before the digits in
    # it, and the request line and headers before anything inside them. Python's re (not
    # QRegularExpression): ``lastgroup`` names the match at once, without a call per group.
    _PATTERN = re.compile(
        r"(?P<comment>^#.*$)"
        r"|(?P<request>^(?:GET|POST|PUT|DELETE|PATCH) \S+)"
        r"|(?P<hname>^[A-Za-z-]+(?=: ))"
        r"|(?P<key>\"(?:[^\"\\]|\\.)*\"(?=\s*:))"
        r"|(?P<string>\"(?:[^\"\\]|\\.)*\")"
        r"|(?P<literal>\b(?:true|false|null)\b)"
        r"|(?P<number>(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))"
    )
    _GROUPS = ("number", "literal", "string", "key", "hvalue", "hname", "request", "comment")
    _BOLD = (False, False, False, True, False, False, True, False)

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._use_palette()
        from app.ui.theme import notifier

        notifier().changed.connect(self._on_theme_changed)

    def _use_palette(self) -> None:
        colours = _DARK if _dark_palette() else _LIGHT
        self.dark = colours is _DARK
        self._formats = {
            group: _format(colour, bold)
            for group, colour, bold in zip(self._GROUPS, colours, self._BOLD, strict=True)
        }

    def _on_theme_changed(self) -> None:
        was = self.dark
        self._use_palette()
        if self.dark != was:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if self.document().blockCount() > HIGHLIGHT_LIMIT:
            return  # plain text for huge requests: colouring 50,000 lines costs a second
        if ": " in text and not text.startswith((" ", "{", "}", "[", "]", '"')):
            # A header line: the value in its own colour, then the name over it.
            self.setFormat(0, _utf16_length(text), self._formats["hvalue"])
        # Qt counts UTF-16 units, Python code points: they differ only past U+FFFF (emoji).
        wide = _BEYOND_BMP.search(text) is not None
        for match in self._PATTERN.finditer(text):
            start, end = match.span()
            if wide:
                start, end = _utf16_length(text[:start]), _utf16_length(text[:end])
            self.setFormat(start, end - start, self._formats[match.lastgroup or "string"])


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_CHUNK = 4096


def changed_lines(old: str, new: str) -> tuple[int, int, int, int]:
    """Where ``new`` differs from ``old``, in whole lines: (first line, number of old lines
    replaced, start and end of the replacement in ``new``). Comparisons run in C on chunks,
    so a one-character change in a 20,000-line text costs well under a millisecond."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix : prefix + _CHUNK] == new[prefix : prefix + _CHUNK]:
        prefix += _CHUNK
    prefix = min(prefix, limit)
    end = min(prefix + _CHUNK, limit)
    while prefix < end and old[prefix] == new[prefix]:
        prefix += 1
    room = limit - prefix  # the common suffix may not overlap the common prefix
    suffix = 0
    while suffix < room:
        step = min(_CHUNK, room - suffix)
        if (
            old[len(old) - suffix - step : len(old) - suffix]
            != new[len(new) - suffix - step : len(new) - suffix]
        ):
            break
        suffix += step
    while suffix < room and old[len(old) - suffix - 1] == new[len(new) - suffix - 1]:
        suffix += 1
    line_start = old.rfind("\n", 0, prefix) + 1
    old_end = old.find("\n", len(old) - suffix)
    old_end = len(old) if old_end < 0 else old_end
    new_end = old_end - len(old) + len(new)
    first = old.count("\n", 0, line_start)
    replaced = old.count("\n", line_start, old_end) + 1
    return first, replaced, line_start, new_end


# Lines inserted per turn of the event loop when much of the text changes (a pasted cart of
# thousands of items): the window keeps answering while the new text goes in.
CHUNK_LINES = 3000


class PreviewView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payloadPreview")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)  # edits below would otherwise pile up an undo history
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = JsonHighlighter(self.document())
        self._text = ""  # exactly what the document holds
        self._target = ""  # what it is becoming (the same once the last chunk is in)
        self._pending: list[str] = []  # chunks still to insert, after block ``_after``
        self._done: list[str] = []
        self._after = 0
        self._head = self._tail = ""
        self._chunks = QTimer(self)
        self._chunks.setInterval(0)
        self._chunks.timeout.connect(self._insert_next)

    @property
    def target_text(self) -> str:
        """The text being shown (all of it may not be in yet, see ``CHUNK_LINES``)."""
        return self._target

    def show_text(self, text: str) -> None:
        """Show ``text``, replacing only the lines that changed: a one-cell edit in a large
        cart re-lays-out and re-highlights a line or two, not the whole request."""
        self._chunks.stop()
        self._pending = []
        self._target = text
        old = self._text
        if text == old:
            return
        # Colouring runs Python once per line: past the limit the text is shown plain.
        coloured = text.count("\n") < HIGHLIGHT_LIMIT
        if not coloured and self._highlighter.document() is not None:
            self._highlighter.setDocument(None)
        elif coloured and self._highlighter.document() is None:
            self._set_whole(text)
            self._highlighter.setDocument(self.document())
            return
        first, replaced, start, end = changed_lines(old, text)
        if replaced > CHUNK_LINES:
            # Most of the text goes: starting afresh is far cheaper than deleting it line by
            # line (18 ms against 120 ms for 85,000 lines).
            first, start, end = 0, 0, len(text)
        lines = text[start:end].split("\n")
        pieces = ["\n".join(lines[n : n + CHUNK_LINES]) for n in range(0, len(lines), CHUNK_LINES)]
        if replaced > CHUNK_LINES:
            super().setPlainText(pieces[0])
        else:
            document = self.document()
            cursor = QTextCursor(document.findBlockByNumber(first))
            last = document.findBlockByNumber(first + replaced - 1)
            end_of_last = last.position() + last.length() - 1
            cursor.setPosition(end_of_last, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(pieces[0])
        self._head, self._tail = text[:start], text[end:]
        self._done = [pieces[0]]
        self._after = first + pieces[0].count("\n")
        self._text = self._head + pieces[0] + self._tail
        self._pending = pieces[1:]
        if self._pending:
            self._chunks.start()

    def _insert_next(self) -> None:
        if not self._pending:
            self._chunks.stop()
            return
        piece = self._pending.pop(0)
        block = self.document().findBlockByNumber(self._after)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + block.length() - 1)
        cursor.insertText("\n" + piece)
        self._after += piece.count("\n") + 1
        self._done.append(piece)
        if not self._pending:
            self._chunks.stop()
            self._text = self._target
        else:
            self._text = self._head + "\n".join(self._done) + self._tail

    def _set_whole(self, text: str) -> None:
        self._text = self._target = text
        super().setPlainText(text)

    def setPlainText(self, text: str) -> None:
        self._chunks.stop()
        self._pending = []
        self._set_whole(text)
