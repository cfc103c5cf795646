"""The bundle's Qt run-time hook, in place of PyInstaller's own for PySide6: that one imports
QtCore at every start (to embed a qt.conf), which every command would pay for although only the
window uses Qt. This sets the same plugin path and library paths without importing Qt; the
bundle's smoke test checks that the window still draws, offscreen and on X11."""

import os
import sys


def _qt_paths() -> None:
    base = sys._MEIPASS  # type: ignore[attr-defined]  # the bundle's _internal folder
    qt = (
        os.path.join(base, "PySide6")
        if sys.platform == "win32"
        else os.path.join(base, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    if sys.platform == "win32":
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")
    elif sys.platform == "darwin" and not base.endswith("/Contents/Frameworks"):
        old = os.environ.get("DYLD_LIBRARY_PATH")
        os.environ["DYLD_LIBRARY_PATH"] = base + (os.pathsep + old if old else "")


_qt_paths()
del _qt_paths
