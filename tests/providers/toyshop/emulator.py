"""The toy shop's emulator: carts by id; every call needs ``Authorization: Toy <key>``."""

from __future__ import annotations

import itertools

import httpx

from app.domain import jsonfmt
from app.domain.sandbox_marks import SandboxMode
from app.providers.emulation import Emulator, EmulatorContext, json_response

from .provider import SANDBOX_KEY


class ToyEmulator(Emulator):
    key = "toyshop"

    def __init__(self, context: EmulatorContext) -> None:
        super().__init__(context)
        self.carts: dict[str, object] = {}
        self._ids = itertools.count(1)

    def owns(self, path: str) -> bool:
        return path == "/v1/carts" or path.startswith("/v1/carts/")

    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        if request.headers.get("authorization") != f"Toy {SANDBOX_KEY}":
            return json_response(401, {"error": "unknown key"})
        path = request.url.path
        with self.context.lock:
            if request.method == "POST" and path == "/v1/carts":
                cart_id = f"toy-{next(self._ids)}"
                self.carts[cart_id] = jsonfmt.loads(body)["data"]["attributes"]
                return json_response(201, {"id": cart_id})
            if request.method == "DELETE":
                self.carts.pop(path.rsplit("/", 1)[-1], None)
                return httpx.Response(204)
        return json_response(404, {"error": "no such call"})
