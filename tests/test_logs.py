"""The log: off by default, on with CART_COMPOSER_LOG, and a secret that reaches a message is
masked there."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.logs import SecretFilter, register_secret
from app.paths import sample_cart


def test_a_registered_secret_is_masked_in_any_record() -> None:
    register_secret("s3cr3t-value-for-filter")
    args = ("s3cr3t-value-for-filter", "x")
    record = logging.LogRecord(
        "cart_composer", logging.DEBUG, __file__, 1, "token %s in %s", args, None
    )
    assert SecretFilter().filter(record)
    assert record.getMessage() == "token •••••••• in x"


@pytest.mark.parametrize("level", ["", "debug"])
def test_the_log_is_written_only_when_asked(tmp_path: Path, level: str) -> None:
    env = {**os.environ, "CART_COMPOSER_HOME": str(tmp_path), "CART_COMPOSER_LOG": level}
    done = subprocess.run(
        [sys.executable, "-m", "app", "validate", str(sample_cart("drip"))],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cart-composer.log").exists() == bool(level)


def test_an_unknown_level_is_explained(tmp_path: Path) -> None:
    env = {**os.environ, "CART_COMPOSER_HOME": str(tmp_path), "CART_COMPOSER_LOG": "chatty"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "profiles", "list"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2
    assert "CART_COMPOSER_LOG=chatty: use debug, info, warning or error." in done.stderr
