"""The View menu: the window's pages, the theme (system, light, dark), the text size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from pytestqt.qtbot import QtBot

from app.ui import theme
from app.ui.main_window import MainWindow


def test_pages_are_reached_by_ctrl_and_their_number(qtbot: QtBot, window: MainWindow) -> None:
    keys = [act.shortcut().toString() for act in window.page_actions]
    assert keys == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    window.page_actions[1].trigger()
    assert window.pages.currentWidget() is window.history_view
    window.page_actions[2].trigger()
    assert window.pages.currentWidget() is window.journeys
    window.page_actions[0].trigger()
    assert window.pages.currentWidget() is window.composer_page
    # The tabs carry no Alt mnemonics: Alt+C, Alt+H and Alt+B are the Cart, Help and Sandbox
    # menus'.
    titles = [window.pages.tabText(n) for n in range(window.pages.count())]
    assert titles == ["Composer", "History", "Journeys", "Bulk"]


def test_at_1280_by_800_the_history_page_shows_fifteen_rows(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1272, 768)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1272, 768))
    window.page_actions[1].trigger()
    qtbot.wait(10)
    table = window.history_view.table
    rows = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    assert rows >= 15, rows


def test_dark_and_light_themes_repaint_everything_and_are_kept(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.settings is not None
    system = QPalette(QGuiApplication.palette())
    assert not theme.is_dark()  # offscreen Qt: a light system palette
    window.theme_actions["dark"].trigger()
    assert theme.is_dark() and window.theme_actions["dark"].isChecked()
    assert window.settings.value("view/theme") == "dark"
    base = window.preview.palette().color(QPalette.ColorRole.Base)
    assert base.name() == "#1f1f22"
    assert window.preview._highlighter.dark  # the JSON colours for a dark background
    # A label that means an error reads in the dark theme's red, set by the stylesheet.
    window.session.set_field("email", "not an email")
    window.session.refresh_now()
    error = window.form.editors["email"].error
    qtbot.waitUntil(error.isVisible)
    assert error.palette().color(QPalette.ColorRole.WindowText).name() == "#ef9a9a"
    assert 'QLabel[tone="error"] { color: #ef9a9a; }' in window.styleSheet()
    window.theme_actions["light"].trigger()
    assert not theme.is_dark() and not window.preview._highlighter.dark
    assert error.palette().color(QPalette.ColorRole.WindowText).name() == "#c62828"
    window.theme_actions["system"].trigger()
    assert QGuiApplication.palette() == system
    assert window.settings.value("view/theme") == "system"


def test_the_theme_and_text_size_come_back_on_the_next_start(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.settings is not None
    window.settings.setValue("view/theme", "dark")
    window.settings.setValue("view/zoom", "150")
    window.restore_state(window.settings)
    assert theme.current_theme() == "dark" and theme.current_zoom() == 150
    window.settings.setValue("view/zoom", "a lot")  # a hand-edited file: the usual size
    window.settings.setValue("view/theme", "sepia")
    theme.apply_zoom(100)
    window.restore_state(window.settings)
    assert theme.current_zoom() == 100 and theme.current_theme() == "dark"


def test_zoom_makes_the_text_larger_and_smaller_and_back(qtbot: QtBot, window: MainWindow) -> None:
    label = window.form.editors["email"].editor()
    usual = label.font().pointSizeF()
    window.zoom_in_action.trigger()
    window.zoom_in_action.trigger()
    assert theme.current_zoom() == 125
    assert label.font().pointSizeF() == round(usual * 1.25, 1)
    assert window.preview.font().pointSizeF() > usual  # the fixed-width panes as well
    assert window.statusBar().currentMessage() == "Text at 125%."
    for _ in range(12):
        window.zoom_out_action.trigger()
    assert theme.current_zoom() == 80  # the smallest there is
    window.zoom_reset_action.trigger()
    assert theme.current_zoom() == 100 and label.font().pointSizeF() == usual


def test_table_rows_grow_with_the_text(qtbot: QtBot, window: MainWindow) -> None:
    tables = (window.items_table, window.history_view.table, window.journeys.steps)
    before = [table.verticalHeader().defaultSectionSize() for table in tables]
    theme.apply_zoom(150)
    after = [table.verticalHeader().defaultSectionSize() for table in tables]
    for table, was, now in zip(tables, before, after, strict=True):
        assert now > was, table.objectName()
        assert now >= table.fontMetrics().height() + 6  # a line of text, never cut


def test_a_theme_change_leaves_the_cart_alone(qtbot: QtBot, window: MainWindow) -> None:
    # Repainting the raw editor's colours signals "text changed": it once applied the hidden
    # editor's empty text as the cart (then said as "JSON: Line 1, column 1: Expecting value").
    before = window.session.preview_text
    window.theme_actions["dark"].trigger()
    qtbot.wait(600)  # longer than the raw editor's pause before it applies what was typed
    assert window.session.raw_error is None
    assert window.session.preview_text == before
    window.raw_button.click()  # raw mode: the same with the editor shown
    window.theme_actions["light"].trigger()
    qtbot.wait(600)
    assert window.session.raw_error is None and window.session.preview_text == before


def test_an_empty_list_reads_not_sent(qtbot: QtBot, window: MainWindow) -> None:
    from app.paths import sample_cart

    editor = window.form.editors["initial_status"]  # Drip's: optional, empty in the sample
    combo = editor.combo
    assert combo is not None and not combo.isEditable()
    assert combo.currentIndex() == -1 and combo.placeholderText() == "not sent"
    combo.setCurrentIndex(combo.findText("active"))
    assert window.session.value("initial_status") == "active"
    combo.setCurrentIndex(0)  # the list's empty choice: left out, and shown so
    assert combo.currentIndex() == -1 and editor.text() == ""
    assert window.session.value("initial_status") is None
    assert window.open_cart(sample_cart("klaviyo"))
    # An editable list: its line says it.
    currency = window.form.editors["data.attributes.value_currency"].combo
    assert currency is not None and currency.lineEdit() is not None
    assert currency.lineEdit().placeholderText() == "not sent"


def test_the_cart_actions_button_looks_like_a_button_and_has_a_letter(
    qtbot: QtBot, window: MainWindow
) -> None:
    from app.paths import sample_cart

    assert window.open_cart(sample_cart("bronto"))
    button = window.cart_actions_button
    qtbot.waitUntil(button.isVisible, timeout=2000)  # the tool bar lays it out
    assert button.text() == "Cart &actions"
    assert not button.autoRaise()  # framed, not flat like a tool bar's icons
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    shown: list[bool] = []

    def close_menu() -> None:
        shown.append(button.menu().isVisible())
        button.menu().hide()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, close_menu)
    qtbot.keyClick(window, "a", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert shown == [True]


def test_presenter_mode_for_a_demo(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QCheckBox

    window.set_presenter(True, QRect(0, 0, 1280, 800))
    assert window.presenting and window.presenter_action.isChecked()
    assert theme.current_zoom() == 150  # as large as a 1280 x 800 screen has room for
    banner = window.presenter_banner
    assert banner.isVisible()
    assert banner.text() == "Presenting · <b>Sandbox · Drip</b> · Drip, the built-in sandbox"
    window.choose_provider("bronto")  # its profile too: the banner follows
    assert "Sandbox · Bronto" in banner.text()
    dialog = window.profiles_dialog()
    reveal = dialog.findChild(QCheckBox, "revealSecrets")
    assert reveal is not None and not reveal.isEnabled()  # no secret in plain sight
    dialog.deleteLater()
    window.presenter_action.trigger()
    assert not window.presenting and theme.current_zoom() == 100  # the size before
    assert not banner.isVisible()
    # On a 1024 x 700 laptop, a size that still fits it.
    window.set_presenter(True, QRect(0, 0, 1024, 700))
    assert 100 < theme.current_zoom() < 150
    hint = window.minimumSizeHint()
    assert hint.width() <= 1016 and hint.height() <= 668, hint
    window.set_presenter(False)
    assert theme.current_zoom() == 100
    dialog = window.profiles_dialog()
    reveal = dialog.findChild(QCheckBox, "revealSecrets")
    assert reveal is not None and reveal.isEnabled()
    dialog.deleteLater()


def test_the_form_editors_line_up_across_groups(qtbot: QtBot, window: MainWindow) -> None:
    from app.paths import sample_cart
    from app.providers import providers

    for key in providers():
        assert window.open_cart(sample_cart(key))
        qtbot.wait(10)
        lefts = {
            editor.editor().mapTo(window.form, editor.editor().rect().topLeft()).x()
            for editor in window.form.editors.values()
            if editor.isVisibleTo(window.form)
        }
        assert len(lefts) == 1, (key, sorted(lefts))


def test_only_the_page_in_view_sets_the_windows_smallest_size(
    qtbot: QtBot, window: MainWindow
) -> None:
    # A page out of view may hold sizes measured at another text size (under X a journey's
    # page measured at 150% stayed 1,100 pixels wide back at 100%): it must not widen the
    # window. Here a page out of view is made that wide on purpose.
    from PySide6.QtWidgets import QLabel

    wide = QLabel("W" * 300)
    window.journeys.bulk_panel.layout().addWidget(wide)
    assert wide.minimumSizeHint().width() > 2000
    window.show_page(window.composer_page)
    qtbot.wait(10)
    assert window.minimumSizeHint().width() <= 1016
    window.show_page(window.journeys.bulk_panel)
    # In view, it counts (once the layout has caught up).
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() > 2000, timeout=3000)
    window.show_page(window.history_view)
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= 1016, timeout=3000)


def test_the_request_title_gives_way_to_its_short_form_where_it_does_not_fit(
    qtbot: QtBot, window: MainWindow
) -> None:
    title = window.request_panel.title
    window.resize(1272, 768)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1272, 768))
    main = window.tab.splitters[0]
    main.setSizes([400, 870])  # the request side wide: the whole title fits
    qtbot.waitUntil(lambda: title.width() >= title.whole_width(), timeout=2000)
    assert title.text() == "<b>Request</b> — exactly what Send puts on the wire"
    assert title.toolTip() == ""
    main.setSizes([900, 370])  # the request side narrow: the whole title would be cut
    qtbot.waitUntil(lambda: title.text() == "<b>Request</b>", timeout=2000)
    assert title.toolTip() == "Request — exactly what Send puts on the wire"
    assert title.whole_width() > title.width()
