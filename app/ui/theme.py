"""Light, dark, or the system's: the palette, the colours that carry meaning (an error's red, a
success's green) in a shade readable on it, and the text size.

Qt's own colour scheme request (``QStyleHints.setColorScheme``, Qt 6.8) is made where the
platform honours it (Windows, macOS, GNOME); the palette is set as well, for the platforms and
styles that do not (Fusion on a bare X server). Widgets that paint their own colours follow
``notifier().changed``."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = [
    "THEMES",
    "ZOOMS",
    "apply_theme",
    "apply_zoom",
    "current_theme",
    "current_zoom",
    "is_dark",
    "notifier",
    "set_box",
    "set_tone",
    "stylesheet",
    "tone",
]

THEMES = {"system": "&Follow the system", "light": "&Light", "dark": "&Dark"}
# Text sizes, as a share of the system's (View → Zoom).
ZOOMS = (80, 90, 100, 110, 125, 150, 175, 200)

# Each meaning's colour on a light background and on a dark one (WCAG AA for text on both).
_TONES = {
    "error": ("#c62828", "#ef9a9a"),
    "ok": ("#2e7d32", "#a5d6a7"),
    "warn": ("#e65100", "#ffb74d"),
    "info": ("#1565c0", "#90caf9"),
    "muted": ("#6b6b6b", "#a0a0a0"),
    "neutral": ("#6d4c41", "#bcaaa4"),
}
# A notice's box: background and text.
_NOTICE = {False: ("#fff3e0", "#3e2723"), True: ("#4a3411", "#ffe0b2")}
_SAFE = {False: ("#e8f5e9", "#1b3a1f"), True: ("#1c3a24", "#c8e6c9")}

_DARK_ROLES = {
    QPalette.ColorRole.Window: "#2b2b2e",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#1f1f22",
    QPalette.ColorRole.AlternateBase: "#2a2a2e",
    QPalette.ColorRole.ToolTipBase: "#3a3a3e",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#38383c",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ff8a80",
    QPalette.ColorRole.Light: "#4a4a4f",
    QPalette.ColorRole.Midlight: "#404045",
    QPalette.ColorRole.Mid: "#2f2f33",
    QPalette.ColorRole.Dark: "#1a1a1c",
    QPalette.ColorRole.Shadow: "#0d0d0e",
    QPalette.ColorRole.Highlight: "#3d6fd1",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
}
_DARK_DISABLED = "#7c7c80"


class _Notifier(QObject):
    changed = Signal()  # the palette or the text size changed


_state: dict[str, object] = {"theme": "system", "zoom": 100}


def notifier() -> _Notifier:
    """One per application: parented to it, so it goes when the application goes."""
    app = QApplication.instance()
    found = app.findChild(_Notifier, "themeNotifier") if app is not None else None
    if found is None:
        found = _Notifier(app)
        found.setObjectName("themeNotifier")
    return found


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette paints light text on a dark base."""
    palette = palette or QGuiApplication.palette()
    base = palette.color(QPalette.ColorRole.Base).lightness()
    return base < palette.color(QPalette.ColorRole.Text).lightness()


def tone(name: str, dark: bool | None = None) -> str:
    """The colour that means ``name`` (error, ok, warn, info, muted, neutral) on the current
    palette (or on a dark or light one)."""
    light_colour, dark_colour = _TONES[name]
    return dark_colour if (is_dark() if dark is None else dark) else light_colour


def _restyle(widget: QWidget, name: str, value: object) -> None:
    """Set the property the stylesheet selects on, and have Qt work its style out again."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_tone(widget: QWidget, name: str | None) -> None:
    """Colour a label's text by what it means; the stylesheet keeps it right in any theme."""
    _restyle(widget, "tone", name or "")


def set_box(widget: QWidget, kind: str) -> None:
    """A label as a box: ``notice`` (something to know) or ``safe`` (all is well)."""
    _restyle(widget, "box", kind)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """An editor's red border (what it holds is wrong), or none. Only a change restyles: the
    Profiles dialog asks for each URL editor at every keystroke."""
    if widget.property("invalid") is not invalid:
        _restyle(widget, "invalid", invalid)


def stylesheet(dark: bool | None = None) -> str:
    """The window's stylesheet for the palette: invalid fields' red border, toned labels,
    notice boxes, and the zoomed text size."""
    dark = is_dark() if dark is None else dark
    rules = [
        f'QLineEdit[invalid="true"], QComboBox[invalid="true"] '
        f"{{ border: 1px solid {tone('error', dark)}; }}",
        *(f'QLabel[tone="{name}"] {{ color: {tone(name, dark)}; }}' for name in _TONES),
    ]
    for kind, (background, text) in (("notice", _NOTICE[dark]), ("safe", _SAFE[dark])):
        rules.append(
            f'QLabel[box="{kind}"] {{ background: {background}; color: {text}; '
            "padding: 6px; border-radius: 4px; }"
        )
    zoom = int(str(_state["zoom"]))
    if zoom != 100:
        size = QGuiApplication.font().pointSizeF() * zoom / 100
        rules.append(f"QWidget {{ font-size: {size:.1f}pt; }}")
    return "\n".join(rules)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK_ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DARK_DISABLED))
    return palette


def current_theme() -> str:
    return str(_state["theme"])


def current_zoom() -> int:
    return int(str(_state["zoom"]))


def apply_theme(name: str) -> None:
    """Follow the system (``system``), or paint ``light`` or ``dark`` whatever it says."""
    if name not in THEMES:
        raise ValueError(f"no theme {name!r}: one of {', '.join(THEMES)}")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if "system_palette" not in _state:
        _state["system_palette"] = QPalette(app.palette())
    hints = app.styleHints()
    if name == "system":
        hints.unsetColorScheme()
        palette = _state["system_palette"]
    else:
        scheme = Qt.ColorScheme.Dark if name == "dark" else Qt.ColorScheme.Light
        hints.setColorScheme(scheme)
        palette = _dark_palette() if name == "dark" else app.style().standardPalette()
    assert isinstance(palette, QPalette)
    _state["theme"] = name
    app.setPalette(palette)
    notifier().changed.emit()


def apply_zoom(percent: int) -> None:
    """Text at ``percent`` of the system's size (the nearest of ZOOMS)."""
    nearest = min(ZOOMS, key=lambda z: abs(z - percent))
    if nearest != _state["zoom"]:
        _state["zoom"] = nearest
        notifier().changed.emit()
