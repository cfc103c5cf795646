"""How the app reaches a server: directly or through the system's proxy, which certificates it
trusts, and the deadline every socket read and write obeys.

What a desktop tool should do, decided here (and said in the README):

- **Proxies**: the system's, as curl and browsers use them — ``HTTPS_PROXY``, ``HTTP_PROXY``,
  ``ALL_PROXY`` and ``NO_PROXY`` (on Windows and macOS also the system settings, through
  ``urllib.request.getproxies``). Never for loopback: the sandbox on 127.0.0.1 is always reached
  directly, so a proxy never sees its traffic. Which route a request took is shown with its
  answer (the response pane's timing line, the CLI's result).
- **Certificates**: verified always. ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` replace the bundled
  roots (a company's TLS-inspecting proxy needs that), and the answer says so too.
- **Deadlines**: httpx's timeouts are per read; here each read and write of a request is also
  held to the overall deadline of its exchange, so a server trickling headers or a body a byte
  at a time is cut off when the user's time is up — the socket is not left reading for hours.
"""

from __future__ import annotations

import functools
import os
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from app.domain.urls import is_loopback

__all__ = [
    "Route",
    "RoutingTransport",
    "route_for",
    "socket_deadline",
]

_local = threading.local()


@contextmanager
def socket_deadline(at: float) -> Iterator[None]:
    """Every socket read and write on this thread, inside the block, ends by ``at``
    (``time.monotonic()``)."""
    before = getattr(_local, "at", None)
    _local.at = at
    try:
        yield
    finally:
        _local.at = before


def _bounded(timeout: float | None, exc: type[Exception]) -> float | None:
    at: float | None = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise exc("the deadline for this answer has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        try:
            stream = self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        except UnicodeError as exc:
            # The resolver encodes the name with IDNA first and raises on one it cannot ("a..b",
            # a part over 63 characters): a lookup that failed, not a crash of the send.
            raise httpcore.ConnectError(f"the host name cannot be looked up: {exc}") from exc
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _transport(ssl_context: ssl.SSLContext, proxy: str | None) -> httpx.HTTPTransport:
    """httpx's transport, its connection pool rebuilt on the deadline-keeping backend (httpx is
    pinned exactly; ``tests/transport/test_bounded.py`` fails if this stops taking effect)."""
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    backend = _DeadlineBackend()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    common: dict[str, Any] = {
        "ssl_context": ssl_context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "network_backend": backend,
    }
    if proxy is None:
        transport._pool = httpcore.ConnectionPool(**common)
    else:
        url = httpx.URL(proxy)
        auth = (url.username.encode(), url.password.encode()) if url.username else None
        transport._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=b"/"
            ),
            proxy_auth=auth,
            **common,
        )
    return transport


@dataclass(frozen=True)
class Route:
    """Which way a request goes: the proxy (credentials masked) or direct, and where the
    trusted certificates come from when not the bundled roots."""

    proxy: str | None = None
    certificates: str | None = None

    def describe(self) -> str:
        way = f"via proxy {self.proxy}" if self.proxy else "direct"
        return f"{way}; certificates from {self.certificates}" if self.certificates else way


def _masked(proxy: str) -> str:
    parts = urlsplit(proxy)
    if not parts.username and not parts.password:
        return proxy
    host = parts.hostname or ""
    netloc = f"••••@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _proxy_for(url: str) -> str | None:
    parts = urlsplit(url)
    host = parts.hostname
    if is_loopback(host):
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme.lower()) or proxies.get("all")
    if not proxy or (host and urllib.request.proxy_bypass(host)):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _certificates(environ: Mapping[str, str]) -> str | None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if environ.get(name):
            return f"{name}={environ[name]}"
    return None


def _route(url: str, proxy: str | None, certificates: str | None) -> Route:
    # Certificates matter only where TLS is spoken: not to the sandbox over plain http.
    tls = urlsplit(url).scheme.lower() == "https"
    return Route(_masked(proxy) if proxy else None, certificates if tls else None)


def route_for(url: str) -> Route:
    """The route a request to ``url`` takes now (the environment as it is)."""
    return _route(url, _proxy_for(url), _certificates(os.environ))


@functools.cache
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=True)  # reads SSL_CERT_FILE / SSL_CERT_DIR


def shared_ssl_context() -> ssl.SSLContext:
    """The process's one TLS context for the trust store the environment names. Building one
    parses every CA certificate in C with the GIL held — 40 to 70 ms here, during which no
    other thread, the window's included, runs — so it is built once, not once per client.
    (An SSLContext is safe to share between threads and connections.)"""
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


class RoutingTransport(httpx.BaseTransport):
    """Sends each request directly or through the proxy ``route_for`` names; the answer's
    ``extensions["route"]`` says which way it went."""

    def __init__(self) -> None:
        self._ssl = shared_ssl_context()
        self._certificates = _certificates(os.environ)
        self._lock = threading.Lock()
        self._routes: dict[str | None, httpx.HTTPTransport] = {}

    def _for(self, proxy: str | None) -> httpx.HTTPTransport:
        with self._lock:
            transport = self._routes.get(proxy)
            if transport is None:
                transport = self._routes[proxy] = _transport(self._ssl, proxy)
            return transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = _proxy_for(str(request.url))
        if proxy is not None and urlsplit(proxy).scheme.lower() not in ("http", "https"):
            raise httpx.ConnectError(
                f"the proxy {_masked(proxy)} is not an http:// or https:// proxy, the only "
                "kinds supported; set HTTPS_PROXY to one, or NO_PROXY for this host",
                request=request,
            )
        response = self._for(proxy).handle_request(request)
        response.extensions["route"] = _route(str(request.url), proxy, self._certificates)
        return response

    def close(self) -> None:
        with self._lock:
            routes, self._routes = list(self._routes.values()), {}
        for transport in routes:
            transport.close()
