"""A cURL command that makes the same request Send makes. Secrets appear as ``$CART_COMPOSER_*``
variable references unless the user asks to reveal them."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from app.domain.redaction import is_secret_header
from app.providers.base import OutgoingRequest
from app.secrets.store import secret_env

__all__ = ["HEREDOC_END", "curl_command"]

HEREDOC_END = "CART_JSON"


def _env(name: str) -> str:
    return "$" + secret_env(name)


def curl_command(
    request: OutgoingRequest,
    *,
    provider: str,
    token_url: str = "",
    drip_auth: str = "api_key",
    secrets: Mapping[str, str | None] | None = None,
) -> str:
    """A bash snippet. With ``secrets`` the values are written in; without, variables are used.

    Bronto needs a token first, so its snippet fetches one (form-encoded, as Send does) into
    ``TOKEN`` and then posts the cart.
    """
    lines: list[str] = []
    reveal = secrets is not None

    def secret(name: str) -> str:
        if reveal:
            return shlex.quote((secrets or {}).get(name) or "")
        return f'"{_env(name)}"'

    if provider == "bronto":
        lines += [
            f"TOKEN=$(curl -sS -X POST {shlex.quote(token_url)} \\",
            "  --data-urlencode grant_type=client_credentials \\",
            f"  --data-urlencode client_id={secret('bronto_client_id')} \\",
            f"  --data-urlencode client_secret={secret('bronto_client_secret')} \\",
            "  | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])')",
        ]
    parts = [f"curl -sS -X {request.method} {shlex.quote(request.url)}"]
    for name, value in request.wire_headers():
        if not is_secret_header(name):
            parts.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if provider == "bronto":
        parts.append('-H "Authorization: Bearer $TOKEN"')
    elif drip_auth == "oauth":
        if reveal:
            token = (secrets or {}).get("drip_access_token") or ""
            parts.append(f"-H {shlex.quote('Authorization: Bearer ' + token)}")
        else:
            parts.append(f'-H "Authorization: Bearer {_env("drip_access_token")}"')
    elif reveal:
        parts.append(f"-u {shlex.quote(((secrets or {}).get('drip_api_key') or '') + ':')}")
    else:
        # Basic auth with the key as user name and an empty password: note the colon.
        parts.append(f'-u "{_env("drip_api_key")}:"')
    parts.append(f"--data-binary @- <<'{HEREDOC_END}'")
    lines.append(" \\\n  ".join(parts))
    lines.append(request.body_text)
    lines.append(HEREDOC_END)
    return "\n".join(lines) + "\n"
