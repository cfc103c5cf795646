"""Whether a secret can travel in an HTTP header as it is. Pure: the secret store, the sender
and the token reader all check with it, and none of them shows the secret."""

from __future__ import annotations

import unicodedata

from app.domain.errors import SecretValueError

__all__ = ["TOKEN_ENDPOINT", "TYPED", "check_secret"]

# Where a secret came from, for the message: typed into a field, or a token endpoint's answer
# (an environment variable is named by itself, "$NAME"; anything else was stored).
TYPED = "what was typed"
TOKEN_ENDPOINT = "token endpoint"  # said as "Bronto's token endpoint"
_NAMED = {"\r": "a carriage return (CR)", "\n": "a line break (LF)", "\t": "a tab"}


def check_secret(label: str, value: str, source: str) -> str:
    """``value``, if it can travel in an HTTP header; else ``SecretValueError`` saying which
    secret (``label``, e.g. "Drip API key") from where (``source``) and what is wrong with it.

    HTTP header values are Latin-1 text without control characters; a secret copied from a
    file saved on Windows often ends in CR LF, and sending it would split the header (the
    secret then shows up in clear in error messages)."""
    for index, char in enumerate(value):
        if unicodedata.category(char) == "Cc":
            what = _NAMED.get(char, f"a control character (U+{ord(char):04X})")
        elif ord(char) > 0xFF:
            what = f"a character HTTP headers cannot carry (U+{ord(char):04X}, not Latin-1)"
        else:
            continue
        where = "at its end" if index == len(value) - 1 else f"at character {index + 1}"
        windows = " (a file saved on Windows?)" if char in "\r\n" else ""
        if source.startswith("$"):
            then = f"Nothing was sent: set {source} again without it."
        elif source == TYPED:
            then = "An HTTP header cannot carry it: type it again without it."
        elif source.endswith(TOKEN_ENDPOINT):
            then = "Nothing was sent with it."
        else:
            then = "Nothing was sent: store it again without it."
        raise SecretValueError(f"The {label} from {source} has {what} {where}{windows}. {then}")
    return value
