"""The app's own files on disk: private to the user, never written through a symlink, and never
read past a size cap or from something that is not a regular file.

- The data and config folders are created 0700 and the files the app keeps in them (the
  history and its -wal/-shm, the log, profiles.json, window.ini) 0600; existing ones with
  looser modes are tightened when opened. A second user on the machine reads none of them.
- A symlink where one of those files should be is refused, not followed: writing through it
  would write wherever it points.
- ``read_bounded`` reads a cart, scenario or profiles file: a FIFO or ``/dev/zero`` is refused
  at once, a file larger than the cap is refused before it is read.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from app.domain.errors import CartComposerError
from app.domain.sizes import size_text

__all__ = ["FileReadError", "private_dir", "private_file", "read_bounded"]

_POSIX = os.name == "posix"


class FileReadError(CartComposerError):
    """A file the app was asked to read could not be: the message says which and why."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing  # there is no such file (a first run, say)


def private_dir(path: Path) -> Path:
    """``path`` as a folder only the user can enter: created 0700 (with its parents), or
    tightened to 0700 when it exists with group or other access."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if _POSIX:
        mode = path.stat().st_mode
        if mode & 0o077:
            path.chmod(stat.S_IMODE(mode) & 0o700)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` is a regular file only the user can read, before anything writes to
    it: created empty 0600 if missing, tightened if looser. A symlink there is refused
    (``OSError``), so nothing is written wherever it points. Whether the file can be written
    is left to its writer to find out (and say)."""
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link; the app does not write through one")
    nofollow = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
    except FileExistsError:
        descriptor = os.open(path, os.O_RDONLY | nofollow)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        if _POSIX and info.st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # not ours, or immutable: not writable
                os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    return path


def read_bounded(path: Path, cap: int, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``cap`` bytes; else ``FileReadError``
    naming it and saying why (missing, a FIFO or device, too large, unreadable)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        # Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise FileReadError(f"There is no {what} at {path}.", missing=True) from None
    except IsADirectoryError:
        raise FileReadError(f"{path} is a folder, not a {what}.") from None
    except OSError as exc:
        raise FileReadError(f"{path}: the {what} cannot be read ({exc.strerror}).") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileReadError(f"{path} is a folder, not a {what}.")
        if not stat.S_ISREG(info.st_mode):
            kind = "a pipe" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise FileReadError(f"{path} is {kind}, not a {what}: give a regular file.")
        if info.st_size > cap:
            raise FileReadError(
                f"{path} is {size_text(info.st_size)}, larger than the {size_text(cap)} a "
                f"{what} may be: this is not a file for Cart Composer."
            )
        chunks: list[bytes] = []
        total = 0
        while True:  # a file still growing is cut at the cap too
            chunk = os.read(descriptor, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise FileReadError(
                    f"{path} is larger than the {size_text(cap)} a {what} may be: this is not a "
                    "file for Cart Composer."
                )
    except OSError as exc:
        raise FileReadError(f"{path}: the {what} cannot be read ({exc.strerror}).") from None
    finally:
        os.close(descriptor)
    return b"".join(chunks)
