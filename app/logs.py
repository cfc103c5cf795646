"""The app's log: off unless asked for, never holding a secret.

``CART_COMPOSER_LOG=debug`` (or info, warning) writes to standard error and to
``cart-composer.log`` in the data folder. Messages are written so that they carry no secret (the
request's headers are logged masked); as a second line of defence every secret the app reads
from the store or the environment, and every token it obtains, is registered here and replaced
by the mask in any record that would still contain it.
"""

from __future__ import annotations

import logging
import os
import threading

from app.domain.redaction import MASK

__all__ = ["ENV_LEVEL", "LOG_FILE", "SecretFilter", "configure", "log", "register_secret"]

ENV_LEVEL = "CART_COMPOSER_LOG"
LOG_FILE = "cart-composer.log"

log = logging.getLogger("cart_composer")

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that no log record can show it."""
    if value and len(value) >= 4:  # shorter values would mask ordinary words
        with _lock:
            _secrets.add(value)


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        with _lock:
            known = sorted(_secrets, key=len, reverse=True)
        if not known:
            return True
        text = record.getMessage()
        masked = text
        for secret in known:
            masked = masked.replace(secret, MASK)
        if masked != text:
            record.msg, record.args = masked, None
        return True


def configure(level: str | None = None) -> logging.Handler | None:
    """Start logging at ``level`` (default: the CART_COMPOSER_LOG variable); None when off."""
    name = (level or os.environ.get(ENV_LEVEL, "")).strip().upper()
    if not name:
        return None
    numeric = logging.getLevelName(name)
    if not isinstance(numeric, int):
        raise ValueError(f"{ENV_LEVEL}={name.lower()}: use debug, info, warning or error.")
    from app.paths import data_dir

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler: logging.Handler = logging.FileHandler(folder / LOG_FILE, encoding="utf-8")
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for target in (handler, logging.StreamHandler()):
        target.setFormatter(formatter)
        target.addFilter(SecretFilter())
        log.addHandler(target)
    log.setLevel(numeric)
    log.debug("logging at %s to %s", name.lower(), folder / LOG_FILE)
    return handler
