"""What a screen reader calls each of the window's controls: an accessible name (and, where the
control's purpose is not in its name, a description) for every widget that takes the focus and
shows no text of its own — combo boxes are otherwise read by their value ("created", "USD"),
tables and panes by nothing.

Widgets made once are named here by their object name (``NAMES``); those made per provider or
per answer name themselves where they are made (the form's field editors by their label, a
response view's parts by its title).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["NAMES", "name_widgets", "named"]

# object name → (accessible name, accessible description)
NAMES: dict[str, tuple[str, str]] = {
    "providerSelector": ("Provider", "Which API the cart is for"),
    "profileSelector": ("Profile", "Where the cart is sent, with which secrets"),
    "pages": ("Pages", "The composer, the history, journeys and bulk sends"),
    "cartTabs": ("Carts", "Each open cart in a tab of its own (Ctrl+Tab: the next)"),
    "bottomTabs": ("Answers", "The response, and the cart sent to several providers side by side"),
    "cartFormScroll": ("Cart form", "The cart's fields, by group"),
    "itemsTable": ("Line items", "One row an item; Enter or typing edits a cell"),
    "customScope": ("Custom attributes for", "The cart, or one of its items"),
    "customTable": ("Custom attributes", "Name, type and value of each custom attribute"),
    "payloadPreview": ("Request preview", "Exactly what Send puts on the wire"),
    "rawEditor": ("Raw JSON editor", "The cart's payload as JSON, applied when it parses"),
    "validationSummary": ("Problems", "What the API's rules say of the cart"),
    "historyProvider": ("History: provider", ""),
    "historyProfile": ("History: profile", ""),
    "historyOperation": ("History: operation", "Which operation of which provider"),
    "historySource": ("History: source", "The window, the command line, bulk or a journey"),
    "historyOutcome": ("History: outcome", ""),
    "historyPeriod": ("History: period", ""),
    "historyFrom": ("History: from date", "Days in UTC"),
    "historyTo": ("History: to date", "Days in UTC"),
    "historySearch": (
        "History: search",
        "Matches email, cart id, request id, bodies, provider, profile, operation and status",
    ),
    "historyTable": ("History", "Every request sent, newest first; a column header sorts"),
    "historyRequest": ("History: request of the chosen entry", ""),
    "historyResponse": ("History: response of the chosen entry", ""),
    "scenarioSamples": ("Shipped scenarios", "Open one of the scenarios the app ships"),
    "scenarioSteps": ("Scenario steps", "Each step in words; the chosen one's form is below"),
    "stepSetTable": ("Fields to set before the step", "A field's path and its value a row"),
    "stepJsonButton": ("Edit the step as JSON", ""),
    "scenarioSpeed": ("Speed", "Waits are divided by this"),
    "scenarioTimeline": (
        "Scenario timeline",
        "Each step as it runs: time, step, status, what it means, the cart",
    ),
    "bulkCount": ("Carts to send", ""),
    "bulkProvider": ("Bulk: provider", ""),
}


def announce(widget: QWidget, text: str) -> None:
    """Have a screen reader say ``text`` (politely: after what it is saying now) about
    ``widget``: an answer that came, the number of problems when it changes. The last one said
    is kept as the widget's ``announced`` property."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    widget.setProperty("announced", text)
    QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """``widget`` with its accessible name (and description)."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def name_widgets(root: QWidget) -> None:
    """Name every widget under ``root`` that ``NAMES`` knows by its object name."""
    for widget in root.findChildren(QWidget):
        found = NAMES.get(widget.objectName())
        if found is not None and not widget.accessibleName():
            named(widget, *found)
    # A field with a label (a form's row): named as the label reads, without its "&".
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and not buddy.accessibleName() and label.text().strip():
            buddy.setAccessibleName(label.text().replace("&", "").strip())
