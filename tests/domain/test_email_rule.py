"""The email rule's quick path for plain addresses gives email-validator's own answer."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from app.domain import rules


def _validator_accepts(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _rule_accepts(address: str) -> bool:
    try:
        rules.email(address)
    except PydanticCustomError:
        return False
    return True


# Near-plain shapes, where the quick path must decide exactly as email-validator does: dots
# anywhere (leading, doubled, trailing), hyphens at label edges, digits-only and special-use
# top-level names, long parts around the 64 and 254 limits, a second "@", spaces, non-ASCII.
_LOCAL_CHARS = st.sampled_from("abcXYZ019._+-'~!é @\"")
_LABELS = st.sampled_from(
    [
        "example",
        "com",
        "shop",
        "x",
        "a-b",
        "-ab",
        "ab-",
        "123",
        "xn--bcher-kva",
        "test",
        "localhost",
        "invalid",
        "local",
        "onion",
        "co",
        "uk",
        "a" * 63,
        "a" * 64,
        "bücher",
        "",
    ]
)


@settings(max_examples=600, deadline=None)
@given(
    local=st.text(_LOCAL_CHARS, min_size=0, max_size=70),
    labels=st.lists(_LABELS, min_size=1, max_size=5),
    padding=st.integers(0, 4),
)
@example(local="shopper.1a2b3c", labels=["example", "com"], padding=0)
@example(local="a" * 65, labels=["example", "com"], padding=0)
@example(local="a" * 64, labels=["a" * 63] * 3 + ["com"], padding=0)
@example(local="a" * 64, labels=["a" * 63] * 3 + ["com"], padding=3)
@example(local="ann", labels=["example", "test"], padding=0)
@example(local="ann", labels=["example", "123"], padding=0)
def test_the_rule_accepts_what_email_validator_accepts(
    local: str, labels: list[str], padding: int
) -> None:
    # padding lengthens the first label, to walk over the 254-character limit
    labels = [labels[0] + "b" * padding * 20, *labels[1:]]
    address = f"{local}@{'.'.join(labels)}"
    assert _rule_accepts(address) == _validator_accepts(address), address


def test_a_refused_plain_address_keeps_email_validators_words() -> None:
    with pytest.raises(PydanticCustomError) as refused:
        rules.email("ann@example.test")
    assert "must be a valid address like name@example.com." in str(refused.value)
    assert "special-use or reserved name" in str(refused.value)
