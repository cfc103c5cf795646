"""The app's own files live inside the package (``app/resources``) and are found through its
resource reader; an installation that lacks one says which, on the command line and at the
window's start."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

import app
from app.domain.errors import CartComposerError, MissingResource
from app.paths import is_bundled, resource, resources_dir, sample_cart
from app.providers import loads_cart, provider_keys

PACKAGE = Path(app.__file__).resolve().parent


def test_the_resources_are_the_packages_own_folder() -> None:
    assert resources_dir() == Path(str(files("app") / "resources"))
    assert resources_dir().resolve() == PACKAGE / "resources"


def test_every_provider_ships_an_example_that_loads() -> None:
    for key in provider_keys():
        path = sample_cart(key)
        assert path.name == f"{key}-example.cart.json"
        assert loads_cart(path.read_bytes()).document.provider == key
        assert is_bundled(path)


def test_the_catalog_guide_and_scenarios_are_there() -> None:
    catalog = json.loads(resource("catalog.json").read_text(encoding="utf-8"))
    assert catalog["products"]
    assert resource("guide.md").read_text(encoding="utf-8").startswith("# ")
    shipped = sorted(p.name for p in resource("scenarios").glob("*.scenario.json"))
    assert len(shipped) == len(provider_keys())


def test_a_missing_resource_is_named() -> None:
    with pytest.raises(MissingResource) as caught:
        resource("samples", "nope-example.cart.json")
    assert isinstance(caught.value, CartComposerError)
    assert str(resources_dir() / "samples" / "nope-example.cart.json") in str(caught.value)


def _copy_without(tmp_path: Path, *missing: str) -> Path:
    """A copy of the package with some of its own files taken out, importable from the
    folder returned (before the editable install's path)."""
    root = tmp_path / "install"
    shutil.copytree(PACKAGE, root / "app", ignore=shutil.ignore_patterns("__pycache__"))
    for name in missing:
        (root / "app" / "resources" / name).unlink()
    return root


def _run(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "QT_QPA_PLATFORM": "offscreen",
        "CART_COMPOSER_HOME": str(home),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=60,
    )


def test_bulk_without_the_catalog_names_it(tmp_path: Path) -> None:
    root = _copy_without(tmp_path, "catalog.json")
    done = _run(root, tmp_path / "home", "bulk", "1", "--provider", "drip")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    expected = root / "app" / "resources" / "catalog.json"
    assert f"lacks one of its own files: {expected}." in done.stderr


def test_the_window_without_its_first_example_names_it(tmp_path: Path) -> None:
    first = provider_keys()[0]
    root = _copy_without(tmp_path, f"samples/{first}-example.cart.json")
    done = _run(root, tmp_path / "home", "gui", "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 2, done.stderr
    expected = root / "app" / "resources" / "samples" / f"{first}-example.cart.json"
    said = done.stderr.splitlines()[-1]  # after Qt's own notices, if any
    assert said.startswith(
        f"Cannot start: This installation of Cart Composer lacks one of its own files: {expected}."
    ), done.stderr
    assert not (tmp_path / "shot.png").exists()
