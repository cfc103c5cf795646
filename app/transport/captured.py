"""The requests someone brings along: a cURL command (a shell snippet, as a browser's "Copy as
cURL" or a vendor's docs write it), a HAR file, a Postman collection (v2.1). Each becomes a list
of ``CapturedRequest`` — method, URL, headers and body as they would go on the wire — that
``service.importing`` turns into a cart. Nothing here knows any provider.

A cURL snippet is split into words by ``shlex`` (POSIX rules: quotes, backslashes, ``$'…'`` is
not bash's), after line continuations are joined and here-documents are taken out as the
standard input that ``-d @-`` reads. Every curl option the parser does not know is an error that
names it, rather than a guess at whether it takes a value.
"""

from __future__ import annotations

import base64
import contextlib
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from app.domain import jsonfmt
from app.domain.errors import CartComposerError

__all__ = [
    "MAX_IMPORT_BYTES",
    "CapturedRequest",
    "ImportFormatError",
    "parse_captured",
    "parse_curl",
    "parse_har",
    "parse_postman",
]

# A HAR of a whole checkout can be large; a cart request in it is not. Past this, refused.
MAX_IMPORT_BYTES = 32 * 1024 * 1024

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


class ImportFormatError(CartComposerError):
    """The text is not a request the import understands; the message says what was not."""


@dataclass(frozen=True)
class CapturedRequest:
    """One request as it would be sent. ``label`` says where it came from (``entry 3``, a
    Postman request's name); ``notes`` what the parser left out on the way."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    label: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Made for another request rather than listed in the file: the token request a Postman
    # collection's OAuth2 auth implies. Not one to pick; read beside the one picked.
    helper: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for n, v in self.headers if n.lower() == wanted), None)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    def form(self) -> dict[str, str]:
        """The body as form fields, when it is form-encoded (an OAuth2 token request)."""
        kind = (self.header("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


# --- what kind of text ---------------------------------------------------------------------------


def parse_captured(
    text: str, *, read_file: Callable[[str], bytes] | None = None
) -> list[CapturedRequest]:
    """The requests ``text`` holds, whichever of the three it is (JSON with ``log.entries``
    is a HAR, JSON with ``info`` and ``item`` a Postman collection, else a cURL snippet)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            raw = jsonfmt.loads(stripped)
        except jsonfmt.JsonSyntaxError as exc:
            raise ImportFormatError(f"The text looks like JSON but is not: {exc}.") from None
        if isinstance(raw, dict) and isinstance(raw.get("log"), dict):
            return parse_har(raw)
        if isinstance(raw, dict) and "item" in raw and isinstance(raw.get("info"), dict):
            return parse_postman(raw)
        raise ImportFormatError(
            "The JSON is neither a HAR file (it has no “log”) nor a Postman collection (no "
            "“info” and “item”); a cart file or a bare payload is opened with Open, not Import."
        )
    return parse_curl(text, read_file=read_file)


# --- cURL ----------------------------------------------------------------------------------------

