"""Who is still sending: each open history store holds a lock on a file of its own, named by a
token its pending rows carry. A pending row whose owner's lock can be taken belongs to a
process (or a window) that is gone: a crash or a kill, and only then is the row "interrupted".
The operating system lets go of the lock when the process dies, however it dies; a pid could
be reused, a lock cannot be faked.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path

__all__ = ["OwnerLock", "forget", "is_alive", "sweep"]

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        # flock: held per open file, so a second store in the same process conflicts too.
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)


_FLAGS = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _path(folder: Path, token: str) -> Path:
    return folder / f"{token}.lock"


class OwnerLock:
    """This store's claim on its pending rows, held until ``release()`` or the process ends."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(mode=0o700, exist_ok=True)
        self.folder = folder
        self.token = secrets.token_hex(12)
        self._descriptor: int | None = os.open(
            _path(folder, self.token), _FLAGS | os.O_CREAT | os.O_EXCL, 0o600
        )
        if not _try_lock(self._descriptor):  # pragma: no cover - a fresh file is never locked
            raise OSError("could not lock a new owner file")

    def release(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        with contextlib.suppress(OSError):
            _path(self.folder, self.token).unlink()
        _unlock(descriptor)
        os.close(descriptor)


def is_alive(folder: Path, token: str) -> bool:
    """Whether the owner ``token`` still holds its lock (its store is open somewhere)."""
    if not token or not token.isalnum():
        return False
    try:
        descriptor = os.open(_path(folder, token), _FLAGS)
    except OSError:
        return False  # no lock file: its owner released it, or never made one
    try:
        if _try_lock(descriptor):
            _unlock(descriptor)
            return False
        return True
    finally:
        os.close(descriptor)


def sweep(folder: Path, keep: str | None = None) -> None:
    """Remove the lock files of owners that are gone (a process that ended without closing its
    store leaves one), so the folder does not grow run after run."""
    try:
        names = [p.name for p in folder.iterdir() if p.suffix == ".lock"]
    except OSError:
        return
    for name in names:
        token = name[: -len(".lock")]
        if token != keep and not is_alive(folder, token):
            forget(folder, token)


def forget(folder: Path, token: str) -> None:
    """Remove a gone owner's lock file (its rows have been marked)."""
    if token and token.isalnum():
        with contextlib.suppress(OSError):
            _path(folder, token).unlink()
