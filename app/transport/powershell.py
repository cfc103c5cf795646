"""The request as a PowerShell script (``Invoke-RestMethod``; Windows PowerShell 5.1 and
PowerShell 7), for the users whose shell is that. Secrets are read from the same
``$env:CART_COMPOSER_*`` variables the cURL export names, unless the user asks to reveal them.

The body is sent as its UTF-8 bytes (5.1 would encode a string body as ISO-8859-1), from a
single-quoted string — nothing in it is expanded; a quote in it is doubled, and PowerShell
counts the typographic single quotes (U+2018, U+2019, U+201A, U+201B) as quotes too, so those
are doubled as well.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.redaction import is_secret_header
from app.providers.auth import AuthSpec, BasicAuth, ClientCredentials, HeaderAuth, SecretRef
from app.providers.base import OutgoingRequest
from app.providers.registry import secret_env
from app.transport.curl import TRANSPORT_HEADERS

__all__ = ["powershell_command", "ps_quoted"]

_QUOTES = "'\u2018\u2019\u201a\u201b"


def ps_quoted(text: str) -> str:
    """``text`` as a PowerShell single-quoted string (verbatim, newlines and all)."""
    return "'" + "".join(c * 2 if c in _QUOTES else c for c in text) + "'"


def powershell_command(
    request: OutgoingRequest,
    auth: AuthSpec | None,
    *,
    secrets: Mapping[str, str | None] | None = None,
) -> str:
    """A script that makes ``request``; ``secrets`` written in, or read from the environment."""

    def secret(name: str) -> str:
        if secrets is not None:
            return ps_quoted(secrets.get(name) or "")
        return f"$env:{secret_env(name)}"

    lines = ["$ErrorActionPreference = 'Stop'"]
    headers: list[tuple[str, str]] = []
    content_type = user_agent = None
    for name, value in request.wire_headers():
        lower = name.lower()
        if is_secret_header(name) or lower in TRANSPORT_HEADERS:
            continue
        if lower == "content-type":
            content_type = value
        elif lower == "user-agent":
            user_agent = value
        else:
            headers.append((ps_quoted(name), ps_quoted(value)))
    if isinstance(auth, ClientCredentials):
        lines += [
            "$form = @{",
            "  grant_type = 'client_credentials'",
            f"  client_id = {secret(auth.client_id)}",
            f"  client_secret = {secret(auth.client_secret)}",
            "}",
            f"$token = (Invoke-RestMethod -Method Post -Uri {ps_quoted(auth.token_url)} "
            "-Body $form).access_token",
        ]
        headers.append((ps_quoted(auth.header), '"Bearer $token"'))
    elif isinstance(auth, HeaderAuth):
        word = f"{auth.scheme} " if auth.scheme else ""
        headers.append((ps_quoted(auth.header), f"({ps_quoted(word)} + {secret(auth.secret)})"))
    elif isinstance(auth, BasicAuth):
        pair = " + ':' + ".join(
            secret(p.name) if isinstance(p, SecretRef) else ps_quoted(p) for p in auth.pair()
        )
        lines.append(f"$pair = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes({pair}))")
        headers.append((ps_quoted(auth.header), "('Basic ' + $pair)"))
    lines.append("$headers = @{")
    lines += [f"  {name} = {value}" for name, value in headers]
    lines.append("}")
    call = [f"Invoke-RestMethod -Method {request.method} -Uri {ps_quoted(request.url)}"]
    call.append("-Headers $headers")
    if content_type:
        call.append(f"-ContentType {ps_quoted(content_type)}")
    if user_agent:
        call.append(f"-UserAgent {ps_quoted(user_agent)}")
    if request.body:
        lines.append(f"$body = {ps_quoted(request.body_text)}")
        call.append("-Body ([Text.Encoding]::UTF8.GetBytes($body))")
    lines.append(" `\n  ".join(call))
    return "\n".join(lines) + "\n"
