"""The preview replaces only the lines that changed, and always ends up showing exactly the new
text (emoji and other characters Qt counts twice included)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from app.ui.json_preview import PreviewView, changed_lines

lines = st.lists(st.sampled_from(["{", "}", '  "a": 1,', '  "é": "😀"', "", "x", "  ]"]),
                 max_size=30)  # fmt: skip


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
