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


def test_the_log_rotates_and_every_file_is_the_users_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    import app.logs
    from app.logs import configure, log

    monkeypatch.setenv("CART_COMPOSER_HOME", str(tmp_path))
    monkeypatch.setattr(app.logs, "LOG_MAX_BYTES", 1000)
    before = list(log.handlers)
    configure("debug")
    try:
        for number in range(200):
            log.debug("line %d %s", number, "x" * 50)
    finally:
        for handler in [h for h in log.handlers if h not in before]:
            log.removeHandler(handler)
            handler.close()
        log.setLevel(logging.NOTSET)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"cart-composer.log{tail}" for tail in ("", ".1", ".2", ".3")]
    for path in tmp_path.iterdir():
        assert path.stat().st_size <= 1000
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "line 199 " in (tmp_path / "cart-composer.log").read_text(encoding="utf-8")
    assert "line 0 " not in (tmp_path / "cart-composer.log.3").read_text(encoding="utf-8")


def test_the_log_goes_where_the_platform_keeps_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_log_path

    from app.paths import HOME_ENV, data_dir, log_dir

    monkeypatch.delenv(HOME_ENV, raising=False)
    assert log_dir() == user_log_path("cart-composer", appauthor=False)
    assert log_dir() != data_dir()
