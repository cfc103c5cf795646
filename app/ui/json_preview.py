"""The payload preview: the exact request text with light JSON syntax highlighting."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
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


class JsonHighlighter(QSyntaxHighlighter):
    """Keys, strings, numbers and literals in JSON; the request line and headers above it."""

    # Later rules win where they overlap: numbers first, so digits inside strings stay string-
    # coloured, and the request line last.
    _RULES = (
        (QRegularExpression(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])"),
         _format("#e65100")),
        (QRegularExpression(r"\b(?:true|false|null)\b"), _format("#ad1457")),
        (QRegularExpression(r'"(?:[^"\\]|\\.)*"'), _format("#2e7d32")),
        (QRegularExpression(r'"(?:[^"\\]|\\.)*"(?=\s*:)'), _format("#0d47a1", bold=True)),
        (QRegularExpression(r"^[A-Za-z-]+: .*$"), _format("#455a64")),
        (QRegularExpression(r"^[A-Za-z-]+(?=: )"), _format("#6a1b9a")),
        (QRegularExpression(r"^(GET|POST|PUT|DELETE|PATCH) \S+"), _format("#1565c0", bold=True)),
        (QRegularExpression(r"^#.*$"), _format("#c62828")),
    )  # fmt: skip

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self._RULES:
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
