"""The preview replaces only the lines that changed, and always ends up showing exactly the new
text (emoji and other characters Qt counts twice included)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from app.ui.json_preview import CHUNK_LINES, PreviewView, changed_lines

lines = st.lists(
    st.sampled_from(["{", "}", '  "a": 1,', '  "é": "😀"', "", "x", "  ]"]), max_size=30
)


@given(old=lines, new=lines)
def test_the_changed_lines_turn_the_old_text_into_the_new(old: list[str], new: list[str]) -> None:
    before, after = "\n".join(old), "\n".join(new)
    first, replaced, start, end = changed_lines(before, after)
    kept = before.split("\n")
    assert "\n".join([*kept[:first], after[start:end], *kept[first + replaced :]]) == after


def test_a_one_character_edit_in_a_big_text_replaces_one_line() -> None:
    before = "\n".join(f'    "price": {n}.00,' for n in range(20_000))
    after = before.replace('"price": 12345.00', '"price": 12345.50')
    first, replaced, start, end = changed_lines(before, after)
    assert (first, replaced) == (12345, 1)
    assert after[start:end] == '    "price": 12345.50,'


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(lines, min_size=1, max_size=5))
def test_the_view_shows_each_new_text_exactly(qtbot: QtBot, texts: list[list[str]]) -> None:
    view = PreviewView()
    qtbot.addWidget(view)
    for text in texts:
        view.show_text("\n".join(text))
        assert view.toPlainText() == "\n".join(text)


def test_keys_and_numbers_are_coloured_where_they_are_even_after_an_emoji(qtbot: QtBot) -> None:
    view = PreviewView()
    qtbot.addWidget(view)
    view.show_text('POST http://x/y\nAuthorization: Basic ••••••••\n\n{"é😀": 16.99, "b": true}')
    formats = view._highlighter._formats

    def spans(line: int) -> list[tuple[int, int, str]]:
        layout = view.document().findBlockByNumber(line).layout()
        named = {fmt.foreground().color().name(): name for name, fmt in formats.items()}
        return [
            (r.start, r.length, named.get(r.format.foreground().color().name(), "?"))
            for r in layout.formats()
        ]

    # Qt counts the emoji as two units: the key is 5 units long, the number starts at 8.
    assert spans(3) == [(1, 5, "key"), (8, 5, "number"), (15, 3, "key"), (20, 4, "literal")]
    assert spans(0) == [(0, 15, "request")]
    assert sorted(spans(1)) == [(0, 13, "hname"), (13, 16, "hvalue")]


def test_a_huge_change_goes_in_by_chunks_and_a_newer_text_wins(qtbot: QtBot) -> None:
    view = PreviewView()
    qtbot.addWidget(view)
    view.show_text("{\n}")
    huge = "\n".join(f"  line {n}" for n in range(3 * CHUNK_LINES + 5))
    view.show_text(huge)
    assert view.target_text == huge
    assert view.toPlainText() != huge  # only the first chunk is in so far
    qtbot.waitUntil(lambda: view.toPlainText() == huge, timeout=10_000)
    view.show_text(huge + "\nmore")  # the usual small change: at once
    assert view.toPlainText() == huge + "\nmore"
    other = "\n".join(f"  other {n}" for n in range(2 * CHUNK_LINES))
    view.show_text(other)
    view.show_text("short")  # arrives before the chunks of ``other`` are all in
    qtbot.wait(50)
    assert view.toPlainText() == "short"
