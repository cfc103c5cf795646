"""Drip: the Cart Activity request (`POST /v3/:account_id/shopper_activity/cart`)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from app.domain.errors import TargetError
from app.providers.base import PLACEHOLDER_SECRET, Credentials, OutgoingRequest, Provider, Target
from app.providers.drip.models import DripCart

__all__ = ["DEFAULT_BASE_URL", "DripProvider", "cart_path"]

DEFAULT_BASE_URL = "https://api.getdrip.com"


def cart_path(account_id: str) -> str:
    """The path of the cart endpoint; Cart Activity is v3 (v2 URLs fail)."""
    return f"/v3/{quote(account_id, safe='')}/shopper_activity/cart"


def basic_authorization(api_key: str) -> str:
    # Drip: "The API Token is the username portion of the Basic Authentication scheme, with an
    # empty password" — hence the trailing colon.
    token = base64.b64encode(f"{api_key}:".encode()).decode("ascii")
    return f"Basic {token}"


class DripProvider(Provider):
    key = "drip"
    title = "Drip"
    model = DripCart

    def build_request(
        self,
        payload: Any,
        target: Target,
        options: Mapping[str, Any] | None = None,
        credentials: Credentials | None = None,
    ) -> OutgoingRequest:
        self.options(options)
        base = target.checked_base()
        account = target.account_id.strip()
        if not account:
            raise TargetError("Enter the Drip account ID: the number in your Drip account's URL.")
        if not account.isdigit():
            raise TargetError(
                f"The Drip account ID “{target.account_id}” must be a number, like 9999999."
            )
        creds = credentials or Credentials()
        if creds.drip_access_token:
            authorization = f"Bearer {creds.drip_access_token}"
        else:
            authorization = basic_authorization(creds.drip_api_key or PLACEHOLDER_SECRET)
        return OutgoingRequest(
            method="POST",
            url=base + cart_path(account),
            body=self.body(payload),
            _wire_headers=self._json_headers(authorization),
        )
