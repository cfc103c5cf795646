"""A cURL command that makes the same request Send makes. Secrets appear as ``$CART_COMPOSER_*``
variable references unless the user asks to reveal them; the auth options come from the
provider's declared auth (``providers/auth.py``), so every provider gets its own.

The body is one single-quoted ``--data-raw`` word (a ``'`` in it written ``'\\''``), which is
what Insomnia's, Postman's and curlconverter's cURL importers read whole — a here-document was
read by some of them as its first two characters. The snippet needs only curl and a POSIX
shell: an OAuth2 token is fetched inside the request's own header (``"Bearer $(curl … | sed
…)"``), read from its JSON with ``sed``, not a scripting language — one command, so importers
that take a single curl command read it whole."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from app.domain.redaction import is_secret_header
from app.providers.auth import AuthSpec, BasicAuth, ClientCredentials, HeaderAuth, SecretRef
from app.providers.base import OutgoingRequest
from app.providers.registry import secret_env

__all__ = ["TRANSPORT_HEADERS", "curl_command", "single_quoted"]

# Headers the HTTP client writes for itself (a history entry keeps them as they went on the
# wire): curl, Postman and PowerShell write their own, so an export leaves them out.
TRANSPORT_HEADERS = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}
)


def _env(name: str) -> str:
    return "$" + secret_env(name)


def single_quoted(text: str) -> str:
    """``text`` as one shell word in single quotes, whatever it holds (``'`` as ``'\\''``)."""
    return "'" + text.replace("'", "'\\''") + "'"


# The token out of an OAuth2 token answer (``{"access_token": "…", …}``, on one line or
# pretty-printed), with POSIX sed: no jq or python on the user's machine is assumed.
_TOKEN_SED = 'sed -n \'s/.*"access_token"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p\''


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

    parts = [f"curl -sS -X {request.method} {shlex.quote(request.url)}"]
    for name, value in request.wire_headers():
        if not is_secret_header(name) and name.lower() not in TRANSPORT_HEADERS:
            parts.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if isinstance(auth, ClientCredentials):
        # The token is fetched inside the header (form-encoded, as Send does): one command,
        # which importers that read a single curl command (curlconverter) take whole.
        fetch = " \\\n    ".join(
            [
                f"curl -sS -X POST {shlex.quote(auth.token_url)}",
                "--data-urlencode grant_type=client_credentials",
                f"--data-urlencode client_id={secret(auth.client_id)}",
                f"--data-urlencode client_secret={secret(auth.client_secret)}",
                f"| {_TOKEN_SED}",
            ]
        )
        parts.append(f'-H "{auth.header}: Bearer $({fetch})"')
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
        parts.append(f"--data-raw {single_quoted(request.body_text)}")
    lines.append(" \\\n  ".join(parts))
    return "\n".join(lines) + "\n"