# curl's options that take a value, by every spelling the import reads (``man curl``).
_WITH_VALUE = {
    "-X": "request",
    "--request": "request",
    "-H": "header",
    "--header": "header",
    "-d": "data",
    "--data": "data",
    "--data-ascii": "data",
    "--data-raw": "data-raw",
    "--data-binary": "data-binary",
    "--data-urlencode": "urlencode",
    "--json": "json",
    "-u": "user",
    "--user": "user",
    "-A": "agent",
    "--user-agent": "agent",
    "-e": "referer",
    "--referer": "referer",
    "-b": "cookie",
    "--cookie": "cookie",
    "--url": "url",
    "-F": "form",
    "--form": "form",
    "--form-string": "form",
    "-T": "upload",
    "--upload-file": "upload",
    "--oauth2-bearer": "bearer",
    # Taken and set aside: they change how curl runs, not the request.
    "-o": "ignore",
    "--output": "ignore",
    "-m": "ignore",
    "--max-time": "ignore",
    "--connect-timeout": "ignore",
    "--retry": "ignore",
    "-w": "ignore",
    "--write-out": "ignore",
    "--cacert": "ignore",
    "--cert": "ignore",
    "--key": "ignore",
    "-x": "ignore",
    "--proxy": "ignore",
    "--resolve": "ignore",
    "-c": "ignore",
    "--cookie-jar": "ignore",
    "--max-redirs": "ignore",
    "--retry-delay": "ignore",
    "--retry-max-time": "ignore",
    "-r": "ignore",
    "--range": "ignore",
    "--limit-rate": "ignore",
}
# ... and that take none.
_FLAGS = {
    "-G": "get",
    "--get": "get",
    "-I": "head",
    "--head": "head",
    "-s": "",
    "--silent": "",
    "-S": "",
    "--show-error": "",
    "-L": "",
    "--location": "",
    "-k": "",
    "--insecure": "",
    "-i": "",
    "--include": "",
    "-v": "",
    "--verbose": "",
    "-f": "",
    "--fail": "",
    "--fail-with-body": "",
    "--compressed": "",
    "-N": "",
    "--no-buffer": "",
    "-#": "",
    "--progress-bar": "",
    "-g": "",
    "--globoff": "",
    "--http1.1": "",
    "--http2": "",
    "--http2-prior-knowledge": "",
    "--http1.0": "",
    "-4": "",
    "--ipv4": "",
    "-6": "",
    "--ipv6": "",
    "-q": "",
    "--tr-encoding": "",
    "--location-trusted": "",
    "--raw": "",
    "--no-keepalive": "",
    "-n": "",
    "--netrc": "",
}

_SUBST = re.compile(r"__SUBST_(\d+)__")
_HEREDOC_WORD = re.compile(r"__HEREDOC_(\d+)__")
_HEREDOC = re.compile(r"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\?([A-Za-z_][A-Za-z0-9_]*))")


def _substitution_end(text: str, start: int) -> int:
    """The index of the ``)`` that closes the command substitution whose ``$(`` ends just
    before ``start`` (quotes and nested parentheses inside it respected)."""
    depth, quote, i = 1, "", start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ImportFormatError("A command substitution $( is opened and never closed.")


def _shell_text(text: str) -> tuple[str, list[str], list[str]]:
    """``text`` with line continuations joined, each here-document taken out (its place
    marked by a word the parser reads as that document) and each command substitution
    ``$(…)`` too (a token fetched inline: its place marked, its text kept whole — shlex
    cannot nest quotes inside one); the documents' and the substitutions' texts."""
    out: list[str] = []
    documents: list[str] = []
    substitutions: list[str] = []
    pending: list[tuple[str, bool]] = []  # here-documents whose text starts on the next line
    quote = ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote == "'":
            out.append(c)
            if c == "'":
                quote = ""
        elif c == "\\" and text[i + 1 : i + 2] == "\n" and quote != "'":
            i += 2
            continue
        elif c == "\\" and text[i + 1 : i + 3] == "\r\n":
            i += 3
            continue
        elif c == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        elif c == "$" and text[i + 1 : i + 2] == "(" and text[i + 2 : i + 3] != "(":
            end = _substitution_end(text, i + 2)
            out.append(f"__SUBST_{len(substitutions)}__")
            substitutions.append(text[i + 2 : end])
            i = end + 1
            continue
        elif quote == '"':
            out.append(c)
            if c == '"':
                quote = ""
        elif c in "'\"":
            quote = c
            out.append(c)
        elif c == "<" and (match := _HEREDOC.match(text, i)):
            word = match.group(2) or match.group(3) or match.group(4)
            pending.append((word, bool(match.group(1))))
            out.append(f" __HEREDOC_{len(documents) + len(pending) - 1}__ ")
            i = match.end()
            continue
        elif c == "\n" and pending:
            out.append("\n")
            i += 1
            for word, _tabs in pending:
                lines: list[str] = []
                while i < len(text):
                    end = text.find("\n", i)
                    line = text[i:] if end < 0 else text[i:end]
                    i = len(text) if end < 0 else end + 1
                    # bash ends a document only at the word alone at the line's start (``<<-``:
                    # after tabs); vendors' docs indent it, so any blanks are allowed here.
                    if line.strip() == word:
                        break
                    lines.append(line)
                else:
                    raise ImportFormatError(f"The here-document ending with {word} never ends.")
                documents.append("\n".join(lines) + "\n")
            pending = []
            continue
        else:
            out.append(c)
        i += 1
    if quote:
        raise ImportFormatError(f"A {quote} quote is opened and never closed.")
    if pending:
        raise ImportFormatError(f"The here-document ending with {pending[0][0]} has no text.")
    return "".join(out), documents, substitutions


