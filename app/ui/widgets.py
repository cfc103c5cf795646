"""Small widget helpers the window's panels share."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

__all__ = ["button"]


def button(text: str, name: str, tip: str) -> QPushButton:
    """A push button with its object name (tests and style sheets find it by that) and tip."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.setToolTip(tip)
    return made
