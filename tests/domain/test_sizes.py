"""Sizes read the same everywhere: a cap as "64 MB", a file just over it as "64.2 MB"."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.sizes import size_text
from app.files import FileReadError, read_bounded


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (64 * 1024, "64 KB"),
        (2 * 1024 * 1024, "2 MB"),
        (33_800_040, "32.2 MB"),
        (5 * (1 << 30), "5 GB"),
    ],
)
def test_a_size_has_one_decimal_unless_it_is_whole(count: int, text: str) -> None:
    assert size_text(count) == text


def test_a_file_just_over_its_cap_is_not_said_to_be_the_caps_size(tmp_path: Path) -> None:
    # Before: "… is 32 MB, larger than the 32 MB a request file may be" for 33,800,040 bytes.
    big = tmp_path / "big.har"
    with big.open("wb") as out:
        out.truncate(33_800_040)
    with pytest.raises(FileReadError) as caught:
        read_bounded(big, 32 * 1024 * 1024, "request file")
    assert str(caught.value) == (
        f"{big} is 32.2 MB, larger than the 32 MB a request file may be: this is not a file for "
        "Cart Composer."
    )
