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

    # Later rules win where they overlap: numbers first, so digits inside strings stay string-
    # coloured, and the request line last.
    _PATTERNS = (
        QRegularExpression(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])"),
        QRegularExpression(r"\b(?:true|false|null)\b"),
        QRegularExpression(r'"(?:[^"\\]|\\.)*"'),
        QRegularExpression(r'"(?:[^"\\]|\\.)*"(?=\s*:)'),
        QRegularExpression(r"^[A-Za-z-]+: .*$"),
        QRegularExpression(r"^[A-Za-z-]+(?=: )"),
        QRegularExpression(r"^(GET|POST|PUT|DELETE|PATCH) \S+"),
        QRegularExpression(r"^#.*$"),
    )
    _BOLD = (False, False, False, True, False, False, True, False)

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        colours = _DARK if _dark_palette() else _LIGHT
        self.dark = colours is _DARK
        self._rules = [
            (pattern, _format(colour, bold))
            for pattern, colour, bold in zip(self._PATTERNS, colours, self._BOLD, strict=True)
        ]

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)


class PreviewView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payloadPreview")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = JsonHighlighter(self.document())

    def show_text(self, text: str) -> None:
        if text == self.toPlainText():
            return
        bar = self.verticalScrollBar()
        position = bar.value()
        self.setPlainText(text)
        bar.setValue(position)  # keep the reader's place while they type
