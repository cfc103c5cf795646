"""What ships: the wheel and sdist the project's own backend builds, their metadata, and the lock
that every install and the bundle are made from."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import app

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "resources" / "packaging" / "requirements-lock.txt"


def _canonical(name: str) -> str:
    """A distribution name as the packaging specs compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed.extend(extra)
    pins = {}
    for requirement in listed:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement}: every dependency is pinned exactly"
        pins[_canonical(name)] = version
    return pins


def _locked() -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\\n]+)", LOCK.read_text(), re.M)
    return {_canonical(name): version for name, version in found}


def test_the_lock_holds_every_pin_at_its_version() -> None:
    """A pin changed in pyproject.toml without `bash resources/packaging/lock` fails here."""
    locked = _locked()
    for name, version in _pins().items():
        assert locked.get(name) == version, f"{name}=={version}: re-run resources/packaging/lock"


def test_every_locked_package_carries_its_hashes() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 2)[2])
    assert len(entries) == len(_locked()) > 30
    for entry in entries:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.splitlines()[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _shipped_resources() -> set[str]:
    folder = ROOT / "app" / "resources"
    return {
        p.relative_to(ROOT).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_wheel_is_the_package_with_its_resources_and_nothing_else(
    built: dict[str, Path],
) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
    info = f"cart_composer-{app.__version__}.dist-info"
    assert _shipped_resources() <= names
    assert {n.split("/")[0] for n in names} == {"app", info}
    # The README's screenshots are the repository's: the only pictures shipped are the icon's.
    pictures = [n for n in names if n.endswith(".png")]
    assert pictures == [n for n in pictures if n.startswith("app/resources/icons/")]
    assert not [n for n in names if n.endswith(".pyc") or "/tests/" in n]
    assert f"{info}/licenses/LICENSE" in names


def test_the_wheel_says_what_it_is(built: dict[str, Path]) -> None:
    info = f"cart_composer-{app.__version__}.dist-info"
    with zipfile.ZipFile(built["wheel"]) as wheel:
        metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert metadata["Name"] == "cart-composer"
    assert metadata["Version"] == app.__version__
    assert set(metadata["Requires-Python"].split(",")) == {">=3.11", "<3.15"}
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert metadata["Author"] == "The Cart Composer maintainers"
    assert "abandoned cart" in metadata["Keywords"]
    classifiers = metadata.get_all("Classifier")
    assert "Environment :: X11 Applications :: Qt" in classifiers
    assert "Programming Language :: Python :: 3.14" in classifiers
    requires = set(metadata.get_all("Requires-Dist"))
    assert {f"{name}=={v}" for name, v in _pins().items() if name == "httpx"} <= requires
    assert "[console_scripts]\ncart-composer = app.cli.main:main\n" in entry_points
    assert "[gui_scripts]\ncart-composer-gui = app.cli.main:gui_main\n" in entry_points


def test_the_sdist_has_the_sources_but_not_the_ci(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as sdist:
        names = {n.partition("/")[2] for n in sdist.getnames()}
    assert {"pyproject.toml", "README.md", "LICENSE", "app/cli/main.py"} <= names
    assert "resources/packaging/requirements-lock.txt" in names
    assert _shipped_resources() <= names
    assert not [n for n in names if n.startswith(".ci")]
