"""The bundle's one entry script, behind both of its programs: ``cart-composer`` (a console
program: the command line, and the window when run with no arguments) and
``cart-composer-gui`` (built without a console on Windows: the window, as the desktop file and
the Start menu open it). Which one ran is read from the program's own name."""

import sys
from pathlib import Path

from app.cli.main import gui_main, main

if __name__ == "__main__":
    gui = Path(sys.executable).stem.lower().endswith("-gui")
    raise SystemExit(gui_main() if gui else main())