def _commands(text: str) -> list[list[str]]:
    """The simple commands of a shell snippet, each as its words."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    try:
        for word in lexer:
            if word and set(word) <= set(";&|()\n"):
                commands.append([])
            else:
                commands[-1].append(word)
    except ValueError as exc:  # shlex: "No closing quotation", "No escaped character"
        raise ImportFormatError(f"The command cannot be read as shell words: {exc}.") from None
    return [c for c in commands if c]


def parse_curl(
    text: str, *, read_file: Callable[[str], bytes] | None = None, _depth: int = 0
) -> list[CapturedRequest]:
    """The requests of the ``curl`` commands in a shell snippet (a token request and the
    request that uses it, say). ``read_file`` reads ``-d @file`` (a bounded read); without
    it, such a file is an error."""
    if len(text) > MAX_IMPORT_BYTES:
        raise ImportFormatError("The text is too long to be a cURL command.")
    joined, documents, substitutions = _shell_text(text)
    found: list[CapturedRequest] = []
    helpers: list[CapturedRequest] = []
    for inner in substitutions if _depth < 3 else ():  # deeper nesting is no token request
        # TOKEN=$(curl …), "Bearer $(curl …)": a token request, read beside the one it is for
        with contextlib.suppress(ImportFormatError):
            inside = parse_curl(inner, read_file=read_file, _depth=_depth + 1)
            helpers += [replace(r, helper=True) for r in inside]

    def restored(word: str) -> str:  # a word keeps its substitution as written
        return _SUBST.sub(lambda m: f"$({substitutions[int(m.group(1))]})", word)

    for words in _commands(joined):
        words = [restored(w) for w in words]
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # TOKEN=… before the command, or the command's environment
        if words and words[0].rsplit("/", 1)[-1] in ("curl", "curl.exe"):
            found.append(_curl(words[1:], documents, read_file, len(found) + 1))
    if not found:
        first = text.strip().split(None, 1)[0] if text.strip() else ""
        what = f"it starts with “{first[:40]}”" if first else "it is empty"
        raise ImportFormatError(
            f"The text is not a cURL command, a HAR file or a Postman collection ({what})."
        )
    return helpers + found


def _curl(
    words: list[str],
    documents: list[str],
    read_file: Callable[[str], bytes] | None,
    number: int,
) -> CapturedRequest:
    method = ""
    url = ""
    headers: list[tuple[str, str]] = []
    data: list[bytes] = []
    get = False
    user: str | None = None
    # This command's own here-documents, in order: what its ``@-`` reads.
    stdin = iter(documents[int(m.group(1))] for w in words if (m := _HEREDOC_WORD.fullmatch(w)))

    def load(value: str, *, binary: bool) -> bytes:
        if not value.startswith("@"):
            return value.encode("utf-8")
        name = value[1:]
        if name == "-":
            try:
                raw = next(stdin).encode("utf-8")
            except StopIteration:
                raise ImportFormatError(
                    "The command reads its body from standard input (@-), but no "
                    "here-document follows it: paste the body with the command."
                ) from None
        elif read_file is None:
            raise ImportFormatError(
                f"The command reads its body from the file {name}, which the import cannot "
                "open here."
            )
        else:
            raw = read_file(name)
        # curl -d strips the file's newlines; --data-binary sends it as it is.
        return raw if binary else raw.replace(b"\r", b"").replace(b"\n", b"")

    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if _HEREDOC_WORD.fullmatch(word):
            continue  # a here-document's place: its text was read by ``@-``
        if not word.startswith("-") or word == "-":
            if url:
                raise ImportFormatError(f"The curl command names two URLs: {url} and {word}.")
            url = word
            continue
        name, value = word, None
        if word.startswith("--") and "=" in word and word.split("=", 1)[0] in _WITH_VALUE:
            name, value = word.split("=", 1)  # not curl's spelling, but some tools write it
        elif not word.startswith("--") and len(word) > 2:
            if word[:2] in _WITH_VALUE:  # -XPOST, -H'Accept: …'
                name, value = word[:2], word[2:]
            elif all(f"-{c}" in _FLAGS for c in word[1:]):  # -sSL
                for c in word[1:]:
                    get = get or _FLAGS[f"-{c}"] == "get"
                continue
            elif all(f"-{c}" in _FLAGS for c in word[1:-1]) and f"-{word[-1]}" in _WITH_VALUE:
                name = f"-{word[-1]}"  # -sX POST
        if name in _FLAGS:
            kind = _FLAGS[name]
            get = get or kind == "get"
            if kind == "head":
                method = "HEAD"
            continue
        if name not in _WITH_VALUE:
            raise ImportFormatError(f"The curl option {name} is not one the import understands.")
        if value is None:
            if i >= len(words):
                raise ImportFormatError(f"The curl option {name} has no value after it.")
            value = words[i]
            i += 1
        kind = _WITH_VALUE[name]
        if kind == "request":
            method = value.upper()
        elif kind == "header":
            header, sep, content = value.partition(":")
            if not sep:
                if value.endswith(";"):  # curl's "-H 'X-Empty;'": an empty header
                    headers.append((value[:-1].strip(), ""))
                    continue
                raise ImportFormatError(f"The header “{value}” has no colon.")
            headers.append((header.strip(), content.strip()))
        elif kind in ("data", "data-binary"):
            data.append(load(value, binary=kind == "data-binary"))
        elif kind == "data-raw":
            data.append(value.encode("utf-8"))
        elif kind == "urlencode":
            data.append(_urlencoded(value, load).encode("ascii"))
        elif kind == "json":
            data.append(load(value, binary=True))
            headers.append(("Content-Type", "application/json"))
            headers.append(("Accept", "application/json"))
        elif kind == "user":
            user = value
        elif kind == "agent":
            headers.append(("User-Agent", value))
        elif kind == "referer":
            headers.append(("Referer", value))
        elif kind == "cookie":
            headers.append(("Cookie", value))
        elif kind == "bearer":
            headers.append(("Authorization", f"Bearer {value}"))
        elif kind == "url":
            url = value
        elif kind in ("form", "upload"):
            raise ImportFormatError(
                f"The curl option {name} sends a file or a multipart form; a cart is JSON."
            )
    if not url:
        raise ImportFormatError("The curl command has no URL.")
    if "://" not in url:
        url = "http://" + url  # curl's own guess for a bare host
    body = b"&".join(data)
    if get and body:
        sep = "&" if urlsplit(url).query else "?"
        url, body = url + sep + body.decode("utf-8", "replace"), b""
    if not method:
        method = "POST" if body else "GET"
    if body and not any(n.lower() == "content-type" for n, _ in headers):
        # What curl sends with -d and no Content-Type of its own.
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    if user is not None:
        pair = user if ":" in user else user + ":"
        token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
        headers.append(("Authorization", f"Basic {token}"))
    return CapturedRequest(method, url, tuple(headers), body, f"curl command {number}")


def _urlencoded(value: str, load: Callable[..., bytes]) -> str:
    """One ``--data-urlencode`` value, encoded as curl does (``name=content``, ``=content``,
    ``content``, ``name@file``, ``@file``)."""
    from urllib.parse import quote_plus

    if "=" in value and not value.startswith("@"):
        name, _, content = value.partition("=")
        return f"{name}={quote_plus(content)}" if name else quote_plus(content)
    if "@" in value:
        name, _, file = value.partition("@")
        content = load("@" + file, binary=True).decode("utf-8", "replace")
        return f"{name}={quote_plus(content)}" if name else quote_plus(content)
    return quote_plus(value)


# --- HAR -----------------------------------------------------------------------------------------


def _pairs(raw: Any, where: str, *, key: str = "name") -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ImportFormatError(f"{where} must be a list.")
    pairs = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            raise ImportFormatError(f"Each of {where} must have a “{key}”.")
        if item.get("disabled") is True:
            continue
        value = item.get("value", "")
        pairs.append(
            (item[key], value if isinstance(value, str) else jsonfmt.dumps(value, indent=None))
        )
    return pairs


def parse_har(raw: Mapping[str, Any]) -> list[CapturedRequest]:
    """Every request of a HAR file's ``log.entries``, in the file's order."""
    log = raw.get("log")
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise ImportFormatError("The HAR file has no “log.entries” list.")
    found = []
    for number, entry in enumerate(entries, 1):
        request = entry.get("request") if isinstance(entry, dict) else None
        where = f"HAR entry {number}"
        if not isinstance(request, dict):
            raise ImportFormatError(f"{where} has no “request”.")
        method, url = request.get("method"), request.get("url")
        if not isinstance(method, str) or not isinstance(url, str):
            raise ImportFormatError(f"{where}'s request needs a “method” and a “url”.")
        headers = [
            (n, v)
            for n, v in _pairs(request.get("headers"), f"{where}'s headers")
            if not n.startswith(":")  # HTTP/2's pseudo-headers (:authority, :path…)
        ]
        body = b""
        notes: list[str] = []
        post = request.get("postData")
        if isinstance(post, dict):
            text = post.get("text")
            if isinstance(text, str):
                body = text.encode("utf-8")
            elif post.get("params"):
                body = urlencode(_pairs(post.get("params"), f"{where}'s form")).encode("ascii")
            if post.get("_truncated") or "cut" in str(post.get("comment", "")).lower():
                notes.append(f"{where}'s body was cut short when the HAR was written")
            kind = post.get("mimeType")
            if (
                isinstance(kind, str)
                and kind
                and not any(n.lower() == "content-type" for n, _ in headers)
            ):
                headers.append(("Content-Type", kind))
        label = f"entry {number}: {method} {url}"
        found.append(
            CapturedRequest(method.upper(), url, tuple(headers), body, label, tuple(notes))
        )
    if not found:
        raise ImportFormatError("The HAR file holds no requests.")
    return found


# --- Postman -------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


def parse_postman(raw: Mapping[str, Any]) -> list[CapturedRequest]:
    """Every request of a Postman collection (v2.1; v2.0 reads the same for what is used
    here), folders walked in order. Collection variables are filled in; ``{{name}}`` left
    without a value stays as written (a secret kept out of the collection)."""
    schema = str(raw.get("info", {}).get("schema", ""))
    if schema and "v2.1" not in schema and "v2.0" not in schema:
        raise ImportFormatError(
            f"The Postman collection is of a schema the import does not read: {schema}."
        )
    # A variable without a value (a secret each person fills in) stays as written.
    declared = _pairs(raw.get("variable"), "the collection's variables", key="key")
    variables = {k: v for k, v in declared if v}

    def fill(text: str) -> str:
        return _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)

    found: list[CapturedRequest] = []

    def walk(items: Any, folder: str) -> None:
        if not isinstance(items, list):
            raise ImportFormatError(f"{folder or 'The collection'}'s “item” must be a list.")
        for item in items:
            if not isinstance(item, dict):
                raise ImportFormatError("Each item of the collection must be an object.")
            name = str(item.get("name", "")) or f"request {len(found) + 1}"
            label = f"{folder} / {name}" if folder else name
            if "item" in item:
                walk(item["item"], label)
            elif "request" in item:
                found.extend(_postman_request(item["request"], label, fill, raw.get("auth")))

    walk(raw.get("item"), "")
    if not found:
        raise ImportFormatError("The Postman collection holds no requests.")
    return found


def _postman_request(
    request: Any, label: str, fill: Callable[[str], str], inherited: Any
) -> list[CapturedRequest]:
    """A collection's request (after the token request its OAuth2 auth makes, if any)."""
    if isinstance(request, str):
        return [CapturedRequest("GET", fill(request), label=label)]
    if not isinstance(request, dict):
        raise ImportFormatError(f"The request “{label}” is neither a URL nor an object.")
    url = request.get("url", "")
    if isinstance(url, dict):
        url = url.get("raw", "")
    if not isinstance(url, str) or not url:
        raise ImportFormatError(f"The request “{label}” has no URL.")
    headers = [
        (n, fill(v)) for n, v in _pairs(request.get("header"), f"“{label}”'s headers", key="key")
    ]
    body = b""
    spec = request.get("body")
    if isinstance(spec, dict) and not spec.get("disabled"):
        mode = spec.get("mode")
        if mode == "raw":
            body = fill(str(spec.get("raw", ""))).encode("utf-8")
            language = spec.get("options", {}).get("raw", {}).get("language")
            if language == "json" and not any(n.lower() == "content-type" for n, _ in headers):
                headers.append(("Content-Type", "application/json"))
        elif mode == "urlencoded":
            form = [
                (n, fill(v))
                for n, v in _pairs(spec.get("urlencoded"), f"“{label}”'s form", key="key")
            ]
            body = urlencode(form).encode("ascii")
            if not any(n.lower() == "content-type" for n, _ in headers):
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        elif mode:
            raise ImportFormatError(f"The request “{label}” has a {mode} body; a cart is JSON.")
    auth = request.get("auth")
    if auth is None or (isinstance(auth, dict) and auth.get("type") == "inherit"):
        auth = inherited  # a request without its own auth has the collection's
    added, token = _postman_auth(auth, fill)
    method = str(request.get("method") or "GET").upper()
    made = CapturedRequest(method, fill(url), tuple(headers + added), body, label)
    return [token, made] if token is not None else [made]


