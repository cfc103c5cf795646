"""A base URL's host is checked before anything is sent: a name no lookup can take is said in
words (beside the field, in the preview, on stderr) rather than failing in the resolver."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import TargetError
from app.domain.urls import host_problem
from app.paths import sample_cart
from app.providers import Target, build_request, load_cart

LONG = "x" * 64


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("a..b", "has an empty part between two dots"),
        (".example.com", "has an empty part between two dots"),
        ("exa mple.com", "has a space or an invisible character"),
        ("ab\u200b.com", "has a space or an invisible character"),
        ("ex%ample.com", "has “%”, which a host name cannot have"),
        ("shop!.com", "has “!”, which a host name cannot have"),
        (f"{LONG}.com", "has a part longer than 63 characters between dots"),
        (".".join(["a" * 63] * 4), "is longer than 253 characters"),
        ("☃.com", "is not an international name IDNA can write in ASCII"),
        (".", "has no name"),
        ("256.1.1.1", "is not an IPv4 address: four numbers from 0 to 255, with no leading zeros"),
        ("10.0.0.01", "is not an IPv4 address: four numbers from 0 to 255, with no leading zeros"),
    ],
)
def test_a_name_no_lookup_can_take_is_said_in_words(host: str, problem: str) -> None:
    assert host_problem(host) == problem


@pytest.mark.parametrize(
    "host",
    [
        "api.getdrip.com",
        "example.com.",  # fully qualified
        "localhost",
        "127.0.0.1",
        "::1",
        "shop_api.internal",  # Docker's service names have underscores; resolvers take them
        "例え.jp",  # an international name: IDNA writes it as xn--r8jz45g.jp
        "a" * 63 + ".com",
    ],
)
def test_names_and_addresses_a_lookup_takes_pass(host: str) -> None:
    assert host_problem(host) is None


@pytest.mark.parametrize(
    ("base", "said"),
    [
        (
            "http://a..b",
            "The host of the base URL “http://a..b” has an empty part between two dots. "
            "A base URL looks like https://api.getdrip.com.",
        ),
        (
            "http://[::1",
            "The base URL “http://[::1” has a malformed IPv6 address: write it in square "
            "brackets, like http://[::1]:8080.",
        ),
    ],
)
def test_the_target_says_what_is_wrong_with_the_host(base: str, said: str) -> None:
    document = load_cart(sample_cart("drip")).document
    with pytest.raises(TargetError) as caught:
        build_request(document, Target(base, {"account_id": "5"}))
    assert str(caught.value) == said


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ019-_.%é例☃ ", min_size=1, max_size=16))
def test_a_name_it_passes_is_one_httpx_takes(host: str) -> None:
    # The check is made before Send so that httpx never refuses the host itself (the transport
    # turns such a refusal into a failed lookup, but the person should hear it at the field).
    if host_problem(host) is None:
        httpx.URL(f"http://{host}/")
