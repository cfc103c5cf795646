"""The core and the command line never import Qt: they must work on a machine with no display."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "app.domain",
    "app.providers",
    "app.paths",
    "app.cli.main",
    "app.sandbox",
    "app.transport",
    "app.profiles",
    "app.secrets",
    "app.history",
    "app.history.export",
    "app.cli.history",
    "app.scenarios",
    "app.cli.scenarios",
    "app.providers.bronto.lifecycle",
    "app.service.session",
]


@pytest.mark.parametrize("module", CORE)
def test_importing_the_core_does_not_import_pyside6(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "import app.domain.jsonfmt, app.domain.rules, app.domain.validation; "
        "import app.providers.drip.models, app.providers.bronto.models; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_headless_command_runs_without_qt() -> None:
    code = (
        "import sys; from app.cli.main import main; from app.paths import sample_cart; "
        "rc = main(['validate', str(sample_cart('drip'))]); "
        "assert 'PySide6' not in sys.modules; raise SystemExit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
