"""The main window. For now a placeholder showing the bundled sample cart's request."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    """Title, a short word on what is coming, and the exact request of the sample Drip cart."""

    def __init__(self, preview_text: str, preview_caption: str) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Cart Composer")
        self.resize(960, 640)

        heading = QLabel("Cart Composer")
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        heading.setFont(font)

        intro = QLabel(
            "Compose a shopping-cart event for Drip or Bronto, preview the exact request, "
            "and send it. The composer form arrives in the next version; below is the request "
            "the bundled sample cart makes."
        )
        intro.setWordWrap(True)

        caption = QLabel(preview_caption)
        caption.setObjectName("previewCaption")

        preview = QPlainTextEdit()
        preview.setObjectName("payloadPreview")
        preview.setReadOnly(True)
        preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        preview.setPlainText(preview_text)
        self.preview = preview

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(caption)
        layout.addWidget(preview, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage("Ready")
