"""Keyboard focus stays where the person put it. Disabling the focused widget makes Qt move
focus to the next one in the tab chain — often a form field, its text selected, so that the
next keystroke replaced an email address. A start/stop pair hands focus across instead."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

__all__ = ["switch"]


def switch(on: QWidget, off: QWidget) -> None:
    """Enable ``on`` and disable ``off``; if ``off`` had the focus, ``on`` takes it."""
    on.setEnabled(True)
    if off.hasFocus():
        on.setFocus(Qt.FocusReason.OtherFocusReason)
    off.setEnabled(False)
