"""A cURL command that makes the same request Send makes. Secrets appear as ``$CART_COMPOSER_*``
variable references unless the user asks to reveal them; the auth options come from the
provider's declared auth (``providers/auth.py``), so every provider gets its own."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from app.domain.redaction import is_secret_header
from app.providers.auth import AuthSpec, BasicAuth, ClientCredentials, HeaderAuth, SecretRef
from app.providers.base import OutgoingRequest
from app.providers.registry import secret_env

__all__ = ["HEREDOC_END", "curl_command"]

HEREDOC_END = "CART_JSON"


def _env(name: str) -> str:
    return "$" + secret_env(name)


def _quoted(word: str) -> str:
    """``word`` as it stays literal inside double quotes."""
    return "".join("\\" + c if c in '"$`\\' else c for c in word)


def curl_command(
    request: OutgoingRequest,
    auth: AuthSpec | None,
    *,
    secrets: Mapping[str, str | None] | None = None,
) -> str:
    """A bash snippet. With ``secrets`` the values are written in; without, variables are used.

    OAuth2 client credentials need a token first, so that snippet fetches one (form-encoded,
    as Send does) into ``TOKEN`` and then makes the request.
    """
    lines: list[str] = []
    reveal = secrets is not None

    def secret(name: str) -> str:
        if reveal:
            return shlex.quote((secrets or {}).get(name) or "")
        return f'"{_env(name)}"'

    def basic(spec: BasicAuth) -> str:
        # user:password in one shell word (Drip's key with an empty password: note the colon).
        if reveal:
            values = {name: (secrets or {}).get(name) or "" for name in spec.secret_names()}
            pair = [values[p.name] if isinstance(p, SecretRef) else p for p in spec.pair()]
            return shlex.quote(":".join(pair))
        words = [_env(p.name) if isinstance(p, SecretRef) else _quoted(p) for p in spec.pair()]
        return '"' + ":".join(words) + '"'

    if isinstance(auth, ClientCredentials):
        lines += [
            f"TOKEN=$(curl -sS -X POST {shlex.quote(auth.token_url)} \\",
            "  --data-urlencode grant_type=client_credentials \\",
            f"  --data-urlencode client_id={secret(auth.client_id)} \\",
            f"  --data-urlencode client_secret={secret(auth.client_secret)} \\",
            "  | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])')",
        ]
    parts = [f"curl -sS -X {request.method} {shlex.quote(request.url)}"]
    for name, value in request.wire_headers():
        if not is_secret_header(name):
            parts.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if isinstance(auth, ClientCredentials):
        parts.append(f'-H "{auth.header}: Bearer $TOKEN"')
    elif isinstance(auth, HeaderAuth):
        word = f"{auth.scheme} " if auth.scheme else ""
        if reveal:
            value = word + ((secrets or {}).get(auth.secret) or "")
            parts.append(f"-H {shlex.quote(f'{auth.header}: {value}')}")
        else:
            parts.append(f'-H "{auth.header}: {word}{_env(auth.secret)}"')
    elif isinstance(auth, BasicAuth):
        parts.append(f"-u {basic(auth)}")
    if request.body:
        parts.append(f"--data-binary @- <<'{HEREDOC_END}'")
    lines.append(" \\\n  ".join(parts))
    if request.body:
        lines.append(request.body_text)
        lines.append(HEREDOC_END)
    return "\n".join(lines) + "\n"