def _postman_auth(
    auth: Any, fill: Callable[[str], str]
) -> tuple[list[tuple[str, str]], CapturedRequest | None]:
    """A Postman ``auth`` block as the header it sends (basic, bearer, an API key header), or
    for OAuth2 client credentials the token request Postman makes first."""
    if not isinstance(auth, dict) or auth.get("type") in (None, "noauth", "inherit"):
        return [], None
    kind = auth["type"]
    values = {k: fill(v) for k, v in _pairs(auth.get(kind), f"the {kind} auth", key="key")}
    if kind == "basic":
        pair = f"{values.get('username', '')}:{values.get('password', '')}"
        encoded = base64.b64encode(pair.encode("utf-8")).decode("ascii")
        return [("Authorization", f"Basic {encoded}")], None
    if kind == "bearer":
        return [("Authorization", f"Bearer {values.get('token', '')}")], None
    if kind == "apikey" and values.get("in", "header") == "header":
        return [(values.get("key", "Authorization"), values.get("value", ""))], None
    if kind == "oauth2" and values.get("grant_type") == "client_credentials":
        form = {
            "grant_type": "client_credentials",
            "client_id": values.get("clientId", ""),
            "client_secret": values.get("clientSecret", ""),
        }
        token = CapturedRequest(
            "POST",
            values.get("accessTokenUrl", ""),
            (("Content-Type", "application/x-www-form-urlencoded"),),
            urlencode(form).encode("ascii"),
            "the collection's OAuth2 token request",
            helper=True,
        )
        return [], token
    raise ImportFormatError(
        f"The collection's {kind} auth is not one the import reads (basic, bearer, an API "
        "key header, OAuth2 client credentials)."
    )
