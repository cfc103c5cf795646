"""What every command shares: exit codes and the error that carries one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from app.domain.errors import CartComposerError

__all__ = [
    "EXIT_HTTP",
    "EXIT_INVALID",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_SECRETS",
    "SANDBOX_PORT",
    "STANDALONE_SANDBOX",
    "CliError",
    "is_stdio",
    "read_text",
    "write_output",
]

EXIT_OK = 0
EXIT_HTTP = 1  # the server answered with an error status
EXIT_INVALID = 2  # invalid input: nothing was sent
EXIT_NETWORK = 3  # no usable answer (DNS, refused, timeout, TLS, dropped, malformed)
EXIT_SECRETS = 4  # secrets missing or the keyring unavailable

# Where `cart-composer sandbox` listens by default, and so where previews and cURL exports of a
# sandbox profile point (the embedded sandbox's port changes with every run).
SANDBOX_PORT = 8765
STANDALONE_SANDBOX = f"http://127.0.0.1:{SANDBOX_PORT}"


class CliError(CartComposerError):
    """A failure to report on stderr and exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def is_stdio(path: Path | str | None) -> bool:
    """Whether a file argument is ``-`` (standard input or output), the convention of the
    tools people script with."""
    return path is not None and str(path) == "-"


def write_output(target: Path | None, text: str, out: TextIO) -> None:
    """``text`` to ``target``, or to ``out`` when there is none or it is ``-``; a file is
    written whole or not at all (a temporary file renamed over it)."""
    import tempfile  # only when a file is written: not at every command's start

    if target is None or is_stdio(target):
        out.write(text)
        return
    folder = target.parent if str(target.parent) else Path(".")
    temporary = ""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise CliError(f"{target} could not be written: {exc.strerror}.", EXIT_INVALID) from None


def read_text(source: str, cap: int, what: str) -> str:
    """The text of ``source`` (a path, or ``-`` for standard input), at most ``cap`` bytes."""
    from app.files import FileReadError, read_bounded

    if source == "-":
        data = sys.stdin.buffer.read(cap + 1)
        if len(data) > cap:
            raise CliError(
                f"Standard input holds more than {cap:,} bytes: not a {what}.", EXIT_INVALID
            )
    else:
        try:
            data = read_bounded(Path(source), cap, what)
        except FileReadError as exc:
            raise CliError(str(exc), EXIT_INVALID) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        place = "standard input" if source == "-" else source
        raise CliError(f"{place} is not UTF-8 text (byte {exc.start}).", EXIT_INVALID) from None
