"""Arbitrary text in every form field and in raw mode: never an exception, every problem a
per-field message, and nothing typed is lost from the draft."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.domain.fieldtext import parse_value
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker

nasty = st.text(max_size=60) | st.sampled_from(
    [
        "1e999999",
        "-0",
        "NaN",
        "Infinity",
        "\u0663\u066b\u0661\u0664",
        "\u0661\u0662\u0663",
        "😀" * 30,
        "\u202eevil",
        "\x00\x01\x1f",
        "x" * 10_000,
        "9" * 400,
        "16.990",
        " ",
        '{"a": 1}',
        "[1, 2",
        "null",
        "-1",
        "1.5.6",
    ]
)
json_trees = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)


@pytest.fixture(scope="module")
def window(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MainWindow]:
    import os

    from PySide6.QtWidgets import QApplication

    before = os.environ.get("CART_COMPOSER_HOME")
    os.environ["CART_COMPOSER_HOME"] = str(tmp_path_factory.mktemp("fuzz-home"))
    app = QApplication.instance() or QApplication([])
    assert app is not None
    created = create_main_window(asker=FakeAsker())
    yield created
    created.close()
    created.deleteLater()
    if before is None:
        os.environ.pop("CART_COMPOSER_HOME", None)
    else:
        os.environ["CART_COMPOSER_HOME"] = before


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "email",
                "person_id",
                "provider",
                "cart_id",
                "cart_url",
                "occurred_at",
                "grand_total",
                "total_discounts",
                "currency",
                "initial_status",
                "action",
            ]
        ),
        nasty,
        min_size=1,
        max_size=6,
    )
)
def test_any_text_in_any_field(qtbot: QtBot, window: MainWindow, values: dict[str, str]) -> None:
    session = window.session
    for name, text in values.items():
        editor = window.form.editors[name]
        session.set_field(name, parse_value(editor.spec.kind, text))
    session.refresh_now()
    validation = session.validation
    assert all(isinstance(m, str) and m for m in validation.errors.values())
    for name, text in values.items():
        kept = session.value(name)
        assert (kept is None) == (not text.strip())  # nothing typed is dropped
    assert window.preview.toPlainText()  # a preview (or why there is none) is always shown


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=nasty | json_trees.map(lambda v: jsonfmt.dumps(v)))
def test_any_text_in_raw_mode(qtbot: QtBot, window: MainWindow, text: str) -> None:
    session = window.session
    error, _ = session.apply_raw(text)
    if error is None:
        assert isinstance(jsonfmt.loads(text), dict)
    else:
        assert session.raw_error == error and isinstance(error, str)
    session.refresh_now()
    assert all(isinstance(m, str) for m in session.validation.errors.values())
    session.clear_raw()


def test_the_fixture_home_is_isolated(window: MainWindow) -> None:
    history = window.session.history
    assert history is not None and "fuzz-home" in str(Path(history.path).parent)
