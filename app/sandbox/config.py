"""The sandbox's fixed credentials and its tunable limits.

The credentials are public, documented values (they are in the README): the built-in sandbox
profiles use them, so a first run sends a cart with no setup. They open nothing but the sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.domain.sandbox_marks import REAL, SandboxMode

__all__ = [
    "BRONTO_CLIENT_ID",
    "BRONTO_CLIENT_SECRET",
    "BRONTO_READONLY_CLIENT_ID",
    "BRONTO_READONLY_CLIENT_SECRET",
    "BRONTO_SITE_ID",
    "DRIP_ACCESS_TOKEN",
    "DRIP_ACCOUNT_ID",
    "DRIP_API_KEY",
    "KNOWN_CONTACT",
    "REAL",
    "SandboxConfig",
    "SandboxMode",
]

DRIP_ACCOUNT_ID = "9999999"
DRIP_API_KEY = "sandbox-drip-api-key"
# A Drip OAuth access token (Drip's OAuth tokens never expire).
DRIP_ACCESS_TOKEN = "sandbox-drip-oauth-token"

BRONTO_SITE_ID = "00001"
BRONTO_CLIENT_ID = "sandbox-bronto-client"
BRONTO_CLIENT_SECRET = "sandbox-bronto-secret"
# A client whose tokens carry only orders/carts-read: shows the 403 for insufficient scope.
BRONTO_READONLY_CLIENT_ID = "sandbox-bronto-readonly"
BRONTO_READONLY_CLIENT_SECRET = "sandbox-bronto-readonly-secret"

# A contact the sandbox's Bronto site knows from the start (the Java example's address), so
# Add Cart without createContact=true can succeed; any other address needs createContact=true.
KNOWN_CONTACT = "example@email.com"


@dataclass
class SandboxConfig:
    """Limits a test or a QA session may tighten; the defaults are the real services' values."""

    # Drip: 3,600 individual requests and 50 batch requests per hour.
    drip_hourly_limit: int = 3600
    drip_batch_hourly_limit: int = 50
    # Bronto: access tokens last an hour, refresh tokens 30 days.
    bronto_token_lifetime: float = 3600.0
    bronto_refresh_lifetime: float = 30 * 24 * 3600.0
    # Seconds, monotonic; tests pass a fake clock to expire tokens without waiting.
    clock: Callable[[], float] = field(default=time.monotonic)
    # How a door answers unless it is opened with a mode of its own.
    mode: SandboxMode = REAL
