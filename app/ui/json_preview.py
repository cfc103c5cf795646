"""The payload preview: the exact request text with light JSON syntax highlighting."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
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

__all__ = ["JsonHighlighter", "PreviewView"]


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
    # it, and the request line and headers before anything inside them.
    _PATTERN = QRegularExpression(
        r"(?<comment>^#.*$)"
        r"|(?<request>^(?:GET|POST|PUT|DELETE|PATCH) \S+)"
        r"|(?<hname>^[A-Za-z-]+(?=: ))"
        r"|(?<key>\"(?:[^\"\\]|\\.)*\"(?=\s*:))"
        r"|(?<string>\"(?:[^\"\\]|\\.)*\")"
        r"|(?<literal>\b(?:true|false|null)\b)"
        r"|(?<number>(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))"
    )
    _GROUPS = ("number", "literal", "string", "key", "hvalue", "hname", "request", "comment")
    _BOLD = (False, False, False, True, False, False, True, False)

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        colours = _DARK if _dark_palette() else _LIGHT
        self.dark = colours is _DARK
        self._formats = {
            group: _format(colour, bold)
            for group, colour, bold in zip(self._GROUPS, colours, self._BOLD, strict=True)
        }

    def highlightBlock(self, text: str) -> None:
        if ": " in text and not text.startswith((" ", "{", "}", "[", "]", '"')):
            # A header line: the value in its own colour, then the name over it.
            self.setFormat(0, len(text), self._formats["hvalue"])
        matches = self._PATTERN.globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            for group in ("comment", "request", "hname", "key", "string", "literal", "number"):
                if match.capturedStart(group) >= 0:
                    self.setFormat(
                        match.capturedStart(group),
                        match.capturedLength(group),
                        self._formats[group],
                    )
                    break


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


class PreviewView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payloadPreview")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)  # edits below would otherwise pile up an undo history
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = JsonHighlighter(self.document())
        self._text = ""

    def show_text(self, text: str) -> None:
        """Show ``text``, replacing only the lines that changed: a one-cell edit in a large
        cart re-lays-out and re-highlights a line or two, not the whole request."""
        old = self._text
        if text == old:
            return
        self._text = text
        if not old:
            self.setPlainText(text)
            return
        first, replaced, start, end = changed_lines(old, text)
        document = self.document()
        cursor = QTextCursor(document.findBlockByNumber(first))
        last = document.findBlockByNumber(first + replaced - 1)
        cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text[start:end])

    def setPlainText(self, text: str) -> None:
        self._text = text
        super().setPlainText(text)
