"""``cart-composer``: with no arguments it opens the window; sub-commands work headless.

cart-composer                      open the window (same as ``cart-composer gui``)
cart-composer validate CART...     check carts; exit 1 if any has errors
cart-composer payload CART         print the exact JSON body Send would put on the wire
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app import __version__

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
DEFAULT_SANDBOX_PORT = 8765


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cart-composer",
        description="Compose, preview and send shopping-cart events to Drip and Bronto.",
    )
    parser.add_argument("--version", action="version", version=f"cart-composer {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the window (the default)")
    gui.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a picture of the window to PNG once it is shown, then quit",
    )

    validate = commands.add_parser("validate", help="check cart files against the API rules")
    validate.add_argument("carts", nargs="+", type=Path, metavar="CART")

    payload = commands.add_parser("payload", help="print the exact request body of a cart")
    payload.add_argument("cart", type=Path, metavar="CART")
    payload.add_argument(
        "--request",
        action="store_true",
        help="print the whole request (method, URL, headers with secrets masked, body)",
    )
    payload.add_argument("--base-url", help="API base URL (default: the vendor's)")
    payload.add_argument("--account-id", default="9999999", help="Drip account id for the URL")

    sandbox = commands.add_parser(
        "sandbox", help="run the Drip and Bronto emulator on 127.0.0.1 (Ctrl-C stops it)"
    )
    sandbox.add_argument(
        "--port", type=int, default=DEFAULT_SANDBOX_PORT, help="port to listen on; 0 = any free"
    )
    sandbox.add_argument(
        "--drip-hourly-limit", type=int, default=3600, metavar="N", help="Drip requests per hour"
    )
    sandbox.add_argument(
        "--token-lifetime",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="lifetime of Bronto access tokens",
    )
    return parser


def _validate(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    from app.domain.errors import CartFileError
    from app.providers import get_provider, load_cart

    status = EXIT_OK
    for path in paths:
        try:
            loaded = load_cart(path)
        except CartFileError as exc:
            print(f"{exc}", file=err)
            status = max(status, EXIT_USAGE)
            continue
        for note in loaded.notes:
            print(f"{path}: note: {note.path}: {note.message}", file=out)
        result = get_provider(loaded.document.provider).validate(loaded.document.payload)
        for where, message in result.warnings.items():
            print(f"{path}: warning: {where}: {message}", file=out)
        if result.ok:
            print(f"{path}: valid", file=out)
            continue
        status = max(status, EXIT_INVALID)
        count = len(result.errors)
        print(f"{path}: {count} problem{'s' if count != 1 else ''}", file=out)
        for where, message in result.errors.items():
            print(f"  {where or '(cart)'}: {message}", file=out)
    return status


def _payload(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.domain.errors import CartComposerError
    from app.providers import Target, build_request, get_provider, load_cart
    from app.providers.bronto.provider import DEFAULT_BASE_URL as BRONTO_BASE
    from app.providers.drip.provider import DEFAULT_BASE_URL as DRIP_BASE

    try:
        loaded = load_cart(args.cart)
        document = loaded.document
        if not args.request:
            out.write(get_provider(document.provider).body(document.payload).decode("utf-8"))
            out.write("\n")
            return EXIT_OK
        base = args.base_url or (DRIP_BASE if document.provider == "drip" else BRONTO_BASE)
        request = build_request(document, Target(base, args.account_id))
    except CartComposerError as exc:
        print(str(exc), file=err)
        return EXIT_USAGE
    print(f"{request.method} {request.url}", file=out)
    for name, value in request.headers:
        print(f"{name}: {value}", file=out)
    print("", file=out)
    print(request.body_text, file=out)
    return EXIT_OK


def _sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import signal

    from app.sandbox import Sandbox, SandboxConfig, SandboxServer
    from app.sandbox import config as creds

    config = SandboxConfig(
        drip_hourly_limit=args.drip_hourly_limit, bronto_token_lifetime=args.token_lifetime
    )
    server = SandboxServer(Sandbox(config), port=args.port)
    try:
        url = server.start()
    except OSError as exc:
        print(f"The sandbox could not listen on 127.0.0.1:{args.port}: {exc.strerror}.", file=err)
        return EXIT_USAGE
    print(f"Cart Composer sandbox listening on {url}  (Ctrl-C stops it)", file=out)
    print(
        f"  Drip:   account {creds.DRIP_ACCOUNT_ID}, API key {creds.DRIP_API_KEY}\n"
        f"  Bronto: client id {creds.BRONTO_CLIENT_ID}, secret {creds.BRONTO_CLIENT_SECRET}, "
        f"token URL {url}/oauth2/token\n"
        f"  Requests received: {url}/_sandbox/requests",
        file=out,
        flush=True,
    )
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop it cleanly. SIGINT is set explicitly because a shell starts
    # background jobs with SIGINT ignored, and Python would then never raise KeyboardInterrupt.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    while not stopped.wait(0.2):
        pass
    server.stop()
    print("Sandbox stopped.", file=out, flush=True)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.carts, sys.stdout, sys.stderr)
    if args.command == "payload":
        return _payload(args, sys.stdout, sys.stderr)
    if args.command == "sandbox":
        return _sandbox(args, sys.stdout, sys.stderr)
    # Qt is imported only here, so the headless commands never load it.
    from app.ui.application import run

    return run(screenshot=getattr(args, "screenshot", None))
