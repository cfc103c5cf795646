"""How a size in bytes reads to a person: one way for caps, refusals and the response pane."""

from __future__ import annotations

__all__ = ["size_text"]

_UNITS = (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10))


def size_text(count: int) -> str:
    """ "512 B", "64 KB", "32.2 MB", "1.5 GB": binary units with one decimal, left out when it
    is 0, so a cap reads "64 MB" and a file just over it "64.2 MB" (not "64 MB, larger than the
    64 MB")."""
    for unit, scale in _UNITS:
        if count >= scale:
            return f"{f'{count / scale:.1f}'.removesuffix('.0')} {unit}"
    return f"{count} B"
