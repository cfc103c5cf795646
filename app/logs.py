"""The app's log: off unless asked for, never holding a secret.

``CART_COMPOSER_LOG=debug`` (or info, warning) writes to standard error and to
``cart-composer.log`` in the platform's log folder (``app.paths.log_dir``), rotated at 2 MiB with
three older files kept. Messages are written so that they carry no secret (the
request's headers are logged masked); as a second line of defence every secret the app reads
from the store or the environment, and every token it obtains, is registered here and replaced
by the mask in any record that would still contain it.
"""

from __future__ import annotations

import logging
import os
import threading

from app.domain.redaction import MASK

__all__ = [
    "ENV_LEVEL",
    "LOG_FILE",
    "SecretFilter",
    "configure",
    "log",
    "mask_secrets",
    "mask_secrets_in",
    "register_secret",
]

ENV_LEVEL = "CART_COMPOSER_LOG"
LOG_FILE = "cart-composer.log"
# A debug log of a long session stays a few megabytes: the newest file and three before it.
LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 3

log = logging.getLogger("cart_composer")

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that no log record can show it."""
    if value and len(value) >= 4:  # shorter values would mask ordinary words
        with _lock:
            _secrets.add(value)


def _known() -> list[str]:
    with _lock:
        return sorted(_secrets, key=len, reverse=True)  # a longer secret before its parts


def mask_secrets(text: str) -> str:
    """``text`` with every registered secret replaced by the mask: for messages built from an
    exception or a server's words, which may carry a header value or echo a token."""
    for secret in _known():
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_secrets_in(data: bytes) -> bytes:
    """The same for bytes (a body a server sent back, before it is recorded)."""
    for secret in _known():
        raw = secret.encode("utf-8", errors="replace")
        if raw in data:
            data = data.replace(raw, MASK.encode("utf-8"))
    return data


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        text = record.getMessage()
        masked = mask_secrets(text)
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
    import io
    from logging.handlers import RotatingFileHandler  # here: it loads socket, pickle, queue
    from pathlib import Path

    from app.files import private_dir, private_file
    from app.paths import log_dir

    class PrivateRotatingFile(RotatingFileHandler):
        """A rotating log whose every file, the first and each one begun at a rollover, is
        the user's alone (0600) and never written through a symlink put in its place."""

        def _open(self) -> io.TextIOWrapper:
            private_file(Path(self.baseFilename))
            return super()._open()

    folder = private_dir(log_dir())
    handler: logging.Handler = PrivateRotatingFile(
        folder / LOG_FILE, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for target in (handler, logging.StreamHandler()):
        target.setFormatter(formatter)
        target.addFilter(SecretFilter())
        log.addHandler(target)
    log.setLevel(numeric)
    log.debug("logging at %s to %s", name.lower(), folder / LOG_FILE)
    return handler
